"""The app under load (issue 15): gunicorn on 127.0.0.1 over the 50,000-expert pool, on PostgreSQL with 2 and 4
workers and on SQLite with 4 for comparison, driven by locust (headless) with USERS signed-in users of different
roles and services for SECONDS each (bench/locustfile.py has the mix). Per run: requests per second, median and
p95 per page beside the floor (/healthz, a bare Flask response through the same gunicorn, in the same mix), the
failures and 5xx, the outcome of the writes, and the workers' peak memory.

Environment: BENCH_LOAD_USERS (default 20), BENCH_LOAD_SECONDS (default 45), BENCH_POSTGRES_URL (the server's
maintenance database, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import Figure
from bench.listcount import dashboard_jit, measure
from bench.loadsetup import SERVER_URL, postgres_copy, postgres_reachable, sqlite_copy, write_plan
from bench.server import ROOT, gunicorn

USERS = int(os.environ.get("BENCH_LOAD_USERS", "20"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "45"))
# (database, workers, threads per worker): sync workers, then gthread workers, whose threads let a short page
# pass while a long one (a ranking, an export) holds its worker.
RUNS = (("postgresql", 2, 1), ("postgresql", 4, 1), ("postgresql", 4, 4), ("sqlite", 4, 1))
P95_TARGET_MS = 250  # list, detail, board and dashboard (PostgreSQL, 4 workers, 20 users)
TARGETED = ("expert list (filters)", "expert detail", "nominations board", "dashboard")
FLOOR = "floor: bare Flask (/healthz)"


class MemoryWatch(threading.Thread):
    """Samples gunicorn's memory every half second; keeps the peaks. The total is the proportional set size (PSS)
    of the master and its workers: pages they share since the fork (--preload) are counted once, not per process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_worker, self.running = pid, 0, 0, True

    def run(self) -> None:
        import psutil

        master = psutil.Process(self.pid)
        while self.running:
            try:
                workers = [p.memory_full_info() for p in master.children()]
                total = master.memory_full_info().pss + sum(w.pss for w in workers)
            except psutil.Error:
                break
            self.peak_total = max(self.peak_total, total)
            self.peak_worker = max([self.peak_worker, *(w.rss for w in workers)])
            time.sleep(0.5)


def _locust(url: str, plan: Path, work: Path, label: str) -> tuple[list[dict], dict, str]:
    prefix = work / label
    outcomes = work / f"{label}-outcomes.json"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--users", str(USERS), "--spawn-rate", str(USERS), "--run-time", f"{SECONDS + 120}s", "--host", url,
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "ERROR",
               "--exit-code-on-error", "0"]
    # The locustfile measures SECONDS from the moment every user is signed in; --run-time only bounds the whole.
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_OUTCOMES": str(outcomes), "PYTHONPATH": str(ROOT),
           "LOAD_USERS": str(USERS), "LOAD_SECONDS": str(SECONDS)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SECONDS + 240)
    if done.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    with open(f"{prefix}_failures.csv", newline="") as failures:
        failed = list(csv.DictReader(failures))
    server_errors = sum(int(f["Occurrences"]) for f in failed if f["Error"].startswith("status 5")
                        or "Server Error" in f["Error"])
    text = "; ".join(f"{f['Name']}: {f['Error']} x{f['Occurrences']}" for f in failed)
    extra = json.loads(outcomes.read_text()) if outcomes.exists() else {"writes": {}, "sign_in": {}}
    return rows, {**extra, "server_errors": server_errors}, text


