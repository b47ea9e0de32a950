"""Jobs: made by a request, run by a worker, watched on the job page.

An area registers a kind of job (`kind`): its name for people, the function that runs it and the page that shows its
result. A request makes the job (`create`: its row and input, committed with the request) and the queue gets its
key only after that commit. A worker claims the job with a conditional UPDATE (queued -> running: one worker, once),
runs it with a `Reporter` that publishes the step and rows done (and a heartbeat every few seconds) and, between
rows, honours a cancel request while the job is still reading or checking. The job's work and its final state are
one transaction: an import is applied and its job marked done together, or neither. A worker killed mid-job leaves
the job "running" with a heartbeat that stops: after `JOBS_STALE_SECONDS` it is shown, and recorded, as failed,
and its database transaction was never committed.
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from seconding import transaction
from seconding.audit.services import acting_as
from seconding.db import utcnow
from seconding.extensions import db
from seconding.jobs.queue import queue
from seconding.models import Job, JobState, User

log = logging.getLogger(__name__)
PROGRESS = "progress"
CANCEL = "cancel"
HEARTBEAT_SECONDS = 5.0
CANCELLABLE = frozenset({"waiting", "reading", "checking", "writing"})


class Cancelled(Exception):
    """The user cancelled the job while it was still checking: nothing is changed."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # a lazy string: what the job is, for people ("Register import: check")
    run: Callable[[Job, Reporter], dict]  # does the work (flushes), returns the result to keep
    show: Callable[[Job, dict], object]  # the finished job's page (a response)
    summary: Callable[[dict], str] | None = None  # a finished job's outcome in a few words, for the list of jobs
    unit: str = "rows"  # what its progress counts: "rows" or "packages" (UNITS)


KINDS: dict[str, Kind] = {}


def kind(name: str, label: object, show: Callable[[Job, dict], object],
         summary: Callable[[dict], str] | None = None, unit: str = "rows"):
    """Register the decorated function as the job kind `name`."""
    def register(run: Callable[[Job, Reporter], dict]):
        KINDS[name] = Kind(name, label, run, show, summary, unit)
        return run

    return register


STATE_LABELS = {
    "queued": _l("waiting"),
    "running": _l("running"),
    "done": _l("done"),
    "failed": _l("failed"),
    "cancelled": _l("cancelled"),
}
# What a job's progress counts, in words: (done of total, done while the total is not known yet).
UNITS = {
    "rows": (_l("%(done)s of %(total)s rows"), _l("%(done)s rows")),
    "packages": (_l("%(done)s of %(total)s packages"), _l("%(done)s packages")),
}


class Reporter:
    """The progress callback a job's work calls as `report(step, done, total)` (total None while unknown)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.step, self.done, self.total = "waiting", 0, None
        self._lock = threading.Lock()

    def __call__(self, step: str, done: int, total: int | None = None) -> None:
        # The work calls every few hundred rows (seconding/progress.py): each call is published, and is where a
        # cancel request is met.
        self.step, self.done, self.total = step, done, total
        self.publish()
        if step in CANCELLABLE and queue().peek(CANCEL, self.key):
            raise Cancelled

    def publish(self) -> None:
        with self._lock:
            queue().put(PROGRESS, self.key, {"step": self.step, "done": self.done, "total": self.total,
                                              "at": time.time()})

    @contextmanager
    def beating(self) -> Iterator[None]:
        """Publish the progress every few seconds while the work runs, so that a live job is told from one whose
        worker died."""
        stop = threading.Event()
        app = current_app._get_current_object()

        def beat() -> None:
            with app.app_context():
                while not stop.wait(HEARTBEAT_SECONDS):
                    try:
                        self.publish()
                    except Exception:
                        log.exception("job heartbeat")

        thread = threading.Thread(target=beat, name=f"job-heartbeat-{self.key[:8]}", daemon=True)
        self.publish()
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def create(kind_name: str, user: User, *, filename: str = "", params: dict | None = None,
           data: bytes | None = None) -> Job:
    """A new job for `user`, queued once the current transaction commits (flushes; the caller commits)."""
    if kind_name not in KINDS:
        raise ValueError(f"unknown job kind {kind_name}")
    purge_old()
    job = Job(key=secrets.token_hex(16), kind=kind_name, user_id=user.id, filename=filename[-200:],
              params=json.dumps(params or {}), input=data,
              address=request.remote_addr if has_request_context() else None)
    db.session.add(job)
    db.session.flush()
    key = job.key
    transaction.after_commit(lambda: queue().enqueue(key))
    return job


def keep_file(job: Job, content: bytes, name: str, mimetype: str) -> dict:
    """Keep a job's file (an export, a package) for its owner to download from the job page; the result to return
    from the job's function (`show_file` shows it)."""
    job.output, job.output_name, job.output_type = content, name[-200:], mimetype
    return {"file": name, "size": len(content)}


def show_file(job: Job, result: dict):
    """The page of a finished job that made a file: its name and size, and the download button; or why no file was
    made (a result {"refused": message}: the owner may no longer read what was asked)."""
    from flask import render_template

    if "file" not in result:
        return render_template("jobs/refused.html", job=job, label=KINDS[job.kind].label,
                               message=result.get("refused"))
    return render_template("jobs/file.html", job=job, result=result, label=KINDS[job.kind].label)


def file_summary(result: dict) -> str:
    """A file job's outcome in a few words (the list of jobs)."""
    from flask_babel import gettext as _

    return _("nothing made: out of your scope") if "refused" in result else _("ready to download")


