"""The call tracker: per open CfC and per position, the posts, how many experts of the pool qualify, the nominations
by status and by service, and the days left to the national and EEAS deadlines.

A constant number of queries whatever the number of calls, positions or experts: the calls in one, their positions
with requirements in a few (`positions_of`), the nominations grouped in one, and the pool read once (through this
process's copy of the experts' facts) and screened once per position with the vectorised screen of SPEC §6 — the
same screen the position's match page counts with.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select

from seconding.dates import BRUSSELS, WARSAW, local
from seconding.extensions import db
from seconding.matches.loader import load_pool, mandatory_courses, position_facts
from seconding.matches.pair import weights
from seconding.matching import ELIGIBLE, GAPS, screen_detail
from seconding.missions.queries import cfcs, positions_of
from seconding.models import Cfc, CfcStatus, Expert, Institution, Mission, Nomination, PoolStatus, Position
from seconding.models.enums import NominationStatus
from seconding.pause import cycle_collector_paused


def days_left(moment: datetime, zone: ZoneInfo, today: date) -> int:
    """Whole days from `today` (Warsaw's) to the day the deadline falls on in its own zone: 0 = today, 1 = tomorrow,
    negative = a day already gone."""
    return (local(moment, zone).date() - today).days


@dataclass(frozen=True)
class Deadline:
    """A deadline with its zone, its days left and whether its moment has gone (it may be today and gone)."""

    moment: datetime
    zone: ZoneInfo
    days: int
    passed: bool

    @classmethod
    def of(cls, moment: datetime, zone: ZoneInfo, *, today: date, now: datetime) -> Deadline:
        return cls(moment, zone, days_left(moment, zone, today), moment < now)


@dataclass(frozen=True)
class Service:
    """An institution, as tables show it: its code, its name in both languages."""

    code: str
    name_en: str
    name_pl: str

    def name(self, locale: str = "en") -> str:
        return self.name_pl if locale == "pl" else self.name_en


@dataclass
class PositionRow:
    """One position of a tracked call."""

    position: Position
    qualify: int = 0  # eligible, with or without gaps, in the reader's pool
    with_gaps: int = 0
    by_status: dict[NominationStatus, int] = field(default_factory=dict)
    by_service: dict[Service, int] = field(default_factory=dict)

    @property
    def nominations(self) -> int:
        return sum(self.by_status.values())

    @property
    def active_nominations(self) -> int:
        return sum(n for status, n in self.by_status.items() if status in NominationStatus.active())

    def statuses(self) -> list[tuple[NominationStatus, int]]:
        """Counts by status in the workflow's order (statuses with none left out)."""
        return [(status, self.by_status[status]) for status in NominationStatus if self.by_status.get(status)]

    def services(self) -> list[tuple[Service, int]]:
        """Counts by service, by code."""
        return sorted(self.by_service.items(), key=lambda item: item[0].code)


@dataclass
class CallRow:
    """One tracked call with its positions."""

    cfc: Cfc
    mission: Mission
    national: Deadline
    eeas: Deadline
    positions: list[PositionRow]

    @property
    def posts(self) -> int:
        return sum(row.position.posts for row in self.positions)

    @property
    def qualify(self) -> int:
        return sum(row.qualify for row in self.positions)

    @property
    def nominations(self) -> int:
        return sum(row.nominations for row in self.positions)


def qualifying(positions: list[Position], *, scope: ColumnElement, as_of: date) -> dict[int, tuple[int, int]]:
    """Per position id: (experts eligible with or without gaps, of whom with gaps) among the active experts in
    `scope`. The pool is read once and screened once per position (numpy over the whole pool at once)."""
    if not positions:
        return {}
    facts = position_facts(positions)
    courses, w = mandatory_courses(), weights()
    counts = {}
    with cycle_collector_paused():
        table = load_pool([scope, Expert.pool_status == PoolStatus.ACTIVE])
        for position in facts:
            status, _score, _gaps = screen_detail(table, position, as_of=as_of, mandatory_courses=courses, weights=w)
            eligible, gaps = int((status == ELIGIBLE).sum()), int((status == GAPS).sum())
            counts[position.id] = (eligible + gaps, gaps)
    return counts


def nomination_counts(position_ids: list[int], *, scope: ColumnElement) -> list[tuple[int, NominationStatus, Service,
                                                                                       int]]:
    """(position id, status, service, how many) of the nominations of these positions whose expert is in `scope`:
    one grouped query."""
    if not position_ids:
        return []
    query = (select(Nomination.position_id, Nomination.status, Institution.code, Institution.name_en,
                    Institution.name_pl, func.count(Nomination.id))
             .join(Expert, Expert.id == Nomination.expert_id)
             .join(Institution, Institution.id == Expert.institution_id)
             .where(Nomination.position_id.in_(position_ids), scope)
             .group_by(Nomination.position_id, Nomination.status, Institution.code, Institution.name_en,
                       Institution.name_pl))
    return [(pid, NominationStatus(status), Service(code, name_en, name_pl), n)
            for pid, status, code, name_en, name_pl, n in db.session.execute(query)]


def track(*, scope: ColumnElement, today: date, now: datetime, cfc_id: int | None = None) -> list[CallRow]:
    """The open calls (or the one call `cfc_id`, open or not) by the nearest national deadline, then the EEAS one,
    each with its positions; `scope` is a WHERE clause on experts (the reader's, for aggregates)."""
    query = cfcs(status="" if cfc_id else CfcStatus.OPEN.value, sort="national_deadline")
    if cfc_id is not None:
        query = query.where(Cfc.id == cfc_id)
    query = query.order_by(None).order_by(Cfc.national_deadline, Cfc.eeas_deadline, Cfc.reference, Cfc.id)
    calls = [(row.Cfc, row.Mission) for row in db.session.execute(query)]
    positions = positions_of([cfc.id for cfc, _mission in calls])
    qualify = qualifying(positions, scope=scope, as_of=today)
    rows = {p.id: PositionRow(p, *qualify.get(p.id, (0, 0))) for p in positions}
    for position_id, status, service, n in nomination_counts(list(rows), scope=scope):
        row = rows[position_id]
        row.by_status[status] = row.by_status.get(status, 0) + n
        row.by_service[service] = row.by_service.get(service, 0) + n
    of_call: dict[int, list[PositionRow]] = defaultdict(list)
    for row in rows.values():  # positions_of keeps the order by call, then reference
        of_call[row.position.cfc_id].append(row)
    return [CallRow(cfc, mission, Deadline.of(cfc.national_deadline, WARSAW, today=today, now=now),
                    Deadline.of(cfc.eeas_deadline, BRUSSELS, today=today, now=now), of_call.get(cfc.id, []))
            for cfc, mission in calls]
