"""The job queue on each store it is documented for (README, JOBS_QUEUE_URL): a SQLite file, PostgreSQL and Redis.
Each takes a task once, runs it, and keeps a job's live progress beside it."""
import os
import socket
import uuid

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from seconding.jobs.queue import Queue

POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def store(request, tmp_path):
    """A Flask app's settings for a queue on the store, and its clean-up."""
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if request.param == "sqlite":
        config["JOBS_QUEUE_URL"] = f"sqlite:///{tmp_path / 'queue.db'}"
        yield config
    elif request.param == "postgresql":
        if not _listening("127.0.0.1", 5432):
            pytest.skip("no PostgreSQL on 127.0.0.1:5432")
        schema = f"q_{uuid.uuid4().hex[:12]}"
        engine = create_engine(POSTGRESQL)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        config.update(SQLALCHEMY_DATABASE_URI=POSTGRESQL, JOBS_QUEUE_URL=POSTGRESQL,
                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={schema}"}})
        yield config
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    else:
        if not _listening("127.0.0.1", 6379):
            if os.environ.get("CI"):
                pytest.fail("no Redis on 127.0.0.1:6379")
            pytest.skip("no Redis on 127.0.0.1:6379")
        config["JOBS_QUEUE_URL"] = "redis://127.0.0.1:6379/15"
        yield config


def test_a_task_is_taken_once_and_the_progress_is_kept(store):
    app = Flask(__name__)
    app.config.update(store)
    ran = []
    queue = Queue(app, ran.append)
    queue.huey.flush()
    try:
        queue.enqueue("job-1")
        queue.enqueue("job-2")
        assert queue.run_pending() == 2
        assert ran == ["job-1", "job-2"]
        assert queue.run_pending() == 0  # taken once: nothing is left for another worker
        queue.put("progress", "job-1", {"step": "checking", "done": 500, "total": 1000})
        assert queue.peek("progress", "job-1") == {"step": "checking", "done": 500, "total": 1000}
        assert queue.peek("progress", "job-1")["done"] == 500  # reading leaves it
        queue.drop("progress", "job-1")
        assert queue.peek("progress", "job-1") is None
    finally:
        queue.huey.flush()
        queue.huey.storage.close()
