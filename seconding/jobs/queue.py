"""The job queue: Huey (docs/decisions.md), on Redis, PostgreSQL or a SQLite file (`JOBS_QUEUE_URL`).

The queue carries one kind of task, "run the job with this key"; what the job is, who asked and its input are in
the `jobs` table (seconding/models/jobs.py), so any worker on any host can run it. A task is taken from the queue by
one worker only (the storage's atomic pop). Beside the tasks, the queue's key-value store keeps each running job's
live progress and a cancel request: written outside the job's own database transaction, which on SQLite holds the
database's write lock for the whole apply step.

Workers: `flask --app app jobs worker` (Huey's consumer, with threads), or, with `JOBS_IN_PROCESS` (as `make run`
does), threads of the web process itself. Tests run the queue's tasks in their own thread (`run_pending`).
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from flask import Flask, current_app
from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey

from seconding.db import QUEUE_TABLE_PREFIX

log = logging.getLogger(__name__)
NAME = "seconding"
TASK = "seconding.job"


def default_url(database_url: str, instance_path: str) -> str:
    """The job queue beside the app's database when JOBS_QUEUE_URL is not set: in it on PostgreSQL (every host
    shares it), else in a SQLite file of its own next to the SQLite database (a separate file: a job's long write
    transaction does not lock the queue), or in the instance folder (an in-memory database)."""
    if database_url.startswith("postgresql"):
        return database_url
    stem = database_url.removeprefix("sqlite:///").removesuffix(".db")
    if database_url.startswith("sqlite:///") and stem:
        return f"sqlite:///{stem}-jobs.db"
    return "sqlite:///" + os.path.join(instance_path, "jobs.db")


def _make(app: Flask) -> Huey:
    url: str = app.config["JOBS_QUEUE_URL"]
    options = {"results": False, "utc": True}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=url, **options)
    if url.startswith("postgresql"):
        dsn = "postgresql://" + url.split("://", 1)[1]
        params = {}
        if url == app.config["SQLALCHEMY_DATABASE_URI"]:  # the app's own database: the same connection settings
            params = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}))
        # Not blocking: an empty queue answers at once (workers poll, backing off up to a few seconds) instead of
        # waiting for a notification on a connection held open.
        return PostgresHuey(NAME, dsn=dsn, table_prefix=QUEUE_TABLE_PREFIX, blocking=False, **options, **params)
    if url.startswith("sqlite:///"):
        return SqliteHuey(NAME, filename=url.removeprefix("sqlite:///"), **options)
    raise ValueError(f"JOBS_QUEUE_URL must be redis://, postgresql:// or sqlite:///, not {url!r}")


class Queue:
    """The app's job queue, made when first used (the app starts even when the queue's server is down)."""

    def __init__(self, app: Flask, run: Callable[[str], None]) -> None:
        self.app = app
        self._run = run
        self._huey: Huey | None = None
        self._task = None
        self._lock = threading.Lock()

    @property
    def huey(self) -> Huey:
        with self._lock:
            if self._huey is None:
                huey = _make(self.app)
                app, run = self.app, self._run

                def task(key: str) -> None:
                    with app.app_context():
                        run(key)

                self._task = huey.task(name=TASK)(task)
                self._huey = huey
            return self._huey

    def enqueue(self, key: str) -> None:
        self.huey  # noqa: B018  (makes the task)
        self._task(key)

    def put(self, name: str, key: str, value: object) -> None:
        self.huey.put(f"{name}:{key}", value)

    def peek(self, name: str, key: str) -> object | None:
        return self.huey.get(f"{name}:{key}", peek=True)

    def drop(self, name: str, key: str) -> None:
        self.huey.get(f"{name}:{key}")

    def run_pending(self) -> int:
        """Run the tasks waiting in the queue, here, one after another; how many ran (tests, `jobs run-pending`)."""
        count = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            count += 1
        return count

    def start_threads(self, count: int) -> threading.Event:
        """Job workers as daemon threads of this process (JOBS_IN_PROCESS): each takes the next task, or waits.
        Setting the returned event stops them after their current job."""
        stop = threading.Event()

        def work() -> None:
            idle = 0.1
            while not stop.is_set():
                try:
                    task = self.huey.dequeue()
                    if task is None:
                        stop.wait(idle)
                        idle = min(idle * 1.5, 2.0)
                        continue
                    idle = 0.1
                    self.huey.execute(task)
                except Exception:  # the queue's store unreachable, or a task's own error (already logged)
                    log.exception("job worker thread")
                    stop.wait(2.0)

        for n in range(count):
            threading.Thread(target=work, name=f"job-worker-{n}", daemon=True).start()
        return stop

    def run_worker(self, workers: int) -> None:
        """Huey's consumer in this process, with `workers` threads, until stopped (SIGINT: after the running jobs;
        SIGTERM: at once; a job cut short is rolled back by its database and shown as stopped)."""
        self.huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()


def queue() -> Queue:
    return current_app.extensions["jobs"]
