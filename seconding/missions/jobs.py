"""The annex import as two jobs: the check, whose page is the preview, and the import, after the user confirms
it. The file is kept with the check job (any worker on any host reads it there); the import checks it again and
applies it in one transaction with the job's end, all or nothing, then no longer keeps it."""
from __future__ import annotations

import io

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from seconding.dates import BRUSSELS, WARSAW, format_moment
from seconding.extensions import db
from seconding.jobs.services import Reporter, keeps_input, kind, params, previewed
from seconding.missions import forms
from seconding.models import Cfc, Job, User
from seconding.register import annex

CHECK = "annex_check"
IMPORT = "annex_import"
SHOWN_ERRORS = 1000
SHOWN_POSITIONS = 2000


def summary(outcome: annex.AnnexResult) -> dict:
    """What the preview shows of a checked annex, kept with the job (its messages in the user's language)."""
    fmt = outcome.csv_format
    shown = SHOWN_POSITIONS
    cfcs = []
    for c in outcome.cfcs:
        positions = c.positions[:max(shown, 0)]
        shown -= len(positions)
        cfcs.append({
            "reference": c.data.reference, "mission": c.mission.acronym, "existing": c.existing is not None,
            "national_deadline": format_moment(c.data.national_deadline, WARSAW),
            "eeas_deadline": format_moment(c.data.eeas_deadline, BRUSSELS),
            "positions": [{
                "row": p.row, "reference": p.data.reference, "title": p.data.title, "posts": p.data.posts,
                "category": p.data.category.value if p.data.category else None,
                "available_on": p.data.available_on.isoformat() if p.data.available_on else None,
                "languages": [[code, level.value] for code, level in p.data.languages_essential],
                "clearance": p.data.clearance_level.value, "experience": p.data.min_experience_years,
                "existing": p.existing is not None} for p in positions],
        })
    return {
        "ok": outcome.ok,
        "csv_format": {"delimiter": fmt.delimiter, "encoding": fmt.encoding_name} if fmt else None,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in outcome.errors[:SHOWN_ERRORS]],
        "error_count": len(outcome.errors),
        "counts": outcome.counts(),
        "cfcs": cfcs,
        "position_count": len(outcome.positions),
        "positions_shown": SHOWN_POSITIONS - max(shown, 0),
    }


def confirmable(token: str, user: User) -> Job | None:
    """The user's checked annex that can still be imported: its check job, found without errors no longer ago
    than REGISTER_UPLOAD_MINUTES, its file still kept (not yet imported)."""
    job = previewed(token, user, (CHECK,))
    return job if job is not None and keeps_input(job) else None


def _show(job: Job, report: dict, **extra):
    return render_template("missions/import.html", job=job, report=report, form=forms.AnnexUploadForm(),
                           columns=annex.COLUMNS, required=annex.REQUIRED, category_labels=forms.CATEGORY_LABELS,
                           shown_errors=SHOWN_ERRORS, **extra)


def _show_check(job: Job, report: dict):
    return _show(job, report, confirm=forms.AnnexConfirmForm(token=job.key) if report.get("ok") else None)


def _show_import(job: Job, report: dict):
    if not report.get("applied"):  # the file changed nothing: why (its problems now), and the upload again
        return _show(job, report, confirm=None)
    return render_template("missions/import_done.html", job=job, report=report)


@kind(CHECK, _l("Annex import: checking the file"), _show_check)
def run_check(job: Job, report: Reporter) -> dict:
    outcome = annex.check_and_apply(io.BytesIO(job.input or b""), job.filename, dry_run=True, progress=report)
    kept = summary(outcome)
    db.session.rollback()  # checking changes nothing
    if not outcome.ok:
        job.input = None  # a file that cannot be imported is not kept
    return kept


@kind(IMPORT, _l("Annex import"), _show_import)
def run_import(job: Job, report: Reporter) -> dict:
    checked = db.session.scalars(select(Job).where(Job.key == params(job).get("check"), Job.kind == CHECK,
                                                   Job.user_id == job.user_id)).one_or_none()
    data = checked.input if checked is not None else None
    # The file is taken from the check job: a second confirmation, even one running at the same moment, finds it
    # gone (this UPDATE waits for the other's transaction) and imports nothing.
    if data is None or not db.session.execute(update(Job).where(Job.id == checked.id, Job.input.isnot(None))
                                              .values(input=None)).rowcount:
        return {"applied": False, "gone": True}
    outcome = annex.check_and_apply(io.BytesIO(data), checked.filename, progress=report)
    kept = summary(outcome)
    if not outcome.applied:
        db.session.rollback()  # nothing is changed, and the file is kept for another try
        return kept | {"applied": False}
    references = [c.data.reference for c in outcome.cfcs]
    cfcs = db.session.execute(select(Cfc.id, Cfc.reference).where(Cfc.reference.in_(references))
                              .order_by(Cfc.reference)).all()
    return {"applied": True, "counts": outcome.counts(), "cfcs": [{"id": i, "reference": r} for i, r in cfcs]}
