"""The benchmark of SPEC §13: `python -m bench [--experts N]` (or `make bench`).

It builds (once, then reuses) a SQLite database of N fictional experts in bench/out/, and runs each section in
SECTIONS; a section is a module with `run(app, n) -> list[Figure]`. Peak memory is printed at the end.
"""
import argparse
import importlib
import os
import resource
import sys
import time
from pathlib import Path

SECTIONS = ("bench.pool", "bench.matching", "bench.register", "bench.hostile", "bench.digest", "bench.completeness",
            "bench.dashboard", "bench.pages", "bench.packages", "bench.calendar", "bench.load")
OUT = Path(__file__).resolve().parent / "out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=50_000, help="size of the generated pool (default 50000)")
    parser.add_argument("--sections", default=",".join(s.split(".")[1] for s in SECTIONS),
                        help="comma-separated sections to run")
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    args = parser.parse_args(argv)
    if args.experts < 1:
        parser.error("--experts must be at least 1")

    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("INSTANCE_PATH", str(OUT / "instance"))
    from bench.loadsetup import schema_key
    from seconding import create_app

    # One database per size and schema: a pool generated for older models is made again, not reused.
    db_path = OUT / f"pool-{args.experts}-{schema_key()}.db"
    for old in OUT.glob(f"pool-{args.experts}[.-]*"):
        if args.fresh or not old.name.startswith(db_path.name):
            old.unlink()

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench",
                      "TESTING": False, "SCHEDULER_ENABLED": False, "MFA_REQUIRED_ROLES": ()})
    from bench.generate import ensure_pool

    started = time.perf_counter()
    created = ensure_pool(app, args.experts)
    if created:
        print(f"generated {args.experts} experts in {time.perf_counter() - started:.1f} s -> {db_path}")
    print(f"pool: {args.experts} experts ({db_path.name}); Python {sys.version.split()[0]}")
    wanted = {s.strip() for s in args.sections.split(",")}
    peaks: list[float] = []
    for name in SECTIONS:
        if name.split(".")[1] not in wanted:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        print(f"\n[{name.split('.')[1]}]")
        peaks.append(_peak_mb())
        reset = _reset_peak()
        for figure in module.run(app, args.experts):
            print(figure.line(), flush=True)
        if reset:
            peaks.append(_peak_mb())
            print(f"(peak memory during this section: {peaks[-1]:.0f} MB)", flush=True)
    peak_mb = max(peaks + [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024])
    verdict = "; ".join(f"target {t} MB ({who}) {'ok' if peak_mb < t else 'OVER'}"
                        for t, who in ((500, "SPEC §13"), (350, "issue 15")))
    print(f"\npeak memory (max RSS of this process): {peak_mb:.0f} MB; {verdict}")
    return 0


def _peak_mb() -> float:
    """This process's peak resident memory so far (since the last reset), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Linux: start this process's peak resident memory afresh, so each section's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


if __name__ == "__main__":
    raise SystemExit(main())
