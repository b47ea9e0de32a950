"""Progress of long work, told as it goes: one callback, `progress(step, done, total)`.

`step` names the stage ("reading", "checking", "applying", "writing", "sending"), `done` the rows (or items) done
so far in it, `total` how many there are (None while unknown). The register and annex imports, the exports and
the digest take an optional `progress`; the job worker's is seconding.jobs.services.Reporter (the job page's bar),
the command line's a progress bar on a terminal (terminal_bar). Called every EVERY items and at the end of a
stage, so the cost is nothing when nobody listens.
"""
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

import click
from flask_babel import lazy_gettext as _l

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


# The steps in words: the job page's, in its reader's language, and the command line's (which speaks English).
STEPS = {
    "waiting": _l("Waiting for a worker"),
    "reading": _l("Reading the file"),
    "checking": _l("Checking the rows"),
    "applying": _l("Saving the changes"),
    "writing": _l("Writing the file"),
    "sending": _l("Sending"),
    "finishing": _l("Finishing"),
}


class TerminalBar:
    """A Progress that draws click's progress bar, one per step, on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.step: str | None = None
        self.bar = None

    def __call__(self, step: str, done: int, total: int | None) -> None:
        if step != self.step:
            self.close()
            self.step = step
            # Without a total yet, click draws a bar moving to and fro beside the count.
            self.bar = click.progressbar((_ for _ in ()), length=total, label=str(STEPS.get(step, step)),
                                         file=self.stream, show_pos=True, show_percent=True,
                                         show_eta=False).__enter__()
        if total is not None and self.bar.length != total:
            self.bar.length = total
        if done > self.bar.pos:
            self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        """End the current step's bar with its line (the next output starts on a line of its own)."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


@contextmanager
def terminal_bar(stream: TextIO | None = None) -> Iterator[Progress | None]:
    """For a command: a Progress drawing a bar on stderr when stderr is a terminal, else None (nothing drawn, no
    cost), so what a command prints on stdout, and its output in a pipe, a file or cron, stays as it was::

        with terminal_bar() as progress:
            outcome = check_file(path, scope=None, progress=progress)
    """
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    bar = TerminalBar(stream)
    try:
        yield bar
    finally:
        bar.close()
