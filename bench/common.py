"""Timing helpers and the figure format shared by the benchmark sections."""
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    """One measured figure, its floor (the same work's bare minimum on this machine) and the target."""

    name: str
    seconds: float
    floor_seconds: float | None = None
    target_seconds: float | None = None
    floor_name: str = ""

    def line(self) -> str:
        ratio = f"{self.seconds / self.floor_seconds:6.1f}x {self.floor_name}" if self.floor_seconds else ""
        target = ""
        if self.target_seconds is not None:
            verdict = "ok" if self.seconds <= self.target_seconds else "OVER"
            target = f"target {_fmt(self.target_seconds)} {verdict}"
        return f"{self.name:<52} {_fmt(self.seconds):>10}  {ratio:<40} {target}"


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def median_time(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time of `fn` over `repeat` runs, after `warmup` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
