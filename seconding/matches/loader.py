"""From the database to the plain facts of `seconding.matching`: one query per need, never one per expert.

`load_experts(conditions)` reads the experts matching SQL conditions (always the reader's scope, and for one
position the hard blockers SQL can express: `seconding.matches.prefilter`) in one query, with their languages,
expertise, trainings, unavailability and earlier CSDP missions aggregated per expert in the same query, so
the candidate filter runs once and the number of queries never depends on the number of experts. Those rows
come through this process's copy (`seconding.matches.cache`), which re-reads only experts whose facts changed.
`load_pool(conditions)` reads the same and hands it to screening column by column: a ranking screens
thousands of experts but needs the full facts of only the few it shows.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

import numpy as np
from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, select

from seconding.db import stored_text, string_agg
from seconding.extensions import db
from seconding.matches import cache
from seconding.matches.prefilter import HELD_TOURS, selected_tours
from seconding.matching import ExpertFacts, ExpertTable, PositionFacts
from seconding.matching.facts import Held, Periods, PoolColumns
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Course,
    Deployment,
    DrivingLicence,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    Mission,
    MissionHistory,
    Nomination,
    PoolStatus,
    Position,
    TrainingRecord,
    Unavailability,
)
from seconding.models.enums import DeploymentStatus


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


# --- experts --------------------------------------------------------------------------------------


Busy = tuple[tuple[date, ...], tuple[tuple[int, date, date], ...]]
NOT_BUSY: Busy = ((), ())


def busy_facts(candidates: Select) -> dict[int, Busy]:
    """Per candidate: end dates of active deployments, and selections (position id, start, end) — rule `busy`.

    One query for active deployments, one for selections (a selection's dates are those of the tour it
    planned; a selection whose tour has ended no longer counts). The same tours as `prefilter.busy_condition`.
    """
    ends: dict[int, list[date]] = {}
    for expert_id, end in db.session.execute(
            select(Deployment.expert_id, Deployment.end_date).where(Deployment.expert_id.in_(candidates), HELD_TOURS)):
        ends.setdefault(expert_id, []).append(_day(end))
    selections: dict[int, list[tuple[int, date, date]]] = {}
    for expert_id, position_id, start, end in db.session.execute(
            selected_tours(Nomination.expert_id, Nomination.position_id, Deployment.planned_start,
                           Deployment.end_date).where(Nomination.expert_id.in_(candidates))):
        selections.setdefault(expert_id, []).append((position_id, _day(start), _day(end)))
    return {eid: (tuple(ends.get(eid, ())), tuple(selections.get(eid, ()))) for eid in ends.keys() | selections.keys()}


def past_tours(candidates: Select) -> dict[int, list[tuple[str, str]]]:
    """Per candidate: (mission acronym, host country) of tours that ended, for the earlier-deployment score."""
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
    return (
        select(
            Expert.id, Institution.code, Expert.external_id, Expert.given_name, Expert.family_name,
            # Raw values: no enum or date objects.
            stored_text(Expert.pool_status), stored_text(Expert.available_from),
            stored_text(Expert.clearance_level), stored_text(Expert.clearance_expires),
            stored_text(Expert.passport_expires), stored_text(Expert.driving_licence),
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


def _items(column: Sequence[str | None], arity: int) -> tuple[np.ndarray, list[list[str]]]:
    """Every item aggregated in a column: the row each came from, and one list per field.

    The texts are joined and split once (in C) rather than row by row: the separators never occur
    inside a value (`_free`), so every item has exactly `arity` fields.
    """
    present = [row for row, text in enumerate(column) if text]
    texts = [column[row] for row in present]
    rows = np.repeat(np.asarray(present, dtype=np.int64), [text.count(ROW) + 1 for text in texts])
    values = FIELD.join(texts).replace(ROW, FIELD).split(FIELD) if texts else []
    if len(values) != len(rows) * arity:
        raise ValueError("a separator inside an aggregated value")
    return rows, [values[k::arity] for k in range(arity)]


NOTHING: frozenset[str] = frozenset()
Aliases = dict[str, tuple[str, str]]


def _where(mission: str, country: str, aliases: Aliases) -> tuple[str, tuple[str, ...]]:
    """An earlier tour's mission and host countries, normalised; a known mission's name gives its country too."""
    known = aliases.get(normalise(mission))
    countries = tuple(name for name in (normalise(country), known[1] if known else "") if name)
    return (known[0] if known else normalise(mission)), countries


@dataclass(frozen=True)
class _Read:
    """The aggregated rows of the candidates and the small per-candidate facts read beside them."""

    rows: Sequence[tuple]
    busy: dict[int, Busy]
    tours: dict[int, list[tuple[str, str]]]
    aliases: Aliases

    def expert(self, row: int) -> ExpertFacts:
        """Facts of the expert in `row`."""
        (eid, institution, external_id, given, family, status, available_from, clearance, clearance_expires,
         passport, licence, experience, short_notice, languages, expertise, trainings, periods,
         history) = self.rows[row]
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
        if history or eid in self.tours:
            found_missions, found_countries = set(), set()
            for mission, country in (_rows(history) if history else []) + self.tours.get(eid, []):
                name, hosts = _where(mission, country, self.aliases)
                found_missions.add(name)
                found_countries.update(hosts)
            missions, countries = frozenset(found_missions), frozenset(found_countries)
        deployments, selections = self.busy.get(eid, NOT_BUSY)
        return ExpertFacts(
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
        )

    def columns(self) -> PoolColumns:
        """The candidates column by column, parsed a column at a time (no per-expert objects)."""
        (ids, _institutions, _external_ids, _given, families, statuses, available_from, clearances,
         clearance_expires, passports, licences, experience, short_notice, languages, expertise, trainings, periods,
         history) = zip(*self.rows) if self.rows else [()] * 18
        row_of = {eid: row for row, eid in enumerate(ids)}
        latest_end: list[date | None] = [None] * len(ids)
        selections = []
        for eid, (ends, chosen) in self.busy.items():
            if eid in row_of:  # read by another statement: an expert may have changed in between
                latest_end[row_of[eid]] = max(ends, default=None)
                selections += [(row_of[eid], start, end, pid) for pid, start, end in chosen]
        language_rows, (codes, levels) = _items(languages, 2)
        area_rows, (areas, flags) = _items(expertise, 2)
        training_rows, (courses, expiries) = _items(trainings, 2)
        past_missions, past_countries = self._earlier(history, row_of)
        period_rows, (starts, ends, _reasons) = _items(periods, 3)
        return PoolColumns(
            ids=ids, family_names=families, pool_statuses=statuses, available_from=available_from,
            clearance_levels=clearances, clearance_expires=clearance_expires, passport_expires=passports,
            driving_licences=licences, experience_years=experience, short_notice=short_notice,
            latest_deployment_end=latest_end,
            languages=Held(language_rows, codes, levels),
            expertise=Held(area_rows, areas, [flag == "1" for flag in flags]),
            trainings=Held(training_rows, courses, expiries),
            unavailability=Periods(period_rows, starts, ends),
            selections=Periods(*zip(*selections)) if selections else Periods(),
            past_missions=past_missions, past_countries=past_countries,
            experts=partial(_experts_at, ids),
        )

    def _earlier(self, history: Sequence[str | None], row_of: dict[int, int]) -> tuple[Held, Held]:
        """Missions and host countries of earlier CSDP tours (history and completed deployments), flattened."""
        history_rows, (missions, countries) = _items(history, 2)
        rows = history_rows.tolist()
        for eid, tours in self.tours.items():
            if eid in row_of:  # read by another statement: an expert may have changed in between
                rows += [row_of[eid]] * len(tours)
                missions += [mission for mission, _ in tours]
                countries += [country for _, country in tours]
        # Tours repeat a handful of missions: resolve each distinct pair once.
        places = {pair: _where(*pair, self.aliases) for pair in set(zip(missions, countries))}
        resolved = [places[pair] for pair in zip(missions, countries)]
        hosts = [(row, host) for row, (_, names) in zip(rows, resolved) for host in names]
        return Held(rows, [name for name, _ in resolved]), (Held(*zip(*hosts)) if hosts else Held())


def _read(conditions: Sequence[ColumnElement]) -> _Read:
    """Read the facts of every expert meeting `conditions`: a constant number of queries."""
    aliases = _history_aliases()
    candidates = select(Expert.id).where(*conditions)
    busy = busy_facts(candidates)
    tours = past_tours(candidates)
    # This process's copy, re-read where an expert's facts changed: the hot path of every match.
    return _Read(cache.current_rows(conditions, facts_query), busy, tours, aliases)


def load_experts(conditions: Sequence[ColumnElement]) -> list[ExpertFacts]:
    """Facts of every expert meeting `conditions` (which must include the reader's scope), by id."""
    read = _read(conditions)
    return [read.expert(row) for row in range(len(read.rows))]


def load_pool(conditions: Sequence[ColumnElement]) -> ExpertTable:
    """The experts meeting `conditions` (which must include the reader's scope) as a table to screen.

    Built column by column from the same read as `load_experts`, which is then let go: the full facts
    of the few experts a page shows are read again by id when asked for (`ExpertTable.experts`). Kept,
    the rows of 50,000 experts held 40 MB beside the table for as long as it was screened.
    """
    return ExpertTable(_read(conditions).columns())


def warm() -> int:
    """Read every active expert's facts into this process's copy (a worker about to serve); how many."""
    return len(cache.current_rows([Expert.pool_status == PoolStatus.ACTIVE], facts_query))


IDS_PER_READ = 1000


def _experts_at(ids: Sequence[int], rows: Sequence[int]) -> list[ExpertFacts]:
    """Facts of the experts at these rows of a read, read again by id (experts are never deleted)."""
    wanted = [ids[row] for row in rows]
    found: dict[int, ExpertFacts] = {}
    for start in range(0, len(wanted), IDS_PER_READ):
        found.update((e.id, e) for e in load_experts([Expert.id.in_(wanted[start:start + IDS_PER_READ])]))
    return [found[eid] for eid in wanted]
