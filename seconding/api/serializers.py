"""Objects as the API's JSON (the shapes the OpenAPI document describes in seconding/api/openapi.py)."""
from datetime import date, datetime

from seconding.experts.queries import ListRow
from seconding.models import SKILLS, Cfc, Expert, Position
from seconding.models.deployments import Deployment
from seconding.models.nip import NipAction
from seconding.models.nominations import Nomination


def day(value: date | None) -> str | None:
    """A date as YYYY-MM-DD."""
    return value.isoformat() if value else None


def moment(value: datetime | None) -> str | None:
    """A UTC moment as ISO 8601 with its offset."""
    return value.isoformat() if value else None


def _languages(pairs) -> list[dict]:
    return [{"code": lang.code, "level": lang.level.value} for lang in pairs]


def expert_summary(row: ListRow) -> dict:
    """One row of the expert list (the list page's columns)."""
    e = row.expert
    languages = [dict(zip(("code", "level"), item.split(" ", 1)))
                 for item in sorted(row.languages.split(", ")) if item]
    return {"id": e.id, "institution": row.institution_code, "external_id": e.external_id,
            "given_name": e.given_name, "family_name": e.family_name, "sex": e.sex.value,
            "pool_status": e.pool_status.value, "experience_years": e.experience_years, "languages": languages,
            "primary_expertise": row.primary_expertise, "clearance_level": e.clearance_level.value,
            "clearance_expires": day(e.clearance_expires), "available_from": day(e.available_from),
            "training_status": row.training_status, "updated_at": moment(e.updated_at), "version": e.version}


def expert_detail(e: Expert) -> dict:
    """Everything the expert form holds, plus id, times and version (what a PUT sends back)."""
    primary = e.primary_expertise
    expertise = ([primary.code] if primary else []) + sorted(a.code for a in e.secondary_expertise)
    return {
        "id": e.id, "institution": e.institution.code, "external_id": e.external_id, "given_name": e.given_name,
        "family_name": e.family_name, "sex": e.sex.value, "date_of_birth": day(e.date_of_birth), "email": e.email,
        "phone": e.phone, "rank": e.rank, "experience_years": e.experience_years, "expertise": expertise,
        "languages": [{"code": lang.code, "level": lang.level.value,
                       "skills": {name: own.value if own else None
                                  for name, own in zip(SKILLS, lang.own_skills(), strict=True)}}
                      for lang in e.languages],
        "clearance_level": e.clearance_level.value,
        "clearance_expires": day(e.clearance_expires), "passport_expires": day(e.passport_expires),
        "driving_licence": e.driving_licence.value, "available_from": day(e.available_from),
        "short_notice": e.short_notice, "pool_status": e.pool_status.value, "consent_on": day(e.consent_on),
        "notes": e.notes,
        "unavailability": [{"start": day(p.start), "end": day(p.end), "reason": p.reason} for p in e.unavailability],
        "history": [{"mission": h.mission, "host_country": h.host_country, "role": h.role, "start": day(h.start),
                     "end": day(h.end), "csdp": h.csdp} for h in e.mission_history],
        "education": [{"level": s.level.value, "field": s.field, "organisation": s.organisation, "country": s.country,
                       "start": day(s.start), "end": day(s.end), "degree": s.degree} for s in e.education],
        "employment": [{"employer": p.employer, "position": p.position, "start": day(p.start), "end": day(p.end),
                        "duties": p.duties} for p in e.employment],
        "computer_skills": e.computer_skills,
        "created_at": moment(e.created_at), "updated_at": moment(e.updated_at), "version": e.version,
    }


def cfc_json(cfc: Cfc, positions: int, posts: int) -> dict:
    """A call with its counts of positions and posts."""
    return {"id": cfc.id, "reference": cfc.reference, "mission": cfc.mission.acronym, "kind": cfc.kind.value,
            "published_on": day(cfc.published_on), "eeas_deadline": moment(cfc.eeas_deadline),
            "national_deadline": moment(cfc.national_deadline), "status": cfc.status.value,
            "positions": positions, "posts": posts}


