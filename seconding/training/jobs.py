"""The training matrix's CSV as a job: the request starts it (a POST carrying the list's filters), a worker writes
the file and keeps it with the job, the job page offers it to its owner (seconding.jobs.services.show_file). The
audit event is written by the job, with the file, in the job's one transaction; the scope is the job owner's."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from seconding.jobs.services import Reporter, keep_file, kind, params, show_file
from seconding.models import Job
from seconding.register.export import filters_from_args
from seconding.register.export_jobs import export_summary
from seconding.training.export import matrix_csv

MATRIX = "training_matrix"


def matrix_name(day: date) -> str:
    return f"training-matrix-{day.isoformat()}.csv"


@kind(MATRIX, _l("Training matrix (CSV)"), show_file, export_summary)
def run_matrix(job: Job, report: Reporter) -> dict:
    """The matrix of the owner's scope and the list's filters, as of the day it was asked for."""
    asked = params(job)
    day = date.fromisoformat(asked["today"])
    content, count = matrix_csv(job.user, filters_from_args(asked.get("filters") or {}), day,
                                current_app.config["TRAINING_EXPIRING_DAYS"], progress=report)
    return keep_file(job, content, matrix_name(day), "text/csv") | {"rows": count}
