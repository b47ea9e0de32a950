"""Background jobs: the register import runs in a worker; its page shows the progress, then the preview or the
result; another user's job is not found; a job is cancelled while it checks; a worker that dies leaves the job
failed and the pool as it was (a real worker process, killed)."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from seconding.extensions import db as _db
from seconding.jobs.queue import queue
from seconding.jobs.services import CANCEL, PROGRESS
from seconding.models import Expert, Job, JobState, Role
from tests.conftest import config
from tests.fixtures_jobs import make_job, run_jobs
from tests.fixtures_register import csv_bytes, rows, snapshot
from tests.test_register_pages import counts_of, token_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def police_hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def post_upload(client, content: bytes, name: str = "register.csv", **request):
    import io

    return client.post_form("/register/upload", {"file": (io.BytesIO(content), name), "institution": ""},
                            content_type="multipart/form-data", **request)


def job_of(response) -> Job:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    job_id = int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1))
    return _db.session.get(Job, job_id)


def test_the_upload_answers_at_once_with_a_job_page_that_refreshes_itself(client, police_hr, db):
    before = snapshot()
    job = job_of(post_upload(client, csv_bytes(rows(3))))
    assert job.state == JobState.QUEUED and job.user_id == police_hr.id and job.filename == "register.csv"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Waiting for a worker" in page
    assert "<progress" in page  # the bar: a progress element, labelled by the step
    assert '<meta http-equiv="refresh" content="3">' in page  # without JavaScript, inside <noscript>
    assert "js/jobs.js" in page  # with it, the page asks for the status
    assert client.get(f"/jobs/{job.id}/status").get_json()["step"] == "waiting"
    assert snapshot() == before
    assert run_jobs() == 1
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["state"] == "done" and status["finished"]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert counts_of(page) == {"created": 3, "updated": 0, "unchanged": 0, "trainings": 3}
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in listing and "Register import: checking the file" in listing


def test_another_users_job_is_not_found(client, police_hr, make_user, login, db):
    job = job_of(post_upload(client, csv_bytes(rows(2))))
    run_jobs()
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}/status", f"/jobs/{job.id}/download"):
        assert client.get(url).status_code == 404
    assert client.post_form(f"/jobs/{job.id}/cancel").status_code == 404
    assert f"/jobs/{job.id}" not in client.get("/jobs/").get_data(as_text=True)
    # Nor can its file be confirmed by someone else.
    page = client.post_form("/register/confirm", {"token": job.key}, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already imported" in page
    assert db.session.scalar(select(func.count(Expert.id))) == 0


def test_a_waiting_job_is_cancelled_and_never_runs(client, police_hr, db):
    job = job_of(post_upload(client, csv_bytes(rows(2))))
    response = client.post_form(f"/jobs/{job.id}/cancel")
    assert response.status_code == 302
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Cancelled. Nothing was changed." in page
    run_jobs()
    db.session.refresh(job)
    assert job.state == JobState.CANCELLED


def test_a_job_still_checking_stops_at_the_cancel_and_changes_nothing(client, police_hr, db):
    upload = job_of(post_upload(client, csv_bytes(rows(3))))
    run_jobs()
    response = client.post_form("/register/confirm", {"token": upload.key})
    job = job_of(response)
    # As if a worker had taken it and were checking: the page offers the cancel, which is recorded.
    job.state = JobState.RUNNING
    db.session.commit()
    queue().put(PROGRESS, job.key, {"step": "checking", "done": 1, "total": 3, "at": time.time()})
    assert 'id="job-cancel"' in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert client.post_form(f"/jobs/{job.id}/cancel").status_code == 302
    assert queue().peek(CANCEL, job.key) is True
    # The worker meets the request at its next report, before anything is saved.
    job.state = JobState.QUEUED
    db.session.commit()
    run_jobs()
    db.session.refresh(job)
    assert job.state == JobState.CANCELLED
    assert db.session.scalar(select(func.count(Expert.id))) == 0
    assert "Cancelled. Nothing was changed." in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_saving_cannot_be_cancelled(client, police_hr, db):
    job = make_job(police_hr, JobState.RUNNING, kind="register_import")
    queue().put(PROGRESS, job.key, {"step": "applying", "done": 10, "total": 100, "at": time.time()})
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Saving the changes" in page and 'id="job-cancel"' not in page
    page = client.post_form(f"/jobs/{job.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "can no longer be cancelled" in page
    assert queue().peek(CANCEL, job.key) is None


def test_a_job_whose_worker_stopped_is_shown_failed(app, client, police_hr, db):
    job = make_job(police_hr, JobState.RUNNING, kind="register_import")
    queue().put(PROGRESS, job.key, {"step": "applying", "done": 10, "total": 100, "at": time.time() - 120})
    with config(app, JOBS_STALE_SECONDS=60):
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The work stopped before the end" in page and "Nothing was changed" in page
    db.session.refresh(job)
    assert job.state == JobState.FAILED


def test_a_job_that_beats_is_not_taken_for_stopped(app, client, police_hr, db):
    job = make_job(police_hr, JobState.RUNNING, kind="register_import")
    queue().put(PROGRESS, job.key, {"step": "applying", "done": 10, "total": 100, "at": time.time() - 5})
    with config(app, JOBS_STALE_SECONDS=60):
        status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["state"] == "running" and status["count"] == "10 of 100 rows"


def test_the_job_speaks_its_users_language(client, make_user, login, db):
    user = make_user(Role.HR_OFFICER, "POLICE")
    user.locale = "pl"
    db.session.commit()
    login(user)
    data = rows(2)
    data[1]["date_of_birth"] = "2026-02-30"
    job = job_of(post_upload(client, csv_bytes(data)))
    run_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'lang="pl"' in page
    assert "is not a date in the calendar" not in page and "2026-02-30" in page


def _poll(client, job_id: int, seen: list[dict], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}/status").get_json()
        if not seen or (status["step"], status["done"]) != (seen[-1]["step"], seen[-1]["done"]):
            seen.append(status)
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError(f"the job did not end in {timeout} s: {seen[-3:]}")


@pytest.mark.real_db
def test_a_50000_row_import_runs_as_a_job_with_progress_and_the_clis_result(app, client, police_hr, runner,
                                                                              tmp_path, db):
    path = tmp_path / "pool.csv"
    path.write_bytes(csv_bytes(rows(50_000, trainings="")))
    cli = runner.invoke(args=["register", "import", str(path), "--dry-run"])
    assert cli.exit_code == 0, cli.output
    expected = re.search(r"(\d+) rows: (\d+) experts would be created, (\d+) updated, (\d+) unchanged; "
                         r"(\d+) training records", cli.output).groups()
    assert expected == ("50000", "50000", "0", "0", "0")
    stop = queue().start_threads(1)
    try:
        job = job_of(post_upload(client, path.read_bytes(), "pool.csv"))
        seen: list[dict] = []
        assert _poll(client, job.id, seen)["state"] == "done"
        checking = [s for s in seen if s["step"] == "checking" and not s["finished"]]
        assert len({s["done"] for s in checking}) >= 3, seen  # the bar moved at least three times
        assert all(s["total"] and s["total"] >= 49_000 for s in checking if s["done"])  # rows done of total
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert counts_of(page) == {"created": 50_000, "updated": 0, "unchanged": 0, "trainings": 0}
        imported = job_of(client.post_form("/register/confirm", {"token": token_of(page)}))
        seen = []
        assert _poll(client, imported.id, seen)["state"] == "done"
        applying = [s for s in seen if s["step"] == "applying" and not s["finished"]]
        assert len({s["done"] for s in applying}) >= 2, seen
    finally:
        stop.set()
    page = client.get(f"/jobs/{imported.id}").get_data(as_text=True)
    assert "Import complete" in page
    assert "pool.csv: 50000 created, 0 updated, 0 unchanged; training records added: 0." in page
    assert _db.session.scalar(select(func.count(Expert.id))) == 50_000


def _worker_environment(app) -> dict:
    """The environment of a `flask jobs worker` process on the test's database and queue."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               JOBS_QUEUE_URL=app.config["JOBS_QUEUE_URL"], SECRET_KEY="test-secret", SCHEDULER_ENABLED="0",
               JOBS_IN_PROCESS="0", PYTHONUNBUFFERED="1")
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:  # PostgreSQL: the test run's schema, for the app's engine and the queue's connections alike
        env["PGOPTIONS"] = options
    return env


