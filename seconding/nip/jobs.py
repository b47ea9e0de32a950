"""The Compact commitments import as a job: a check only (a dry run) or the import, all or nothing in the job's
transaction; its page shows what the form showed before (every problem, or the counts)."""
from __future__ import annotations

import io

from flask import render_template
from flask_babel import lazy_gettext as _l

from seconding.extensions import db
from seconding.jobs.services import Reporter, kind, params
from seconding.models import Job
from seconding.nip import forms
from seconding.nip.imports import COLUMNS, import_commitments
from seconding.register.tables import TableError

IMPORT = "nip_commitments_import"
SHOWN_ERRORS = 1000


def _show(job: Job, report: dict):
    form = forms.CommitmentImportForm()
    if report.get("file_error"):  # the file could not be read at all: said at the field, as the form says it
        form.file.errors = [report["file_error"]]
    return render_template("nip/commitment_import.html", job=job, form=form, result=report, columns=COLUMNS)


@kind(IMPORT, _l("Compact commitments import"), _show)
def run_import(job: Job, report: Reporter) -> dict:
    dry_run = bool(params(job).get("dry_run"))
    data, job.input = job.input or b"", None  # the file is not kept once read
    try:
        outcome = import_commitments(io.BytesIO(data), job.filename, dry_run=dry_run, progress=report)
    except TableError as exc:
        db.session.rollback()
        return {"file_error": str(exc.message)}
    if outcome.errors or dry_run:
        db.session.rollback()  # every problem listed at once, nothing saved; a check changes nothing
    return {"dry_run": dry_run, "imported": not outcome.errors and not dry_run,
            "created": outcome.created, "updated": outcome.updated, "error_count": len(outcome.errors),
            "errors": [{"row": e.row, "column": e.column, "message": str(e.message)}
                       for e in outcome.errors[:SHOWN_ERRORS]]}
