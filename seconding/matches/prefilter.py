"""The SQL twins of the matching rules of SPEC §6 (`seconding.matching.eligibility`): WHERE conditions on experts.

`hard_blocker_conditions` drops, before a ranking reads the facts, only experts a blocker rules out for one
position; `readiness_conditions` says why an active expert could not start a standard tour on a day (the
readiness report).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select

from seconding.dates import add_months
from seconding.matching import PositionFacts, cefr_rank, clearance_rank, licence_rank
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Deployment,
    DrivingLicence,
    Expert,
    ExpertLanguage,
    PoolStatus,
    Unavailability,
)
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES

# A standard tour (SPEC §4: 12 months) plus the six months a passport must outlast it (SPEC §6, gap 3).
PASSPORT_MONTHS = 12 + 6


def hard_blocker_conditions(position: PositionFacts, start: date) -> list[ColumnElement]:
    """WHERE conditions dropping only experts a blocker of SPEC §6 rules out for `position` starting on `start`.

    Pool status, availability, clearance, experience, licence and essential languages are decided here
    exactly as `seconding.matching.eligibility` decides them, so no eligible expert is ever dropped.
    """
    conditions: list[ColumnElement] = [
        Expert.pool_status == PoolStatus.ACTIVE,
        or_(Expert.available_from.is_(None), Expert.available_from <= start),
        ~exists().where(Unavailability.expert_id == Expert.id, Unavailability.start <= start,
                        Unavailability.end >= start),
    ]
    if position.min_experience_years > 0:
        conditions.append(Expert.experience_years >= position.min_experience_years)
    needed = clearance_rank(position.clearance_level)
    if needed:
        conditions.append(Expert.clearance_level.in_([c for c in ClearanceLevel if c.rank >= needed]))
        conditions.append(or_(Expert.clearance_expires.is_(None), Expert.clearance_expires >= start))
    licence = licence_rank(position.driving_licence)
    if licence:
        conditions.append(Expert.driving_licence.in_([d for d in DrivingLicence if licence_rank(d.value) >= licence]))
    for code, level in position.languages_essential.items():
        levels = [lv for lv in CefrLevel if cefr_rank(lv.value) >= cefr_rank(level)]
        conditions.append(exists().where(ExpertLanguage.expert_id == Expert.id, ExpertLanguage.code == code,
                                         ExpertLanguage.level.in_(levels)))
    return conditions


def readiness_conditions(day: date, course_ids: list[int]) -> dict[str, ColumnElement | None]:
    """Why an active expert could not start a standard tour on `day` (SPEC §6 rule codes)."""
    until = Expert.training_valid_until  # every mandatory course held up to this day (training/summary.py)
    return {
        # The sets of experts busy or away that day are read once (IN, not a correlated EXISTS): the databases
        # hash them instead of probing them for each of tens of thousands of experts.
        "busy": Expert.id.in_(select(Deployment.expert_id).where(
            Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES), Deployment.end_date > day)),
        # Spelled without NULL comparisons: NOT (NULL OR false) is NULL in SQL, and the expert would vanish.
        "unavailable": or_(and_(Expert.available_from.is_not(None), Expert.available_from > day), Expert.id.in_(
            select(Unavailability.expert_id).where(Unavailability.start <= day, Unavailability.end >= day))),
        "course": or_(until.is_(None), until < day) if course_ids else None,
        "passport": or_(Expert.passport_expires.is_(None),
                        Expert.passport_expires < add_months(day, PASSPORT_MONTHS)),
    }