@pytest.mark.real_db
def test_a_worker_killed_while_saving_leaves_the_pool_as_it_was(app, client, police_hr, tmp_path, db):
    """A real worker process is killed (SIGKILL) in the middle of the apply step: nothing of the file is in the
    pool, and the job page says the work stopped and nothing was changed."""
    upload = job_of(post_upload(client, csv_bytes(rows(20_000, trainings=""))))
    run_jobs()
    job = job_of(client.post_form("/register/confirm", {"token": upload.key}))
    experts_before = _db.session.scalar(select(func.count(Expert.id)))
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
                              cwd=ROOT, env=_worker_environment(app), stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            live = queue().peek(PROGRESS, job.key) or {}
            if live.get("step") == "applying" and live.get("done", 0) > 0:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, f"the worker never reached the apply step: {live}"
            time.sleep(0.02)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count(Expert.id))) == experts_before  # none of the 20,000
    assert _db.session.get(Job, job.id).state == JobState.RUNNING  # as the worker left it
    with config(app, JOBS_STALE_SECONDS=0):
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The work stopped before the end" in page
    assert _db.session.scalar(select(Job.state).where(Job.id == job.id)) == JobState.FAILED
    assert json.loads(_db.session.scalar(select(Job.result).where(Job.id == job.id))) == {"error": "stopped"}
    # The file can be imported again, and then all of it is.
    again = job_of(client.post_form("/register/confirm", {"token": upload.key}))
    run_jobs()
    assert _db.session.get(Job, again.id).state == JobState.DONE
    assert _db.session.scalar(select(func.count(Expert.id))) == experts_before + 20_000


