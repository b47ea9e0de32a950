"""Routes of the background jobs: every signed-in user's own (another's job is not found: tests/test_jobs.py)."""
from tests.routes.common import ALL


def _job(ctx, **kwargs):
    from tests.fixtures_jobs import make_job

    return {"job_id": make_job(ctx.get("user") or ctx["target"], **kwargs).id}


def _running(ctx):
    from seconding.models import JobState

    return _job(ctx, state=JobState.QUEUED)


def _download(ctx):
    from seconding.models import JobState

    return _job(ctx, state=JobState.DONE, output=b"institution\r\n")


ROUTES = {
    "jobs.index": (("GET",), ALL, None, None),
    "jobs.detail": (("GET",), ALL, _running, None),
    "jobs.status_json": (("GET",), ALL, _running, None),
    "jobs.cancel_job": (("POST",), ALL, _running, {}),
    "jobs.download": (("GET",), ALL, _download, None),
}
