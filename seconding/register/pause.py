"""Python's cycle collector paused while the whole pool passes through as row objects (an import, an export)."""
import gc
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused():
    """The collector would walk the tens of thousands of row objects of a whole-pool file again and again while they
    are made (a third of the time of a 50,000-row import or export) and find nothing to free; it runs after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