def _ms(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:  # locust writes N/A for a name without requests
        return None


def _table(label: str, rows: list[dict], extra: dict, failures: str, memory: MemoryWatch, log: str) -> list[str]:
    total = next(r for r in rows if r["Name"] == "Aggregated")
    floor = next((r for r in rows if r["Name"] == FLOOR), None)
    floor_median = _ms(floor["50%"]) if floor else None
    tracebacks = log.count("Traceback")
    lines = [f"{label}: {float(total['Requests/s']):.1f} requests/s, {total['Request Count']} requests, "
             f"{total['Failure Count']} errors ({extra['server_errors']} 5xx, {tracebacks} tracebacks in the "
             f"server log); gunicorn peak memory {memory.peak_total / 2**20:.0f} MB PSS "
             f"(largest worker {memory.peak_worker / 2**20:.0f} MB RSS)",
             f"  {'page':<46} {'requests':>8} {'median':>8} {'p95':>8}  {'median/floor':>12}  target"]
    for row in sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -int(r["Request Count"])):
        median, p95 = _ms(row["50%"]), _ms(row["95%"])
        if median is None or p95 is None:  # no request of this name in the measured window
            continue
        ratio = f"{median / floor_median:10.1f}x" if floor_median and row is not floor else ""
        target = ""
        if row["Name"] in TARGETED:
            target = f"p95 < {P95_TARGET_MS} ms {'ok' if p95 < P95_TARGET_MS else 'OVER'}"
        lines.append(f"  {row['Name']:<46} {row['Request Count']:>8} {median:6.0f}ms {p95:6.0f}ms  {ratio:>12}  "
                     f"{target}")
    sign_in = extra["sign_in"]
    if sign_in:
        lines.append(f"  sign-in burst before the figures: all {USERS} users in {sign_in['seconds']:.1f} s (median "
                     f"{sign_in['median_ms']:.0f} ms, slowest {sign_in['max_ms']:.0f} ms, {sign_in['failures']} "
                     "failed)")
    if extra["writes"]:
        lines.append("  writes: " + ", ".join(f"{k} {v}" for k, v in sorted(extra["writes"].items())))
    if failures:
        lines.append("  failures: " + failures[:1500])
    return lines


def _counts(url: str, label: str) -> None:
    from seconding import create_app
    from seconding.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False,
                      "SCHEDULER_ENABLED": False, "MFA_REQUIRED_ROLES": ()})
    for figure in measure(app, label):
        print(figure.line(), flush=True)
    with app.app_context():
        db.engine.dispose()


def run(app, n: int) -> list[Figure]:
    from seconding.extensions import db

    with app.app_context():
        folder = Path(db.engine.url.database).parent
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    print(f"{USERS} users, {SECONDS} s per run, pause 0.5-2 s between a user's pages; other work may share the "
          f"machine ({os.cpu_count()} cores)", flush=True)
    try:
        counted: set[str] = set()
        runs = RUNS
        if not postgres_reachable():
            print(f"PostgreSQL is not reachable at {SERVER_URL}: its runs are skipped (start it, or set "
                  "BENCH_POSTGRES_URL)", flush=True)
            runs = tuple(r for r in RUNS if r[0] != "postgresql")
        for database, workers, threads in runs:
            started = time.perf_counter()
            if database == "postgresql":
                url, plan, drop = postgres_copy(USERS, n)
            else:
                url, plan, drop = sqlite_copy(folder, work, USERS, n)
            plan_file = write_plan(plan, work / "plan.json")
            label = (f"{database}, {workers} workers" + (f" x {threads} threads" if threads > 1 else "")
                     + f", {USERS} users, {SECONDS} s")
            print(f"({label}: database ready in {time.perf_counter() - started:.0f} s)", flush=True)
            if database not in counted:  # the list's count, on this database, before the load
                counted.add(database)
                _counts(url, database)
                if database == "postgresql":
                    coordinator = next(u["email"] for u in plan["users"] if u["role"] == "coordinator")
                    for figure in dashboard_jit(url, coordinator, plan["password"]):
                        print(figure.line(), flush=True)
            # The bench users sign in with a password only: pages are measured, not enrolment.
            env = {"DATABASE_URL": url, "SECRET_KEY": "bench-load", "SECONDING_ENV": "development",
                   "SCHEDULER_ENABLED": "0", "INSTANCE_PATH": str(work / "instance"), "MFA_REQUIRED_ROLES": ""}
            log = work / f"gunicorn-{database}-{workers}-{threads}.log"
            try:
                with gunicorn("app:app", env, workers=workers, threads=threads, log=log) as server:
                    memory = MemoryWatch(server.process.pid)
                    memory.start()
                    rows, extra, failures = _locust(server.url, plan_file, work, f"{database}-{workers}-{threads}")
                    memory.running = False
                for line in _table(label, rows, extra, failures, memory, log.read_text(errors="replace")):
                    print(line, flush=True)
            finally:
                drop()
            print(flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # copies, logs and locust's files
    return []
