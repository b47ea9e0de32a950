"""Progress of long work, told as it goes: one callback, `progress(step, done, total)`.

`step` names the stage ("reading", "checking", "applying", "writing", "sending"), `done` the rows (or items) done
so far in it, `total` how many there are (None while unknown). The register and annex imports, the exports and
the digest take an optional `progress`; the job worker's is seconding.jobs.services.Reporter (the job page's bar),
the command line's a progress bar on a terminal. Called every EVERY items and at the end of a stage, so the cost
is nothing when nobody listens.
"""
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[str, int, "int | None"], None]
EVERY = 500
T = TypeVar("T")


def counted(items: Iterable[T], progress: Progress | None, step: str, total: int | None = None,
            every: int = EVERY) -> Iterator[T]:
    """The items, telling `progress` how many were taken every `every` items and once at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    progress(step, 0, total)
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            progress(step, done, total)
    progress(step, done, done)  # the whole of it (an estimated total may have been off)
