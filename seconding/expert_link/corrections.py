"""What the expert confirms or proposes through the personal link, and the HR officer's decision.

A proposal keeps the changed sections only (contact, availability, languages, education, employment), each with
the value held when it was proposed ("before") and the one the expert wants ("after"), as JSON. Nothing changes
until an HR officer in scope or a coordinator accepts it: through update_expert (its rules, optimistic locking and
audit). A proposal is stale when the record changed after it was made (the expert's version moved): it can then
only be rejected. The expert's own "confirm as current" is not a change of the record: it moves no version, so it
makes neither an open form nor a pending proposal stale."""
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from seconding.access import in_scope
from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Refusal, flush
from seconding.experts.services import ExpertData, Period, Post, Study, cv_order, update_expert
from seconding.extensions import db
from seconding.models import SKILLS, CefrLevel, EducationLevel, Expert, Role, User
from seconding.models.expert_link import EXPERT_THROUGH_LINK, ExpertCorrection, ExpertLink

SECTIONS = ("contact", "availability", "languages", "education", "employment")
SECTION_LABELS = {"contact": _l("Contact details"), "availability": _l("Availability"),
                  "languages": _l("Languages"), "education": _l("Education"), "employment": _l("Employment history")}
DECIDERS = (Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _language(code: str, level: CefrLevel, skills) -> dict:
    # A skill equal to the overall level is "the overall level" (as update_expert stores it).
    own = [None if s in (None, level) else s.value for s in skills]
    return {"code": code, "level": level.value, "skills": own}


def _study(s: Study) -> dict:
    return {"level": s.level.value, "field": s.field, "organisation": s.organisation, "country": s.country,
            "start": _iso(s.start), "end": _iso(s.end), "degree": s.degree}


def _post(p: Post) -> dict:
    return {"employer": p.employer, "position": p.position, "start": _iso(p.start), "end": _iso(p.end),
            "duties": p.duties}


def sections(*, email, phone, available_from, short_notice, unavailability, languages, education,
             employment) -> dict:
    """The five sections as JSON values, in one canonical form (so equal data compares equal).

    unavailability: (start, end, reason) triples; languages: (code, level, five skills or Nones);
    education: Study; employment: Post."""
    return {
        "contact": {"email": (email or "").strip().lower() or None, "phone": (phone or "").strip() or None},
        "availability": {"available_from": _iso(available_from), "short_notice": bool(short_notice),
                         "unavailability": [[_iso(s), _iso(e), r] for s, e, r in sorted(unavailability)]},
        "languages": [_language(code, level, skills) for code, level, skills in sorted(languages,
                                                                                      key=lambda x: x[0])],
        "education": [_study(s) for s in cv_order(education)],
        "employment": [_post(p) for p in cv_order(employment)],
    }


def held(expert: Expert) -> dict:
    """The five sections as the record holds them now."""
    return sections(
        email=expert.email, phone=expert.phone, available_from=expert.available_from,
        short_notice=expert.short_notice,
        unavailability=[(p.start, p.end, p.reason) for p in expert.unavailability],
        languages=[(lang.code, lang.level, lang.own_skills()) for lang in expert.languages],
        education=[Study(level=e.level, organisation=e.organisation, start=e.start, end=e.end, field=e.field,
                         country=e.country, degree=e.degree) for e in expert.education],
        employment=[Post(employer=e.employer, position=e.position, start=e.start, end=e.end, duties=e.duties)
                    for e in expert.employment])


def pending(expert: Expert) -> list[ExpertCorrection]:
    return list(db.session.scalars(select(ExpertCorrection).where(
        ExpertCorrection.expert_id == expert.id, ExpertCorrection.status == "pending")
        .order_by(ExpertCorrection.id)))


def is_stale(correction: ExpertCorrection) -> bool:
    return correction.status == "pending" and correction.expert.version != correction.expert_version


# --- the expert, through the link --------------------------------------------------------------------------


def confirm_by_expert(link: ExpertLink, now: datetime) -> None:
    """The expert confirms the data held as current: Expert.confirmed_at, by the expert (no user). Audited."""
    expert = link.expert
    # An UPDATE of its own: the version stays, so nothing open elsewhere becomes stale.
    db.session.execute(update(Expert).where(Expert.id == expert.id)
                       .values(confirmed_at=now, confirmed_by_id=None, confirmed_by_expert=True)
                       .execution_options(synchronize_session="fetch"))
    record("expert_confirmed", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           actor_label=EXPERT_THROUGH_LINK, summary=f"confirmed as current by {EXPERT_THROUGH_LINK}")


def propose(link: ExpertLink, wanted: dict, now: datetime) -> ExpertCorrection:
    """Store the sections where `wanted` (as `sections` gives them) differs from the record; refused when nothing
    differs. Changes nothing on the record. Audited."""
    expert = link.expert
    now_held = held(expert)
    changed = {name: {"before": now_held[name], "after": wanted[name]} for name in SECTIONS
               if wanted[name] != now_held[name]}
    if not changed:
        raise Refusal(_("Nothing differs from the data held. If it is all current, confirm it instead."), "email")
    correction = ExpertCorrection(expert_id=expert.id, link_id=link.id, proposed=changed,
                                  expert_version=expert.version, status="pending", created_at=now)
    db.session.add(correction)
    db.session.flush()
    record("expert_correction_proposed", object_type="expert", object_id=expert.id,
           institution_id=expert.institution_id, actor_label=EXPERT_THROUGH_LINK,
           summary=f"correction #{correction.id} proposed: {', '.join(changed)}")
    return correction


# --- the HR officer's decision -----------------------------------------------------------------------------


def _check_decider(actor: User, correction: ExpertCorrection) -> None:
    if actor.role not in DECIDERS or not in_scope(actor, correction.expert.institution_id):
        raise Refusal(_("This expert is not in your scope."))
    if correction.status != "pending":
        raise Refusal(_("This proposal was decided already (%(status)s).", status=STATUS_LABELS[correction.status]))


STATUS_LABELS = {"pending": _l("waiting for a decision"), "accepted": _l("accepted"), "rejected": _l("rejected")}
STALE = _l("The record changed after the expert proposed this correction, so it may no longer fit: reject it, "
           "and if it is still needed, send the expert a new link to propose it again.")


def _data_with(expert: Expert, proposed: dict) -> ExpertData:
    """The record as it stands, with the proposed sections in place of the held ones."""
    primary = expert.primary_expertise
    data = ExpertData(
        institution_id=expert.institution_id, external_id=expert.external_id, given_name=expert.given_name,
        family_name=expert.family_name, sex=expert.sex, experience_years=expert.experience_years,
        date_of_birth=expert.date_of_birth, email=expert.email, phone=expert.phone, rank=expert.rank,
        expertise=([primary.code] if primary else []) + [a.code for a in expert.secondary_expertise],
        languages=[(lang.code, lang.level) for lang in expert.languages],
        clearance_level=expert.clearance_level, clearance_expires=expert.clearance_expires,
        passport_expires=expert.passport_expires, driving_licence=expert.driving_licence,
        available_from=expert.available_from, short_notice=expert.short_notice, pool_status=expert.pool_status,
        consent_on=expert.consent_on, notes=expert.notes, computer_skills=expert.computer_skills)
    if "contact" in proposed:
        after = proposed["contact"]["after"]
        data.email, data.phone = after["email"], after["phone"]
    if "availability" in proposed:
        after = proposed["availability"]["after"]
        data.available_from, data.short_notice = _day(after["available_from"]), after["short_notice"]
        data.unavailability = [Period(_day(s), _day(e), r) for s, e, r in after["unavailability"]]
    if "languages" in proposed:
        after = proposed["languages"]["after"]
        data.languages = [(lang["code"], CefrLevel(lang["level"])) for lang in after]
        data.language_skills = {lang["code"]: tuple(CefrLevel(s) if s else None for s in lang["skills"])
                                for lang in after}
    if "education" in proposed:
        data.education = [Study(level=EducationLevel(e["level"]), organisation=e["organisation"],
                                start=_day(e["start"]), end=_day(e["end"]), field=e["field"], country=e["country"],
                                degree=e["degree"]) for e in proposed["education"]["after"]]
    if "employment" in proposed:
        data.employment = [Post(employer=p["employer"], position=p["position"], start=_day(p["start"]),
                                end=_day(p["end"]), duties=p["duties"]) for p in proposed["employment"]["after"]]
    return data


def accept(correction: ExpertCorrection, actor: User, *, now: datetime | None = None) -> list[str]:
    """Apply the proposal to the record (update_expert: rules, optimistic locking against the version it was
    proposed at, audit); returns what changed. A stale proposal is refused."""
    _check_decider(actor, correction)
    if is_stale(correction):
        raise Refusal(str(STALE))
    expert = correction.expert
    changed = update_expert(expert, _data_with(expert, correction.proposed), version=correction.expert_version)
    correction.status = "accepted"
    correction.decided_by_id = actor.id
    correction.decided_at = now or utcnow()
    flush(_("Someone else decided on this proposal at the same moment. Nothing was changed."))
    record("expert_correction_accepted", object_type="expert", object_id=expert.id, actor=actor,
           institution_id=expert.institution_id,
           summary=f"correction #{correction.id} accepted; changed: {', '.join(changed) or 'nothing'}")
    return changed


def reject(correction: ExpertCorrection, actor: User, note: str = "", *, now: datetime | None = None) -> None:
    """Turn the proposal down (stale or not); who and when are kept. Audited."""
    _check_decider(actor, correction)
    correction.status = "rejected"
    correction.decided_by_id = actor.id
    correction.decided_at = now or utcnow()
    correction.decision_note = note.strip()
    flush(_("Someone else decided on this proposal at the same moment. Nothing was changed."))
    record("expert_correction_rejected", object_type="expert", object_id=correction.expert_id, actor=actor,
           institution_id=correction.expert.institution_id,
           summary=f"correction #{correction.id} rejected" + (f": {note.strip()}" if note.strip() else ""))


def skills_of(entry: dict) -> list[tuple[str, str]]:
    """The five skills a language entry assesses on its own: (skill name, level) pairs."""
    return [(name, level) for name, level in zip(SKILLS, entry["skills"], strict=True) if level]
