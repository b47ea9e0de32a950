"""The person's own data: everything held on one expert as JSON (a data subject's request), and anonymisation
of an expert who left the pool. Services flush, never commit; both are audited."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import Table, and_, delete, or_, select, update

from seconding.audit.services import record
from seconding.care import subject as duty_of_care
from seconding.db import utcnow
from seconding.debrief import subject as after_tour
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.models import (
    SKILLS,
    AuditEvent,
    Education,
    Employment,
    Expert,
    ExpertCorrection,
    ExpertLanguage,
    ExpertLink,
    MissionHistory,
    Nomination,
    PoolStatus,
    TrainingRecord,
    Unavailability,
    User,
)

PLACEHOLDER_GIVEN = "Anonymised"
PLACEHOLDER_FAMILY = "expert"
REDACTED = "[anonymised]"
# Tables shown in their own section; every other table with an expert_id column is added generically, so data that
# later areas keep on an expert (nominations, deployments, ...) is never left out of a subject's export.
OWN_SECTIONS = {"experts", "expert_languages", "expert_expertise", "training_records", "unavailability",
                "mission_history", "expert_education", "expert_employment"}



def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, names: list[str]) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _other_tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables
            if t.name not in OWN_SECTIONS and "expert_id" in t.c
            and any(fk.column.table.name == "experts" for fk in t.c.expert_id.foreign_keys)]


def expert_data(expert: Expert) -> dict:
    """Everything held on the expert, as plain JSON values."""
    profile = _row(expert, ["id", "external_id", "given_name", "family_name", "sex", "date_of_birth", "email",
                            "phone", "rank", "experience_years", "clearance_level", "clearance_expires",
                            "passport_expires", "driving_licence", "available_from", "short_notice", "pool_status",
                            "consent_on", "notes", "computer_skills", "anonymised_at", "created_at",
                            "updated_at"])
    profile["institution"] = expert.institution.code
    trainings = db.session.scalars(select(TrainingRecord).where(TrainingRecord.expert_id == expert.id)
                                   .order_by(TrainingRecord.completed_on, TrainingRecord.id))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "expert",
                                                         AuditEvent.object_id == str(expert.id))
                                .order_by(AuditEvent.at, AuditEvent.id))
    other = {}
    for table in _other_tables():
        rows = db.session.execute(select(table).where(table.c.expert_id == expert.id)).mappings()
        other[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {
        "format": "seconding expert data export, version 1",
        "exported_at": utcnow().isoformat(),
        "profile": profile,
        "languages": [{"code": lang.code, "level": _plain(lang.level),
                       "self_assessment": {name: _plain(skill) for name, skill in zip(SKILLS, lang.own_skills(),
                                                                                      strict=True)}}
                      for lang in expert.languages],
        "expertise": [{"code": e.area.code, "name": e.area.name_en, "primary": e.primary}
                      for e in sorted(expert.expertise, key=lambda e: (not e.primary, e.area.code))],
        "training_records": [{"course": t.course.code, "course_name": t.course.name,
                              **_row(t, ["completed_on", "expires_on", "certificate_ref", "created_at"])}
                             for t in trainings],
        "unavailability": [_row(p, ["start", "end", "reason"]) for p in expert.unavailability],
        "mission_history": [_row(h, ["mission", "host_country", "csdp", "role", "start", "end"])
                            for h in expert.mission_history],
        "education": [_row(e, ["level", "field", "organisation", "country", "start", "end", "degree"])
                      for e in expert.education],
        "employment": [_row(e, ["employer", "position", "start", "end", "duties"]) for e in expert.employment],
        # Debriefs and appraisals hang on the expert's tours, not on the expert: the sweep above cannot see them.
        "after_the_tour": after_tour.records_of(expert.id),
        # The tours' checklists and incidents hang on the tours (emergency contacts are in other_records).
        "duty_of_care": duty_of_care.records_of(expert.id),
        "other_records": other,
        "audit_events": [{"at": _plain(e.at), "actor": e.actor_label, "action": e.action, "summary": e.summary}
                         for e in events],
    }


def record_data_export(expert: Expert, actor: User | None = None) -> None:
    """Audit a subject-access export (who exported whose data: `actor`, or the signed-in user)."""
    record("expert_data_exported", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           actor=actor, summary="all data held on the expert exported as JSON")


def _anonymous_external_id(expert: Expert) -> str:
    candidate, n = f"ANON-{expert.id}", 1
    while db.session.scalar(select(Expert.id).where(Expert.institution_id == expert.institution_id,
                                                    Expert.external_id == candidate, Expert.id != expert.id)):
        n += 1
        candidate = f"ANON-{expert.id}-{n}"
    return candidate


def _redact_audit(expert: Expert, identifiers: list[str]) -> int:
    """Take the person's name and identifiers out of earlier audit summaries; returns how many were changed.

    Events about the expert lose every identifier; events about other objects lose the full name only.
    """
    identifiers = sorted({i for i in identifiers if i and len(i) >= 2}, key=len, reverse=True)
    full_name = f"{expert.given_name} {expert.family_name}"
    about = and_(AuditEvent.object_type == "expert", AuditEvent.object_id == str(expert.id))
    mentions = AuditEvent.summary.contains(full_name, autoescape=True)
    changed = 0
    for event_id, object_type, object_id, summary in db.session.execute(
            select(AuditEvent.id, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.summary)
            .where(or_(about, mentions))).all():
        is_about = object_type == "expert" and object_id == str(expert.id)
        redacted = summary
        for identifier in identifiers if is_about else [full_name]:
            redacted = redacted.replace(identifier, REDACTED)
        if redacted != summary:
            # A Core UPDATE on purpose: the ORM refuses to change audit events; an erasure is the one exception,
            # and it is itself audited.
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(summary=redacted))
            changed += 1
    return changed


def anonymise(expert: Expert) -> int:
    """Erase the personal data of an expert who left the pool, keeping what statistics need; audited."""
    if expert.anonymised_at is not None:
        raise Refusal("This expert is already anonymised.")
    if expert.pool_status != PoolStatus.LEFT:
        raise Refusal("Only an expert who left the pool can be anonymised; change the pool status first.")
    identifiers = [f"{expert.given_name} {expert.family_name}", expert.family_name, expert.given_name,
                   expert.external_id, expert.email or "", expert.phone or ""]
    redacted = _redact_audit(expert, identifiers)
    expert.given_name, expert.family_name = PLACEHOLDER_GIVEN, PLACEHOLDER_FAMILY
    expert.external_id = _anonymous_external_id(expert)
    expert.date_of_birth = expert.email = expert.phone = expert.rank = None
    expert.passport_expires = None
    expert.notes = expert.computer_skills = ""
    expert.anonymised_at = utcnow()
    expert.search_text = Expert.search_key(expert.family_name, expert.given_name, expert.external_id)
    db.session.execute(delete(ExpertLanguage).where(ExpertLanguage.expert_id == expert.id))
    db.session.execute(delete(Unavailability).where(Unavailability.expert_id == expert.id))
    # The CV says where a person studied and worked: it identifies them, and statistics need none of it.
    db.session.execute(delete(Education).where(Education.expert_id == expert.id))
    db.session.execute(delete(Employment).where(Employment.expert_id == expert.id))
    db.session.execute(update(Nomination).where(Nomination.expert_id == expert.id).values(motivation=""))
    # The personal links (where the e-mails went) and the corrections the expert proposed (contact, CV) go too.
    db.session.execute(delete(ExpertCorrection).where(ExpertCorrection.expert_id == expert.id))
    db.session.execute(delete(ExpertLink).where(ExpertLink.expert_id == expert.id))
    db.session.execute(update(MissionHistory).where(MissionHistory.expert_id == expert.id).values(role=""))
    duty_of_care.erase(expert.id)  # emergency contacts deleted; incidents and checklists lose their words
    after_tour.erase(expert.id)  # the debriefs' notes and the mission's assessments; the lessons stay
    db.session.execute(update(TrainingRecord).where(TrainingRecord.expert_id == expert.id)
                       .values(certificate_ref=""))
    db.session.expire(expert, ["languages", "unavailability", "mission_history", "education", "employment"])
    db.session.flush()
    record("expert_anonymised", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           summary=f"personal data erased; {redacted} earlier audit summaries redacted")
    return redacted
