"""Nomination packages for Goalkeeper: one nomination's ZIP, and a batch page whose ZIP a job builds."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from seconding.access import PERSONAL_DATA_ROLES, require_scope, roles_required
from seconding.dates import today_in_warsaw
from seconding.db import MAX_ID
from seconding.formtools import whole_number
from seconding.jobs import services as jobs
from seconding.models.nominations import Nomination
from seconding.packages import jobs as package_jobs
from seconding.packages.content import build_packages, load_nominations
from seconding.packages.labels import missing_label
from seconding.packages.services import ZIP, download

bp = Blueprint("packages", __name__, url_prefix="/packages")
# Admins and coordinators forward; HR officers prepare the nominations of their service and may check the package
# (without the date of birth and phone, see content.PERSONAL_DETAIL_ROLES). Scope decides which nominations.
personal = roles_required(*PERSONAL_DATA_ROLES)
MAX_BATCH = 100
bp.add_app_template_global(missing_label, "package_missing_label")


def _in_scope(ids: list[int]) -> list[Nomination]:
    """The nominations, each in the reader's scope (404 for any that is not, or does not exist)."""
    nominations = load_nominations(ids)
    if len(nominations) != len(set(ids)):
        abort(404)
    for nomination in nominations:
        require_scope(nomination.expert.institution_id)
    return nominations


def _batch_ids(raw: list[str]) -> list[int] | None:
    """The batch's ids (from the query string or the form), or None after flashing why they cannot be used."""
    if not raw:
        flash(_("Choose at least one nomination for the package."), "error")
        return None
    if len(raw) > MAX_BATCH:
        flash(_("A package holds at most %(n)d nominations; choose fewer.", n=MAX_BATCH), "error")
        return None
    if not all((whole_number(value) or 0) > 0 and int(value) <= MAX_ID for value in raw):
        flash(_("The list of nominations is not valid; choose them again on the board."), "error")
        return None
    return list(dict.fromkeys(int(value) for value in raw))


def _send(content: bytes, name: str):
    # The audit events of the download are committed with the answer (seconding/transaction.py).
    return send_file(io.BytesIO(content), mimetype=ZIP, as_attachment=True, download_name=name)


@bp.route("/nominations/<int:nomination_id>.zip")
@personal
def nomination_zip(nomination_id: int):
    """One nomination's PDF and DOCX in a ZIP."""
    nominations = _in_scope([nomination_id])
    content = download(nominations, current_user)
    return _send(content, f"nomination-{nomination_id}-package.zip")


@bp.route("/batch")
@personal
def batch():
    """The nominations of a batch with what each package is missing, before the download."""
    ids = _batch_ids(request.args.getlist("ids"))
    if ids is None:
        return redirect(url_for("nominations.board"))
    nominations = _in_scope(ids)
    packages = build_packages(nominations, current_user)
    return render_template("packages/batch.html", rows=list(zip(nominations, packages)), ids=ids)


@bp.route("/batch", methods=["POST"])
@personal
def start_batch():
    """Start the job that builds every nomination of the batch, a PDF and a DOCX each, into one ZIP."""
    ids = _batch_ids(request.form.getlist("ids"))
    if ids is None:
        return redirect(url_for("nominations.board"))
    _in_scope(ids)
    today = today_in_warsaw()
    job = jobs.create(package_jobs.BATCH, current_user, filename=package_jobs.batch_name(today),
                      params={"ids": ids, "today": today.isoformat()})
    return redirect(url_for("jobs.detail", job_id=job.id))
