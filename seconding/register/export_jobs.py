"""The register export and the data-subject export as jobs: the request starts one (a POST), a worker writes the
file and keeps it with the job, the job page offers it to its owner (seconding.jobs.services.show_file). The
export's audit event is written by the job, with the file, in the job's one transaction. Scope is the job owner's
(checked again here: the request checked it too, but the owner's role or scope may have changed since)."""
from __future__ import annotations

import json
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from seconding.access import COORDINATING_ROLES, in_scope
from seconding.extensions import db
from seconding.jobs.services import Reporter, file_summary, keep_file, kind, params, show_file
from seconding.models import Expert, Job
from seconding.register.export import MIMETYPES, export_register, filters_from_args
from seconding.register.subject import expert_data, record_data_export

EXPORT = "register_export"
SUBJECT = "expert_data_export"


def export_name(day: date, fmt: str) -> str:
    return f"register-{day.isoformat()}.{fmt}"


def subject_name(expert_id: int) -> str:
    return f"expert-{expert_id}-data.json"


def export_summary(result: dict) -> str:
    return ngettext("%(num)s expert", "%(num)s experts", result.get("rows", 0))


@kind(EXPORT, _l("Register export"), show_file, export_summary)
def run_export(job: Job, report: Reporter) -> dict:
    """The register file of the owner's scope and the list's filters, as of the day the export was asked for."""
    asked = params(job)
    fmt, day = asked["format"], date.fromisoformat(asked["today"])
    content, count = export_register(job.user, filters_from_args(asked.get("filters") or {}), fmt, today=day,
                                     horizon_days=current_app.config["TRAINING_EXPIRING_DAYS"], progress=report)
    return keep_file(job, content, export_name(day, fmt), MIMETYPES[fmt]) | {"rows": count}


@kind(SUBJECT, _l("Export of an expert's personal data"), show_file, file_summary)
def run_subject_export(job: Job, report: Reporter) -> dict:
    """All data held on one expert, as JSON (a subject-access request), audited."""
    expert_id = params(job)["expert"]
    expert = db.session.get(Expert, expert_id)
    user = job.user
    if expert is None or user.role not in COORDINATING_ROLES or not in_scope(user, expert.institution_id):
        return {"refused": str(_l("Nothing was exported: this expert is no longer in your scope."))}
    report("writing", 0, None)
    data = expert_data(expert)
    record_data_export(expert, actor=user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return keep_file(job, body, subject_name(expert.id), "application/json")
