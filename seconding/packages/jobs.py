"""A batch of Goalkeeper packages as a job: the batch page's button starts it, a worker builds the ZIP (a PDF and
a DOCX per nomination, told package by package) and keeps it, the job page offers it to its owner. The download's
audit events are written by the job, in its one transaction with the kept file."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from seconding.access import in_scope, sees_personal_data
from seconding.jobs.services import Reporter, file_summary, keep_file, kind, params, show_file
from seconding.models import Job
from seconding.packages.content import load_nominations
from seconding.packages.services import ZIP, download

BATCH = "package_batch"


def batch_name(day: date) -> str:
    return f"nominations-package-{day.isoformat()}.zip"


@kind(BATCH, _l("Goalkeeper packages (ZIP)"), show_file, file_summary, unit="packages")
def run_batch(job: Job, report: Reporter) -> dict:
    """The ZIP of the batch's nominations, each still in the owner's scope (else no file, and why)."""
    asked = params(job)
    ids = asked["ids"]
    nominations = load_nominations(ids)
    if len(nominations) != len(set(ids)) or not sees_personal_data(job.user) or not all(
            in_scope(job.user, n.expert.institution_id) for n in nominations):
        return {"refused": str(_l("Nothing was made: a nomination of the batch was deleted or is no longer in "
                                  "your scope. Choose the nominations again on the board."))}
    content = download(nominations, job.user, progress=report)
    return keep_file(job, content, batch_name(date.fromisoformat(asked["today"])), ZIP)
