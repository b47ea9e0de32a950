"""From the database to the plain facts of `seconding.matching`: one query per need, never one per expert.

`load_experts(conditions)` reads the experts matching SQL conditions (always the reader's scope, and for one
position the hard blockers SQL can express: `hard_blocker_conditions`) and their languages, expertise,
trainings, unavailability and earlier missions, each in one query over the same candidate set.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, or_, select

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

    Deployments and nominations are not built yet, so nobody is busy. This is the one place where they plug
    in: one query over `candidates` for active deployments, one for selected nominations.
    """
    return {}


def _history_aliases() -> dict[str, tuple[str, str]]:
    """Known missions by normalised acronym and full name -> (acronym, host country), normalised."""
    aliases = {}
    for acronym, name, country in db.session.execute(select(Mission.acronym, Mission.name, Mission.host_country)):
        aliases[normalise(acronym)] = aliases[normalise(name)] = (normalise(acronym), normalise(country))
    return aliases


def fact_queries(candidates: Select, conditions: Sequence[ColumnElement]) -> dict[str, Select]:
    """The reads `load_experts` makes (also run raw by the benchmark as the floor of matching)."""
    among = candidates.scalar_subquery()
    return {
        "experts": select(
            Expert.id, Institution.code, Expert.external_id, Expert.given_name, Expert.family_name,
            Expert.pool_status, Expert.available_from, Expert.clearance_level, Expert.clearance_expires,
            Expert.passport_expires, Expert.driving_licence, Expert.experience_years, Expert.short_notice,
        ).join(Institution, Institution.id == Expert.institution_id).where(*conditions),
        "languages": select(ExpertLanguage.expert_id, ExpertLanguage.code, ExpertLanguage.level)
        .where(ExpertLanguage.expert_id.in_(among)),
        "expertise": select(ExpertExpertise.expert_id, ExpertiseArea.code, ExpertExpertise.primary)
        .join(ExpertiseArea, ExpertiseArea.id == ExpertExpertise.area_id)
        .where(ExpertExpertise.expert_id.in_(among)),
        "trainings": select(TrainingRecord.expert_id, Course.code, TrainingRecord.expires_on)
        .join(Course, Course.id == TrainingRecord.course_id)
        .where(TrainingRecord.expert_id.in_(among)),
        "unavailability": select(Unavailability.expert_id, Unavailability.start, Unavailability.end,
                                 Unavailability.reason).where(Unavailability.expert_id.in_(among)),
        "history": select(MissionHistory.expert_id, MissionHistory.mission, MissionHistory.host_country)
        .where(MissionHistory.expert_id.in_(among), MissionHistory.csdp.is_(True)),
    }


def load_experts(conditions: Sequence[ColumnElement]) -> list[ExpertFacts]:
    """Facts of every expert meeting `conditions` (which must include the reader's scope), by id."""
    candidates = select(Expert.id).where(*conditions)
    queries = fact_queries(candidates, conditions)
    session = db.session
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    for expert_id, code, level in session.execute(queries["languages"]):
        languages[expert_id][code] = CefrLevel(level).value
    primary: dict[int, str] = {}
    secondary: dict[int, set[str]] = defaultdict(set)
    for expert_id, code, is_primary in session.execute(queries["expertise"]):
        if is_primary:
            primary[expert_id] = code
        else:
            secondary[expert_id].add(code)
    trainings: dict[int, dict[str, list[date | None]]] = defaultdict(lambda: defaultdict(list))
    for expert_id, code, expires_on in session.execute(queries["trainings"]):
        trainings[expert_id][code].append(expires_on)
    unavailable: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    for expert_id, start, end, reason in session.execute(queries["unavailability"]):
        unavailable[expert_id].append((start, end, reason or ""))
    aliases = _history_aliases()
    missions: dict[int, set[str]] = defaultdict(set)
    countries: dict[int, set[str]] = defaultdict(set)
    for expert_id, mission, country in session.execute(queries["history"]):
        known = aliases.get(normalise(mission))
        missions[expert_id].add(known[0] if known else normalise(mission))
        for name in (normalise(country), known[1] if known else ""):
            if name:
                countries[expert_id].add(name)
    busy = busy_facts(candidates)
    facts = []
    for row in session.execute(queries["experts"].order_by(Expert.id)):
        (eid, institution, external_id, given, family, status, available_from, clearance, clearance_expires,
         passport, licence, experience, short_notice) = row
        deployments, selections = busy.get(eid, NOT_BUSY)
        facts.append(ExpertFacts(
            id=eid, institution=institution, external_id=external_id, given_name=given, family_name=family,
            pool_status=PoolStatus(status).value, available_from=available_from,
            unavailability=tuple(sorted(unavailable.get(eid, ()))),
            languages=languages.get(eid, {}), clearance_level=ClearanceLevel(clearance).value,
            clearance_expires=clearance_expires, passport_expires=passport,
            driving_licence=DrivingLicence(licence).value, experience_years=experience,
            expertise_primary=primary.get(eid), expertise_secondary=frozenset(secondary.get(eid, ())),
            short_notice=bool(short_notice),
            trainings={code: tuple(expiries) for code, expiries in trainings.get(eid, {}).items()},
            active_deployment_ends=deployments, selections=selections,
            past_missions=frozenset(missions.get(eid, ())), past_countries=frozenset(countries.get(eid, ())),
        ))
    return facts
