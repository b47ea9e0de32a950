"""Acceptance (issue 25): the hostile XLSX files through gunicorn, as served in production (2 sync workers with
`--config python:seconding.serving`, its timeouts included) and a job worker process (`flask jobs worker`), on a
fresh database (PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise).

Two HR officers upload at the same moment, one the 2.8 MB file declaring 187 MB of texts, the other 150,000 genuine
rows; meanwhile a third user keeps asking for /healthz and a signed-in page. Both uploads end with the refusal and
its message (not an error page, not a timeout), the third user is answered 200 every time, and gunicorn's workers
are the same processes afterwards (none was killed), as is the job worker.
"""
import html
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.forms import find_form
from bench.server import ROOT, gunicorn
from seconding import create_app
from seconding.extensions import db as _db
from seconding.models import Institution, Role, User
from seconding.reference import seed_reference
from tests.hostile_files import shared_strings_bomb, too_many_rows
from tests.test_concurrency import PASSWORD, Browser, Page, _database

SECRET = "hostile-server-test-secret"
TOO_MUCH_TEXT = "The XLSX file holds far more text than any register"
TOO_MANY_ROWS = "The file has more than 100,000 rows; split it into smaller files. Nothing was read."


def _refusal_shown(page: Page, message: str) -> bool:
    """The answer to an upload, followed to its end (the finished job page of the file's check), tells the user
    that nothing was imported, and why."""
    text = html.unescape(page.text)
    return page.status == 200 and "Nothing was imported:" in text and message in text


def _upload(browser: Browser, content: bytes, filename: str) -> Page:
    """Send the file through the register page's upload form, as a browser does (multipart)."""
    form = find_form(browser.open("/register/").text, "institution")
    assert form is not None, "no upload form on the register page"
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in form["fields"]:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        browser.base + form["action"], data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with browser.opener.open(request, timeout=60) as response:  # the redirect to the job page is followed
            return Page(response.status, response.url, response.read().decode())
    except urllib.error.HTTPError as exc:
        return Page(exc.code, exc.url, exc.read().decode(errors="replace"))


def _answer_to_upload(browser: Browser, content: bytes, filename: str, timeout: float = 240) -> Page:
    """The upload's answer, followed as the job page does (it refreshes itself) until the job has ended."""
    page = _upload(browser, content, filename)
    deadline = time.monotonic() + timeout
    while page.status == 200 and 'id="job-progress"' in page.text:
        assert time.monotonic() < deadline, f"the check of {filename} did not end: {page.url}"
        time.sleep(0.5)
        page = browser.open(page.url.removeprefix(browser.base))
    return page


def _workers(master: int) -> set[int]:
    """The PIDs of a process's children (gunicorn's workers)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.add(int(entry.name))
    return children


def _fill() -> dict[str, str]:
    seed_reference()
    institutions = {i.code: i for i in _db.session.scalars(select(Institution))}
    emails = {}
    for key, role, code in (("first", Role.HR_OFFICER, "POLICE"), ("second", Role.HR_OFFICER, "POLICE"),
                            ("reader", Role.COORDINATOR, "MFA")):
        user = User(email=f"{key}@example.org", name=key.title(), role=role, institution=institutions[code],
                    active=True, locale="en", digest_opt_in=False, failed_logins=0)
        user.set_password(PASSWORD)
        _db.session.add(user)
        emails[key] = user.email
    _db.session.commit()
    return emails


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """gunicorn (2 sync workers, production timeouts) and a job worker over a fresh database with three users."""
    tmp = tmp_path_factory.mktemp("hostile-server")
    url, drop = _database(tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "SCHEDULER_ENABLED": False,
                      "TESTING": False})
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "SECONDING_ENV": "development", "SCHEDULER_ENABLED": "0",
           "INSTANCE_PATH": str(tmp / "instance"), "MFA_REQUIRED_ROLES": "", "JOBS_IN_PROCESS": "0",
           "PYTHONUNBUFFERED": "1"}
    worker = None
    try:
        with app.app_context():
            _db.create_all()
            emails = _fill()
        with (tmp / "worker.log").open("wb") as log:
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"], cwd=ROOT,
                                      env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        with gunicorn("app:app", env, workers=2, log=tmp / "gunicorn.log", served_timeouts=True) as running:
            yield running, worker, emails, tmp / "worker.log"
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, 9)
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        drop()


@pytest.mark.real_db  # another server and worker commit to a database of their own
def test_hostile_uploads_are_refused_while_the_server_keeps_serving_and_no_worker_dies(served):
    running, job_worker, emails, worker_log = served
    files = {"first": (shared_strings_bomb(), "bomb.xlsx"), "second": (too_many_rows(), "rows.xlsx")}
    browsers = {key: Browser(running.url) for key in emails}
    for key, browser in browsers.items():
        browser.sign_in(emails[key])
    workers_before = _workers(running.process.pid)
    assert len(workers_before) == 2

    answers: dict[str, Page] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def upload(key: str) -> None:
        try:
            start.wait()
            answers[key] = _answer_to_upload(browsers[key], *files[key])
        except BaseException as exc:  # reported below, with the server's log
            failures.append(exc)

    uploads = [threading.Thread(target=upload, args=(key,)) for key in files]
    for thread in uploads:
        thread.start()
    reader, served_pages = browsers["reader"], []
    while any(thread.is_alive() for thread in uploads):
        for path in ("/healthz", "/experts/"):
            began = time.monotonic()
            page = reader.open(path)
            served_pages.append((path, page.status, round(time.monotonic() - began, 2)))
        time.sleep(0.2)
    for thread in uploads:
        thread.join()

    assert not failures, (failures, running.log_tail())
    assert _refusal_shown(answers["first"], TOO_MUCH_TEXT), answers["first"].text[-2000:]
    assert _refusal_shown(answers["second"], TOO_MANY_ROWS), answers["second"].text[-2000:]
    assert len(served_pages) >= 6 and all(status == 200 for _path, status, _s in served_pages), served_pages
    log = running.log_tail(100_000)
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log[-3000:]
    assert _workers(running.process.pid) == workers_before
    assert job_worker.poll() is None, worker_log.read_text()[-3000:]