def test_a_job_nobody_takes_says_the_workers_may_be_down(client, police_hr, db):
    from datetime import timedelta

    from seconding.db import utcnow

    job = make_job(police_hr, JobState.QUEUED)
    assert "No worker has taken this job yet" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    job.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert "No worker has taken this job yet" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_an_unconfirmed_files_personal_data_is_not_kept(app, client, police_hr, make_user, db):
    from datetime import timedelta

    from seconding.db import utcnow

    old = job_of(post_upload(client, csv_bytes(rows(2))))
    run_jobs()
    old.finished_at = utcnow() - timedelta(minutes=61)
    db.session.commit()
    job_of(post_upload(client, csv_bytes(rows(1))))  # any new job tidies up
    assert db.session.scalar(select(Job.input).where(Job.id == old.id)) is None
    page = client.post_form("/register/confirm", {"token": old.key}, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already imported" in page


def test_the_preview_names_institutions_in_the_readers_language(client, make_user, login, db):
    user = make_user(Role.HR_OFFICER, "POLICE")
    user.locale = "pl"
    db.session.commit()
    login(user)
    job = job_of(post_upload(client, csv_bytes(rows(1))))
    run_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "<td>Policja</td>" in page and "<td>POLICE</td>" not in page


def test_the_audit_events_of_a_job_carry_the_address_that_asked_for_it(client, police_hr, db):
    from seconding.models import AuditEvent

    at = {"environ_base": {"REMOTE_ADDR": "10.20.30.40"}}
    check = job_of(post_upload(client, csv_bytes(rows(2)), **at))
    run_jobs()
    page = client.get(f"/jobs/{check.id}").get_data(as_text=True)
    imported = job_of(client.post_form("/register/confirm", {"token": token_of(page)}, **at))
    assert run_jobs() == 1 and imported.address == "10.20.30.40"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "register_imported")).all()
    assert [(e.actor_id, e.address) for e in events] == [(police_hr.id, "10.20.30.40")]


def test_the_bars_status_answered_after_the_cancel_keeps_its_message(app, client, police_hr, db):
    """The job page asks for its status every second with the page's cookie. If an answer arrives after the cancel's,
    it must not put back the session from before the cancel (its message would be lost)."""
    job = job_of(post_upload(client, csv_bytes(rows(2))))
    older = client.get_cookie("session").value  # what the page's script sends
    assert client.post_form(f"/jobs/{job.id}/cancel").status_code == 302
    answer = app.test_client(use_cookies=False).get(f"/jobs/{job.id}/status", headers={"Cookie": f"session={older}"})
    assert answer.status_code == 200 and answer.get_json()["state"]
    for cookie in answer.headers.getlist("Set-Cookie"):  # the browser keeps what an answer sets
        client.set_cookie("session", cookie.split(";")[0].removeprefix("session="))
    assert "The job is being cancelled. Nothing is changed." in client.get(f"/jobs/{job.id}").get_data(as_text=True)
