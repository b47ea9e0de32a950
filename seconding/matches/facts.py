"""From the database to the plain facts of `seconding.matching`: one query per need, never one per expert.

`load_experts(conditions)` reads the experts matching SQL conditions (always the reader's scope, and for one
position the hard blockers SQL can express: `hard_blocker_conditions`) in one query, with their languages,
expertise, trainings, unavailability and earlier CSDP missions aggregated per expert in the same query, so
the candidate filter runs once and the number of queries never depends on the number of experts.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, String, case, cast, exists, func, literal, or_, select, type_coerce

from seconding.db import string_agg
from seconding.extensions import db
from seconding.matching import ExpertFacts, PositionFacts, cefr_rank, clearance_rank, licence_rank
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Course,
    DrivingLicence,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    Mission,
    MissionHistory,
    PoolStatus,
    Position,
    TrainingRecord,
    Unavailability,
)


def normalise(text: str | None) -> str:
    """Mission and country names compare without regard to case and spacing."""
    return " ".join((text or "").split()).casefold()


# --- positions ------------------------------------------------------------------------------------


def position_facts(positions: Sequence[Position]) -> list[PositionFacts]:
    """Facts of positions loaded with their CfC, mission, languages, courses and expertise (no query here)."""
    return [
        PositionFacts(
            id=p.id,
            cfc_ref=p.cfc.reference,
            position_ref=p.reference,
            title=p.title,
            mission=normalise(p.cfc.mission.acronym),
            host_country=normalise(p.cfc.mission.host_country),
            available_on=p.available_on,
            tour_months=p.tour_months,
            posts=p.posts,
            clearance_level=ClearanceLevel(p.clearance_level).value,
            min_experience_years=p.min_experience_years,
            languages_essential={lang.code: CefrLevel(lang.level).value for lang in p.languages if lang.essential},
            languages_desirable={lang.code: CefrLevel(lang.level).value for lang in p.languages
                                 if not lang.essential},
            expertise=p.expertise_area.code if p.expertise_area else None,
            driving_licence=DrivingLicence(p.driving_licence).value,
            courses_required=tuple(p.courses_required),
            courses_desirable=tuple(p.courses_desirable),
        )
        for p in positions
    ]


def mandatory_courses() -> tuple[str, ...]:
    """Codes of the courses every deployment needs (SPEC §6 gap 1)."""
    return tuple(db.session.scalars(select(Course.code).where(Course.mandatory).order_by(Course.code)))


# --- the SQL prefilter ----------------------------------------------------------------------------


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


# --- experts --------------------------------------------------------------------------------------


Busy = tuple[tuple[date, ...], tuple[tuple[int, date, date], ...]]
NOT_BUSY: Busy = ((), ())


def busy_facts(candidates: Select) -> dict[int, Busy]:
    """Per candidate: end dates of active deployments, and selections (position id, start, end) — rule `busy`.

    One query for active deployments, one for selections (a selection's dates are those of the tour it
    planned; a selection whose tour has ended no longer counts).
    """
    from seconding.models import Deployment, Nomination
    from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, NominationStatus

    ends: dict[int, list[date]] = {}
    for expert_id, end in db.session.execute(
            select(Deployment.expert_id, Deployment.end_date)
            .where(Deployment.expert_id.in_(candidates), Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES))):
        ends.setdefault(expert_id, []).append(_day(end))
    selections: dict[int, list[tuple[int, date, date]]] = {}
    for expert_id, position_id, start, end in db.session.execute(
            select(Nomination.expert_id, Nomination.position_id, Deployment.planned_start, Deployment.end_date)
            .join(Deployment, Deployment.nomination_id == Nomination.id)
            .where(Nomination.expert_id.in_(candidates), Nomination.status == NominationStatus.SELECTED,
                   Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES))):
        selections.setdefault(expert_id, []).append((position_id, _day(start), _day(end)))
    return {eid: (tuple(ends.get(eid, ())), tuple(selections.get(eid, ()))) for eid in ends.keys() | selections.keys()}


def past_tours(candidates: Select) -> dict[int, list[tuple[str, str]]]:
    """Per candidate: (mission acronym, host country) of tours that ended, for the earlier-deployment score."""
    from seconding.models import Deployment
    from seconding.models.enums import DeploymentStatus

    tours: dict[int, list[tuple[str, str]]] = {}
    for expert_id, acronym, country in db.session.execute(
            select(Deployment.expert_id, Mission.acronym, Mission.host_country)
            .join(Mission, Mission.id == Deployment.mission_id)
            .where(Deployment.expert_id.in_(candidates),
                   Deployment.status.in_((DeploymentStatus.COMPLETED, DeploymentStatus.CURTAILED)))):
        tours.setdefault(expert_id, []).append((acronym, country))
    return tours


def _history_aliases() -> dict[str, tuple[str, str]]:
    """Known missions by normalised acronym and full name -> (acronym, host country), normalised."""
    aliases = {}
    for acronym, name, country in db.session.execute(select(Mission.acronym, Mission.name, Mission.host_country)):
        aliases[normalise(acronym)] = aliases[normalise(name)] = (normalise(acronym), normalise(country))
    return aliases


# Separators inside the aggregated text columns: control characters no name or reason contains.
FIELD, ROW = "\x1f", "\x1e"


def _text(column) -> ColumnElement:
    """The column as text in SQL ('' for NULL), so values can be joined into one string."""
    return func.coalesce(cast(column, String), "")


def _free(column) -> ColumnElement:
    """Free text with the separators blanked out, so a stray control character cannot split a row."""
    return func.replace(func.replace(column, FIELD, " "), ROW, " ")


def _joined(*columns) -> ColumnElement:
    expr = _text(columns[0])
    for column in columns[1:]:
        expr = expr + literal(FIELD) + _text(column)
    return expr


def _aggregate(value, *where) -> ColumnElement:
    """Every matching child row of the expert, joined into one string (ROW between rows)."""
    return select(string_agg(value, ROW)).where(*where).correlate(Expert).scalar_subquery()


def facts_query(conditions: Sequence[ColumnElement]) -> Select:
    """One read of every expert meeting `conditions` with their languages, expertise, trainings,
    unavailability and CSDP history aggregated per expert (the candidate filter runs once)."""
    as_text = lambda column: type_coerce(column, String)  # noqa: E731  (raw values: no enum or date objects)
    return (
        select(
            Expert.id, Institution.code, Expert.external_id, Expert.given_name, Expert.family_name,
            as_text(Expert.pool_status), as_text(Expert.available_from), as_text(Expert.clearance_level),
            as_text(Expert.clearance_expires), as_text(Expert.passport_expires), as_text(Expert.driving_licence),
            Expert.experience_years, Expert.short_notice,
            _aggregate(_joined(ExpertLanguage.code, ExpertLanguage.level), ExpertLanguage.expert_id == Expert.id),
            _aggregate(_joined(ExpertiseArea.code, case((ExpertExpertise.primary.is_(True), "1"), else_="")),
                       ExpertExpertise.area_id == ExpertiseArea.id, ExpertExpertise.expert_id == Expert.id),
            _aggregate(_joined(Course.code, TrainingRecord.expires_on), Course.id == TrainingRecord.course_id,
                       TrainingRecord.expert_id == Expert.id),
            _aggregate(_joined(Unavailability.start, Unavailability.end, _free(Unavailability.reason)),
                       Unavailability.expert_id == Expert.id),
            _aggregate(_joined(_free(MissionHistory.mission), _free(MissionHistory.host_country)),
                       MissionHistory.expert_id == Expert.id, MissionHistory.csdp.is_(True)),
        )
        .join(Institution, Institution.id == Expert.institution_id)
        .where(*conditions)
        .order_by(Expert.id)
    )


def _day(value) -> date | None:
    """A date from the driver: a date already (PostgreSQL) or ISO text (SQLite)."""
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _rows(text: str) -> list[list[str]]:
    return [item.split(FIELD) for item in text.split(ROW)]


NOTHING: frozenset[str] = frozenset()


def load_experts(conditions: Sequence[ColumnElement]) -> list[ExpertFacts]:
    """Facts of every expert meeting `conditions` (which must include the reader's scope), by id."""
    aliases = _history_aliases()
    candidates = select(Expert.id).where(*conditions)
    busy = busy_facts(candidates)
    tours = past_tours(candidates)
    facts = []
    # A plain Core read (no ORM row processing): this loop is the hot path of every match.
    for (eid, institution, external_id, given, family, status, available_from, clearance, clearance_expires,
         passport, licence, experience, short_notice, languages, expertise, trainings, periods,
         history) in db.session.connection().execute(facts_query(conditions)):
        primary, secondary = None, NOTHING
        if expertise:
            areas = _rows(expertise)
            primary = next((code for code, first in areas if first), None)
            secondary = frozenset(code for code, first in areas if not first)
        courses: dict[str, list[date | None]] = {}
        if trainings:
            for code, expires in _rows(trainings):
                courses.setdefault(code, []).append(_day(expires))
        missions = countries = NOTHING
        if history or eid in tours:
            found_missions, found_countries = set(), set()
            for mission, country in (_rows(history) if history else []) + tours.get(eid, []):
                known = aliases.get(normalise(mission))
                found_missions.add(known[0] if known else normalise(mission))
                found_countries.update(name for name in (normalise(country), known[1] if known else "") if name)
            missions, countries = frozenset(found_missions), frozenset(found_countries)
        deployments, selections = busy.get(eid, NOT_BUSY)
        facts.append(ExpertFacts(
            id=eid, institution=institution, external_id=external_id, given_name=given, family_name=family,
            pool_status=status, available_from=_day(available_from),
            unavailability=tuple(sorted((_day(a), _day(b), why) for a, b, why in _rows(periods))) if periods else (),
            languages=dict(_rows(languages)) if languages else {},
            clearance_level=clearance, clearance_expires=_day(clearance_expires), passport_expires=_day(passport),
            driving_licence=licence, experience_years=experience,
            expertise_primary=primary, expertise_secondary=secondary,
            short_notice=bool(short_notice),
            trainings={code: tuple(expiries) for code, expiries in courses.items()},
            active_deployment_ends=deployments, selections=selections,
            past_missions=missions, past_countries=countries,
        ))
    return facts
