"""Training records: one for an expert, or a course session for many at once."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from seconding.audit.services import record
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.models import Course, Expert, TrainingRecord
from seconding.training import summary
from seconding.training.status import computed_expiry


def add_training_record(expert: Expert, course: Course, completed_on: date, *, expires_on: date | None = None,
                        certificate_ref: str = "", audit: bool = True, summarise: bool = True) -> TrainingRecord:
    """Record a completed course; expiry is computed from the course's validity unless given. `summarise=False`
    leaves the expert's training summary to the caller (summary.refresh), as a session for many does once."""
    if expires_on is not None and expires_on < completed_on:
        raise Refusal(_("The expiry date must be on or after the completion date."), "expires_on")
    duplicate = db.session.scalar(select(TrainingRecord.id).where(
        TrainingRecord.expert_id == expert.id, TrainingRecord.course_id == course.id,
        TrainingRecord.completed_on == completed_on))
    if duplicate is not None:
        raise Refusal(_("%(course)s completed on %(day)s is already recorded.", course=course.code,
                              day=completed_on.isoformat()),
                            "completed_on")
    entry = TrainingRecord(expert=expert, course=course, completed_on=completed_on,
                           expires_on=expires_on if expires_on is not None
                           else computed_expiry(completed_on, course.validity_months),
                           certificate_ref=certificate_ref.strip())
    db.session.add(entry)
    if summarise:
        summary.refresh([expert.id])
    else:
        db.session.flush()
    if audit:
        record("training_added", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
               summary=f"{course.code} completed {completed_on.isoformat()}")
    return entry


def record_session(course: Course, completed_on: date, experts: list[Expert]) -> int:
    """Record one course session for several experts; those who already have it on that date are skipped."""
    existing = set(db.session.scalars(select(TrainingRecord.expert_id).where(
        TrainingRecord.course_id == course.id, TrainingRecord.completed_on == completed_on,
        TrainingRecord.expert_id.in_([e.id for e in experts]))))
    added = [expert for expert in experts if expert.id not in existing]
    for expert in added:
        add_training_record(expert, course, completed_on, summarise=False)
    summary.refresh([expert.id for expert in added])
    return len(added)


def delete_training_record(entry: TrainingRecord) -> None:
    """Remove a record entered by mistake (audited)."""
    expert = entry.expert
    record("training_deleted", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           summary=f"{entry.course.code} completed {entry.completed_on.isoformat()}")
    db.session.delete(entry)
    summary.refresh([expert.id])


def save_course(course: Course | None, *, code: str, name: str, provider: str | None, validity_months: int | None,
                mandatory: bool) -> Course:
    """Create a course (course None) or change one (audited). Making a course mandatory or optional again
    changes what every expert's mandatory training is measured against, so each expert's summary is redone."""
    was_mandatory = course is not None and course.mandatory
    course = course or Course()
    db.session.add(course)
    course.code, course.name, course.provider = code, name.strip(), (provider or "").strip()
    course.validity_months, course.mandatory = validity_months, mandatory
    db.session.flush()
    if mandatory != was_mandatory:
        summary.refresh()
    record("course_saved", object_type="course", object_id=course.id,
           summary=f"{course.code}: validity {course.validity_months or 'none'}, "
                   f"mandatory {'yes' if course.mandatory else 'no'}")
    return course
