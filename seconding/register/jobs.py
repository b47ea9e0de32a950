"""The register import as two jobs: the check, which ends in the preview, and the import, after the user confirms
it. Both read the file from the check job's row, so any worker on any host can run them; the import checks the
file again and applies it only if the pool still gives what the preview showed (its fingerprint and counts), in
one transaction with the job's end."""
from __future__ import annotations

import io

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from seconding.access import scope_ids
from seconding.extensions import db
from seconding.jobs.services import Reporter, kind, params
from seconding.models import Job, JobState
from seconding.register.apply import ImportConflict
from seconding.register.compare import Action
from seconding.register.forms import ConfirmForm, upload_form
from seconding.register.importer import Outcome, check_file, run_import

CHECK = "register_check"
IMPORT = "register_import"
SHOWN_ROWS = 200
SHOWN_ERRORS = 1000


def preview(outcome: Outcome) -> dict:
    """What the preview page shows of a checked file, kept with the job (in the user's language)."""
    codes = outcome.lookups.codes_by_id if outcome.lookups else {}
    changing = [p for p in outcome.plans if p.action != Action.UNCHANGED]
    fmt = outcome.csv_format
    return {
        "ok": outcome.ok,
        "file_error": str(outcome.file_error) if outcome.file_error is not None else None,
        "csv_format": {"delimiter": fmt.delimiter, "encoding": fmt.encoding_name} if fmt else None,
        "sheets": list(outcome.sheets),
        "errors": [e.line() for e in outcome.errors[:SHOWN_ERRORS]],
        "error_count": len(outcome.errors),
        "counts": outcome.counts.as_dict(),
        "fingerprint": outcome.fingerprint,
        "changing": len(changing),
        "rows": [{"row": p.row, "action": p.action.value, "institution": codes.get(p.data.institution_id, ""),
                  "external_id": p.data.external_id, "name": f"{p.data.given_name} {p.data.family_name}",
                  "changes": list(p.changes), "trainings": len(p.trainings), "expert_id": p.expert_id}
                 for p in changing[:SHOWN_ROWS]],
    }


def _check(job: Job, data: bytes, report: Reporter) -> Outcome:
    return check_file(io.BytesIO(data), job.filename, scope=scope_ids(job.user),
                      default_institution=params(job).get("default_institution"), progress=report)


def source(job: Job) -> Job | None:
    """The check job whose file an import job imports."""
    return db.session.scalars(select(Job).where(Job.key == params(job).get("check"))).one_or_none()


def _show_check(job: Job, result: dict):
    return render_template("register/preview.html", job=job, report=result, confirm=ConfirmForm(token=job.key),
                           shown_errors=SHOWN_ERRORS, form=upload_form())


def _show_import(job: Job, result: dict):
    if not result.get("applied"):  # the pool changed since the preview: the new preview, to confirm again
        return render_template("register/preview.html", job=job, report=result, changed=True,
                               confirm=ConfirmForm(token=job.key), shown_errors=SHOWN_ERRORS, form=upload_form())
    return render_template("register/done.html", job=job, report=result,
                           detail="experts.detail" if "experts.detail" in current_app.view_functions else None,
                           experts_list="experts.index" in current_app.view_functions)


def summary(result: dict) -> str:
    """A check's or an import's outcome in a few words (the list of jobs)."""
    if result.get("file_error"):
        return _("the file cannot be read")
    if result.get("error_count"):
        return ngettext("%(num)s problem found", "%(num)s problems found", result["error_count"])
    counts = result.get("counts", {})
    words = _("%(created)s to create, %(updated)s to update", created=counts.get("created", 0),
              updated=counts.get("updated", 0))
    if result.get("applied"):
        words = _("%(created)s created, %(updated)s updated", created=counts.get("created", 0),
                  updated=counts.get("updated", 0))
    elif "applied" in result:
        words = _("the pool changed: check again")
    return words


@kind(CHECK, _l("Register import: checking the file"), _show_check, summary)
def run_check(job: Job, report: Reporter) -> dict:
    result = preview(_check(job, job.input or b"", report))
    db.session.rollback()  # checking changes nothing
    return result


@kind(IMPORT, _l("Register import"), _show_import, summary)
def run_import_job(job: Job, report: Reporter) -> dict:
    checked = source(job)
    if checked is None or checked.state != JobState.DONE or checked.input is None:
        return {"ok": False, "file_error": str(_l("The checked file is no longer kept. Nothing was changed; upload "
                                                  "it again.")), "errors": [], "error_count": 0}
    outcome = _check(job, checked.input or b"", report)
    expected = params(job)
    if not outcome.ok or outcome.fingerprint != expected.get("fingerprint") \
            or outcome.counts.as_dict() != expected.get("counts"):
        db.session.rollback()
        return preview(outcome) | {"applied": False}
    try:
        counts = run_import(outcome, actor=job.user, source=checked.filename, progress=report)
    except ImportConflict as exc:
        db.session.rollback()
        return preview(outcome) | {"applied": False, "ok": False, "file_error": str(exc)}
    checked.input = None  # imported: the file is not kept (nor confirmed twice)
    # The preview once the pool has it: the new experts' rows now link to them.
    return preview(outcome) | {"applied": True, "counts": counts.as_dict()}
