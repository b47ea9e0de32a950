"""Background jobs in tests: run what the requests queued, here, in the test's own transaction."""
import pytest

from seconding.jobs.queue import queue


def run_jobs() -> int:
    """Run every job waiting in the queue, as a worker would (each in an app context of its own, so with a session
    of its own, on the test's connection); how many ran. The test's session then reads what they wrote."""
    from seconding.extensions import db

    count = queue().run_pending()
    db.session.expire_all()
    return count


def finished(client, response, **kwargs):
    """The page a request leads to once its job has run: a request that answered with a job page (303 to
    /jobs/<id>) has its job run, then the job page is read. Any other answer is returned as it is."""
    if response.status_code in (302, 303) and "/jobs/" in response.headers.get("Location", ""):
        run_jobs()
        return client.get(response.headers["Location"], **kwargs)
    return response


@pytest.fixture(autouse=True)
def _empty_queue(app):
    """Each test starts with an empty queue (a test that queued a job without running it leaves it behind)."""
    with app.app_context():
        while queue().huey.dequeue() is not None:
            pass
    yield


@pytest.fixture
def heard(monkeypatch) -> list[tuple]:
    """What the jobs run in the test tell their progress, as (step, done, total), besides publishing it."""
    from seconding.jobs import services

    told, reporter = [], services.Reporter.__call__

    def listen(self, step, done, total=None):
        told.append((step, done, total))
        return reporter(self, step, done, total)

    monkeypatch.setattr(services.Reporter, "__call__", listen)
    return told


def make_job(user, state=None, *, kind: str = "register_check", result: dict | None = None,
             output: bytes | None = None):
    """A job of `user` as a worker leaves it (failed, unless told otherwise), committed."""
    import json
    import secrets

    from seconding.db import utcnow
    from seconding.extensions import db
    from seconding.models import Job, JobState

    state = state or JobState.FAILED
    job = Job(key=secrets.token_hex(16), kind=kind, user_id=user.id, state=state, filename="register.csv",
              result=json.dumps(result if result is not None else {"error": "error"}), output=output,
              output_name="register.csv" if output is not None else "", output_type="text/csv",
              started_at=utcnow(), finished_at=utcnow() if state.finished else None)
    db.session.add(job)
    db.session.commit()
    return job
