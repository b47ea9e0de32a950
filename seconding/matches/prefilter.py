"""The SQL twins of the matching rules of SPEC §6: WHERE conditions on experts, decided as the rules decide.

The rules live in `seconding.matching.eligibility` (one function per rule, for one expert) and again in
`seconding.matching.screen` (numpy, for a pool); tests hold those two together (tests/test_matching_screen.py).
Some rules are asked of the database too, here:
- `hard_blocker_conditions(position, S)` drops, before a ranking reads any facts, only experts a blocker rules out
  (no eligible expert is ever dropped: tests/test_matches_facts.py);
- `readiness_conditions(day, ...)` says why an active expert could not start a standard tour (12 months, no
  requirement of its own) on `day`, for the readiness report; an expert with none of them is one `evaluate` calls
  eligible for such a tour (tests/test_matches_prefilter.py holds the two together).

S and E are the tour's start and end (`eligibility.tour_window`); a passport must be valid on
`eligibility.passport_needed(E)` = E + 6 months, counted from E (S = 29 February 2028: E = 28 February 2029,
needed 28 August 2029).

Rule by rule: its function in eligibility.py, its line in screen.py, and its SQL here.
- pool_status: `rule_pool_status`; `screen_detail`: `blocked = ~table.active`;
  hard_blocker_conditions: `pool_status = active`; readiness counts active experts only.
- busy: `rule_busy`; `blocker_masks`: `busy = (t.deployment_end > s) | t.owners(t.sel_row, clash)`;
  readiness: `busy_condition` (the loader reads the same tours for the rule: `HELD_TOURS`, `selected_tours`).
- unavailable: `rule_unavailable`; `blocker_masks`: `unavailable = (t.available_from > s) | t.owners(...covers)`;
  hard_blocker_conditions: available-from NULL or <= S, and no period covering S; readiness: the opposite.
- language: `rule_language`; `blocker_masks`: `t.language(code) < cefr_rank(level)`;
  hard_blocker_conditions: EXISTS the language at the needed level or above.
- clearance: `rule_clearance`; `blocker_masks`: `low = (t.clearance < needed) | (t.clearance_expires < s)`;
  hard_blocker_conditions: a level ranked as high or higher, and expiry NULL or >= S.
- experience: `rule_experience`; `blocker_masks`: `t.experience < position.min_experience_years`;
  hard_blocker_conditions: `experience_years >= minimum`.
- driving_licence: `rule_driving_licence`; `blocker_masks`: `t.licence < licence_rank(position.driving_licence)`;
  hard_blocker_conditions: a licence ranked as high or higher.
- course (gap): `rule_course`; `_gap_counts`: `t.course(code) < start.toordinal()`;
  readiness: `training_valid_until` NULL or < S (the mandatory courses, training/summary.py).
- clearance_expiry (gap): `rule_clearance_expiry`; `_gap_counts`: `t.clearance_expires < end.toordinal()`;
  no SQL (a standard tour asks for no clearance).
- passport (gap): `rule_passport`; `_gap_counts`: `t.passport_expires < passport_needed(end).toordinal()`;
  readiness: `passport_expires` NULL or < `passport_needed(E)`.

A gap never makes an expert ineligible, so `hard_blocker_conditions` has none; busy is left to the screen there
(the loader reads every candidate's tours and selections anyway).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from seconding.matching import PositionFacts, cefr_rank, clearance_rank, licence_rank
from seconding.matching.eligibility import Window, passport_needed, tour_window
from seconding.matching.facts import STANDARD_TOUR_MONTHS
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Deployment,
    DrivingLicence,
    Expert,
    ExpertLanguage,
    Nomination,
    PoolStatus,
    Unavailability,
)
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, DeploymentStatus, NominationStatus

# Active deployments that hold their expert until they end. A tour planned by a selection is the selection until it
# starts: it blocks the tours it overlaps, not every tour starting before it ends (`selected_tours`).
HELD_TOURS = and_(Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES),
                  ~(Deployment.nomination_id.is_not(None) & (Deployment.status == DeploymentStatus.PLANNED)))


def selected_tours(*columns) -> Select:
    """`columns` of every selection (a selected nomination) with its tour, while the tour is active."""
    return (select(*columns).join(Deployment, Deployment.nomination_id == Nomination.id)
            .where(Nomination.status == NominationStatus.SELECTED, Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES)))


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


def busy_condition(window: Window) -> ColumnElement:
    """Rule `busy` for a tour of no position yet: an active deployment ending after S, or a selection whose tour
    overlaps the window (strictly at both ends: a tour ending on S, or starting on E, does not clash).

    The sets of experts are read once (IN, not a correlated EXISTS): the databases hash them instead of probing
    them for each of tens of thousands of experts."""
    start, end = window
    touring = select(Deployment.expert_id).where(HELD_TOURS, Deployment.end_date > start)
    selected = selected_tours(Nomination.expert_id).where(Deployment.planned_start < end, Deployment.end_date > start)
    return or_(Expert.id.in_(touring), Expert.id.in_(selected))


def readiness_conditions(day: date, course_ids: list[int]) -> dict[str, ColumnElement | None]:
    """Why an active expert could not start a standard tour on `day`, by SPEC §6 rule code (None: no such rule)."""
    start, end = window = tour_window(day, STANDARD_TOUR_MONTHS)
    until = Expert.training_valid_until  # every mandatory course held up to this day (training/summary.py)
    return {
        "busy": busy_condition(window),
        # Spelled without NULL comparisons: NOT (NULL OR false) is NULL in SQL, and the expert would vanish.
        "unavailable": or_(and_(Expert.available_from.is_not(None), Expert.available_from > start), Expert.id.in_(
            select(Unavailability.expert_id).where(Unavailability.start <= start, Unavailability.end >= start))),
        "course": or_(until.is_(None), until < start) if course_ids else None,
        "passport": or_(Expert.passport_expires.is_(None), Expert.passport_expires < passport_needed(end)),
    }