def position_json(p: Position) -> dict:
    """A position with its requirements."""
    return {
        "id": p.id, "cfc_id": p.cfc_id, "cfc_ref": p.cfc.reference, "mission": p.cfc.mission.acronym,
        "reference": p.reference, "title": p.title, "location": p.location, "regime": p.regime.value,
        "category": p.category.value, "posts": p.posts, "available_on": day(p.available_on),
        "tour_months": p.tour_months,
        "clearance_level": p.clearance_level.value, "min_experience_years": p.min_experience_years,
        "expertise": p.expertise_area.code if p.expertise_area else None,
        "driving_licence": p.driving_licence.value, "languages_essential": _languages(p.languages_essential),
        "languages_desirable": _languages(p.languages_desirable), "courses_required": p.courses_required,
        "courses_desirable": p.courses_desirable,
    }


def _expert_ref(e: Expert) -> dict:
    return {"id": e.id, "institution": e.institution.code, "external_id": e.external_id, "name": e.name}


def nomination_json(n: Nomination, allowed: list[str], *, history: bool = False) -> dict:
    """A nomination, the actions the reader may take, and optionally its history."""
    body = {
        "id": n.id, "status": n.status.value, "expert": _expert_ref(n.expert),
        "position": {"id": n.position.id, "reference": n.position.reference, "cfc_ref": n.position.cfc.reference,
                     "title": n.position.title},
        "consent_on": day(n.consent_on), "comment": n.comment, "motivation": n.motivation,
        "goalkeeper_ref": n.goalkeeper_ref,
        "forwarded_on": day(n.forwarded_on), "eeas_feedback": n.eeas_feedback, "created_at": moment(n.created_at),
        "updated_at": moment(n.updated_at), "version": n.version, "allowed_actions": allowed,
    }
    if history:
        body["history"] = [{"from": h.from_status.value if h.from_status else None, "to": h.to_status.value,
                            "actor": h.actor_label, "at": moment(h.at), "comment": h.comment} for h in n.history]
    return body


def deployment_json(d: Deployment) -> dict:
    """A tour with its extensions."""
    position = d.position
    return {
        "id": d.id, "status": d.status.value, "expert": _expert_ref(d.expert), "mission": d.mission.acronym,
        "position": ({"id": position.id, "reference": position.reference, "cfc_ref": position.cfc.reference}
                     if position else None),
        "role": d.role, "planned_start": day(d.planned_start), "actual_start": day(d.actual_start),
        "end_date": day(d.end_date), "end_reason": d.end_reason,
        "extensions": [{"previous_end": day(x.previous_end), "new_end": day(x.new_end),
                        "decided_on": day(x.decided_on), "note": x.note} for x in d.extensions],
        "version": d.version,
    }


def nip_action_json(a: NipAction, flags: tuple[str, ...], current: float | None, *, updates: bool = False) -> dict:
    """An NIP action with its flags and its indicator's current value (seconding.nip.figures.current_value: a linked
    indicator follows its figure), and optionally its progress updates."""
    body = {
        "id": a.id, "code": a.code, "title": a.title, "description": a.description, "lead": a.lead.code,
        "partners": [p.code for p in a.partners], "commitments": [c.label for c in a.commitments],
        "start_on": day(a.start_on), "due_on": day(a.due_on), "status": a.status.value, "progress": a.progress,
        "indicator": {"text": a.indicator, "unit": a.indicator_unit, "baseline": a.indicator_baseline,
                      "target": a.indicator_target, "current": current, "figure": a.indicator_figure or None},
        "last_update_on": day(a.last_update_on), "flags": list(flags), "version": a.version,
    }
    if updates:
        body["updates"] = [{"reported_on": day(u.reported_on), "status": u.status.value, "progress": u.progress,
                            "value": u.value, "narrative": u.narrative, "evidence_url": u.evidence_url}
                           for u in a.updates]
    return body
