"""`python -m bench.cluster` (`make cluster-check`): the app on two hosts behind HAProxy, one PostgreSQL, real
faults under load (issue 28); prints the table and exits non-zero when a fault lost an acknowledged write, sent an
e-mail twice, answered 500 or failed its own check.

Where network namespaces cannot be made (not root, no iproute2) it says why and exits 0 ("skipped"), or 1 when
CI or REQUIRE_CLUSTER=1 is set.
"""
import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

LOCK = Path(tempfile.gettempdir()) / "seconding-cluster.lock"


class OutOfTime(Exception):
    pass


def _raise(signum, _frame):
    raise OutOfTime("out of time" if signum == signal.SIGALRM else f"signal {signum}")


def table(results) -> str:
    """The results as a Markdown table."""
    lines = ["| fault | requests | errors by status | acknowledged writes | writes found after | duplicate e-mails "
             "| recovery | verdict |", "|---|---:|---|---:|---:|---:|---|---|"]
    for r in results:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items())) or "none"
        lines.append(f"| {r.fault} | {r.requests} | {errors} | {r.acknowledged} | {r.found} | {r.duplicates} "
                     f"| {r.recovery} | {'ok' if r.ok else 'FAILED'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", default=None, help="which faults, comma-separated: 1,2,3,4,5 (default all)")
    parser.add_argument("--timeout", type=int, default=600, help="stop everything after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs) after it ends")
    args = parser.parse_args(argv)

    from bench.cluster import net

    reason = net.unavailable()
    if reason:
        required = os.environ.get("CI") or os.environ.get("REQUIRE_CLUSTER") == "1"
        print(f"cluster check {'cannot run' if required else 'skipped'}: {reason}")
        return 1 if required else 0
    for tool in ("haproxy", "openssl", "setpriv"):
        if shutil.which(tool) is None:
            print(f"cluster check cannot run: {tool} is not installed (apt-get install haproxy, as .ci/run does)")
            return 1

    lock = LOCK.open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another cluster check is running on this machine")
        return 1

    folder = Path(tempfile.mkdtemp(prefix="seconding-cluster-"))
    folder.chmod(0o755)  # PostgreSQL (user postgres) reaches its data folder in it
    os.environ["INSTANCE_PATH"] = str(folder / "check")  # the check's own app objects write nothing in the repo
    for sig in (signal.SIGALRM, signal.SIGTERM):
        signal.signal(sig, _raise)
    signal.alarm(args.timeout)
    from bench.cluster.cluster import Cluster
    from bench.cluster.faults import FAULTS, Result

    started = time.monotonic()
    cluster = Cluster(folder, say=lambda line: print(line, flush=True))
    results = []
    failed = False
    print(f"cluster check {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} in {folder}", flush=True)
    try:
        cluster.up()
        names = list(FAULTS) if args.faults is None else [n.strip() for n in args.faults.split(",") if n.strip()]
        for name in names:
            fault = FAULTS[name]
            t0 = time.monotonic()
            print(f"fault {name}: {fault.__name__} ...", flush=True)
            try:
                result = fault(cluster)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # a step did not end in time
                result = Result(f"{name}. {fault.__name__}", problems=[f"stopped: {exc}"[:1000]])
                cluster.heal()
            results.append(result)
            print(f"  {'ok' if result.ok else 'FAILED: ' + '; '.join(result.problems)} "
                  f"({time.monotonic() - t0:.0f} s)", flush=True)
            for note in result.notes:
                print(f"  - {note}", flush=True)
    except (Exception, KeyboardInterrupt, OutOfTime) as exc:
        failed = True
        print(f"cluster check stopped: {type(exc).__name__}: {exc}", flush=True)
        if not isinstance(exc, KeyboardInterrupt | OutOfTime):
            import traceback

            traceback.print_exc()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        cluster.down()
        failed = failed or not all(r.ok for r in results)
        if args.keep or failed:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(results))
    print(f"\n{len(results)} faults in {time.monotonic() - started:.0f} s; "
          f"{'FAILED' if failed or not all(r.ok for r in results) else 'all ok'}")
    return 1 if failed or not all(r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
