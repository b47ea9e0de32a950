"""Python's cycle collector paused while tens of thousands of row objects are made (an import, an export, a
ranking over the pool): they hold no cycles, and the collections their allocations alone trigger would walk them
again and again and find nothing to free (a third of a 50,000-row import's or export's time). It runs after.
The pause is process-wide: other threads of a threaded worker wait for it too."""
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
