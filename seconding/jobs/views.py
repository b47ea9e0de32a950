"""Job pages: my jobs, one job's progress (live with JavaScript, refreshed without) and result, cancel, download."""
import io
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from seconding.db import utcnow
from seconding.extensions import db
from seconding.jobs.services import (
    KINDS,
    STATE_LABELS,
    UNITS,
    cancel,
    cancellable,
    mark_stopped,
    progress,
    result,
)
from seconding.models import Job, JobState
from seconding.progress import STEPS

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
LISTED = 50


def own_job(job_id: int) -> Job:
    """The signed-in user's job (another's is not found: a job holds its owner's file)."""
    job = db.session.get(Job, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


def status(job: Job) -> dict:
    """What the job page shows of a job, also sent to its script as JSON."""
    mark_stopped(job)
    live = progress(job) if not job.state.finished else {}
    done, total = live.get("done", 0), live.get("total")
    step = live.get("step", "")
    of_total, so_far = UNITS[KINDS[job.kind].unit]
    count = ""
    if total:
        count = str(of_total % {"done": format_number(done), "total": format_number(total)})
    elif done:
        count = str(so_far % {"done": format_number(done)})
    return {"state": job.state.value, "finished": job.state.finished, "step": step,
            "step_label": str(STEPS.get(step, "")), "done": done, "total": total, "count": count,
            "cancellable": cancellable(job) if not job.state.finished else False}


@bp.route("/")
@login_required
def index():
    jobs = db.session.scalars(select(Job).where(Job.user_id == current_user.id)
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(LISTED)).all()
    summaries = {}
    for job in jobs:
        mark_stopped(job)
        spec = KINDS.get(job.kind)
        if job.state == JobState.DONE and spec is not None and spec.summary is not None:
            summaries[job.id] = spec.summary(result(job))
    return render_template("jobs/index.html", jobs=jobs, kinds=KINDS, states=STATE_LABELS, summaries=summaries)


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):
    job = own_job(job_id)
    now = status(job)
    if job.state == JobState.DONE:
        return KINDS[job.kind].show(job, result(job))
    waiting_long = job.state == JobState.QUEUED and job.created_at < utcnow() - timedelta(minutes=1)
    return render_template("jobs/detail.html", job=job, status=now, kind=KINDS[job.kind], result=result(job),
                           waiting_long=waiting_long)


@bp.route("/<int:job_id>/status")
@login_required
def status_json(job_id: int):
    return status(own_job(job_id))


@bp.route("/<int:job_id>/cancel", methods=["POST"])
@login_required
def cancel_job(job_id: int):
    job = own_job(job_id)
    if FlaskForm().validate_on_submit():
        if cancel(job):
            flash(_("The job is being cancelled. Nothing is changed."), "success")
        else:
            flash(_("The job can no longer be cancelled: it is saving its changes, or it has ended."), "error")
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = own_job(job_id)
    if job.state != JobState.DONE or job.output is None:
        abort(404)
    return send_file(io.BytesIO(job.output), mimetype=job.output_type or "application/octet-stream",
                     as_attachment=True, download_name=job.output_name or "download")