def previewed(token: str, user: User, kinds: tuple[str, ...]) -> Job | None:
    """The user's finished job `token`, of one of `kinds`, whose preview can still be confirmed: it found no error,
    applied nothing, and finished no longer ago than REGISTER_UPLOAD_MINUTES."""
    job = db.session.scalars(select(Job).where(Job.key == token, Job.user_id == user.id, Job.kind.in_(kinds),
                                               Job.state == JobState.DONE)).one_or_none()
    limit = utcnow() - timedelta(minutes=current_app.config["REGISTER_UPLOAD_MINUTES"])
    if job is None or job.finished_at is None or job.finished_at < limit:
        return None
    outcome = result(job)
    return job if outcome.get("ok") and not outcome.get("applied") else None


def keeps_input(job: Job) -> bool:
    """The job still keeps its uploaded file (not yet imported, nor erased), read without loading it."""
    return bool(db.session.scalar(select(Job.input.isnot(None)).where(Job.id == job.id)))


def params(job: Job) -> dict:
    return json.loads(job.params or "{}")


def result(job: Job) -> dict:
    return json.loads(job.result or "{}")


def progress(job: Job) -> dict:
    """The job's live progress: step, done, total, and when its worker last reported ("at")."""
    if job.state == JobState.QUEUED:
        return {"step": "waiting", "done": 0, "total": None}
    found = queue().peek(PROGRESS, job.key) or {"step": "reading", "done": 0, "total": None, "at": None}
    return found


def _finish(key: str, state: JobState, outcome: dict, *, from_state: JobState = JobState.RUNNING) -> bool:
    """Record the end of a job still in `from_state` (conditional: a job already ended, e.g. found stopped, is not
    ended twice); flushes."""
    done = db.session.execute(
        update(Job).where(Job.key == key, Job.state == from_state)
        .values(state=state, result=json.dumps(outcome, ensure_ascii=False, default=str), finished_at=utcnow())
    ).rowcount
    return bool(done)


class Superseded(Exception):
    """The job was ended by someone else while it ran (found stopped): its work is not committed."""


def execute(key: str) -> None:
    """Run the job with `key` (in a worker, inside an app context)."""
    claimed = db.session.execute(update(Job).where(Job.key == key, Job.state == JobState.QUEUED)
                                 .values(state=JobState.RUNNING, started_at=utcnow())).rowcount
    db.session.commit()
    if not claimed:  # cancelled before it started, or taken by another worker
        return
    job = db.session.scalars(select(Job).where(Job.key == key)).one()
    spec = KINDS[job.kind]
    report = Reporter(key)
    try:
        # In the owner's language, and recorded in the audit log as the owner's doing.
        with report.beating(), force_locale(job.user.locale or "en"), acting_as(job.user, job.address):
            outcome = spec.run(job, report)
            report("finishing", report.done, report.total)
            if not _finish(key, JobState.DONE, outcome):
                raise Superseded
            db.session.commit()  # the work and the job's end together
    except Cancelled:
        db.session.rollback()
        _finish(key, JobState.CANCELLED, {"cancelled": True})
        db.session.commit()
    except Superseded:
        db.session.rollback()
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", key, job.kind)
        _finish(key, JobState.FAILED, {"error": "error"})
        db.session.commit()
    finally:
        queue().drop(CANCEL, key)


def mark_stopped(job: Job) -> bool:
    """A running job whose worker stopped beating is failed (its transaction was never committed); flushes.
    True when it was."""
    if job.state != JobState.RUNNING:
        return False
    beat = (queue().peek(PROGRESS, job.key) or {}).get("at")
    last = beat if beat is not None else job.started_at.timestamp() if job.started_at else time.time()
    if time.time() - last < current_app.config["JOBS_STALE_SECONDS"]:
        return False
    if _finish(job.key, JobState.FAILED, {"error": "stopped"}):
        db.session.refresh(job)
        return True
    return False


def cancel(job: Job) -> bool:
    """Ask to cancel a job that is waiting or still checking; flushes. False when it is too late (saving)."""
    if job.state == JobState.QUEUED:
        if _finish(job.key, JobState.CANCELLED, {"cancelled": True}, from_state=JobState.QUEUED):
            db.session.refresh(job)
            return True
    if job.state == JobState.RUNNING and progress(job).get("step") in CANCELLABLE:
        queue().put(CANCEL, job.key, True)
        return True
    return False


def cancellable(job: Job) -> bool:
    return job.state == JobState.QUEUED or (job.state == JobState.RUNNING
                                            and progress(job).get("step") in CANCELLABLE)


def purge_old() -> None:
    """Erase the uploaded files of jobs finished more than REGISTER_UPLOAD_MINUTES ago (a preview no longer
    confirmed: the personal data it holds is not kept), and delete finished jobs older than JOBS_KEEP_DAYS (their
    files with them); flushes."""
    finished = [JobState.DONE, JobState.FAILED, JobState.CANCELLED]
    now = utcnow()
    unconfirmed = now - timedelta(minutes=current_app.config.get("REGISTER_UPLOAD_MINUTES", 60))
    db.session.execute(update(Job).where(Job.finished_at < unconfirmed, Job.state.in_(finished),
                                         Job.input.isnot(None)).values(input=None))
    db.session.execute(delete(Job).where(Job.created_at < now - timedelta(days=current_app.config["JOBS_KEEP_DAYS"]),
                                         Job.state.in_(finished)))
