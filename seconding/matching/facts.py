"""Plain facts the matching rules read, and the orders of their levels (SPEC §4, §6).

The database layer builds these; nothing here knows about Flask or the session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from seconding.matching.findings import Finding

Status = Literal["eligible", "gaps", "ineligible"]

# CEFR levels; native counts as above C2 (SPEC §6 blocker 4). 0 = the language is not held.
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "NATIVE")
# Clearance levels in order, with the EU and Polish names SPEC §6 treats as the same levels.
CLEARANCE_LEVELS = ("NONE", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET")
_CLEARANCE_ALIASES = {
    "RESTREINT UE": 1, "ZASTRZEŻONE": 1,
    "CONFIDENTIEL UE": 2, "POUFNE": 2,
    "SECRET UE": 3, "TAJNE": 3,
    "TRES SECRET UE": 4, "TRÈS SECRET UE": 4, "ŚCIŚLE TAJNE": 4, "TOP SECRET": 4,
}
DRIVING_LICENCES = ("NONE", "B", "B_4X4")
# A standard tour (SPEC §4), in months: a position's unless it says otherwise, and the readiness report's.
STANDARD_TOUR_MONTHS = 12


def cefr_rank(level: str | None) -> int:
    """Order of a language level: 0 for none, A1=1 .. C2=6, native=7."""
    if level is None or not level.strip():
        return 0
    return CEFR_LEVELS.index(level.strip().upper()) + 1


def clearance_rank(level: str | None) -> int:
    """Order of a clearance level: NONE=0 < RESTRICTED < CONFIDENTIAL < SECRET < TOP_SECRET=4."""
    if level is None or not level.strip():
        return 0
    name = level.strip().upper()
    if name in CLEARANCE_LEVELS:
        return CLEARANCE_LEVELS.index(name)
    return _CLEARANCE_ALIASES[name]


def licence_rank(licence: str | None) -> int:
    """Order of a driving licence: NONE=0 < B=1 < B_4X4=2 (a 4x4 licence includes B)."""
    if licence is None or not licence.strip():
        return 0
    return DRIVING_LICENCES.index(licence.strip().upper())


@dataclass(frozen=True)
class ExpertFacts:
    """What matching needs to know about one expert of the pool."""

    id: int
    institution: str
    external_id: str
    given_name: str
    family_name: str
    pool_status: str = "active"
    available_from: date | None = None
    unavailability: tuple[tuple[date, date, str], ...] = ()
    languages: Mapping[str, str] = field(default_factory=dict)
    clearance_level: str = "NONE"
    clearance_expires: date | None = None
    passport_expires: date | None = None
    driving_licence: str = "NONE"
    experience_years: int = 0
    expertise_primary: str | None = None
    expertise_secondary: frozenset[str] = frozenset()
    short_notice: bool = False
    trainings: Mapping[str, tuple[date | None, ...]] = field(default_factory=dict)
    active_deployment_ends: tuple[date, ...] = ()
    selections: tuple[tuple[int, date, date], ...] = ()
    past_missions: frozenset[str] = frozenset()
    past_countries: frozenset[str] = frozenset()


# A date as the database layer has it: a `date`, or ISO text (SQLite); None or "" for no date.
Day = date | str | None


@dataclass(frozen=True)
class Held:
    """Things experts hold a few of (languages, courses, ...), flattened: expert row, code and value of each."""

    rows: Sequence[int] = ()
    codes: Sequence[str] = ()
    values: Sequence = ()


@dataclass(frozen=True)
class Periods:
    """Date ranges experts have a few of, flattened: expert row, start and end (and position, for selections)."""

    rows: Sequence[int] = ()
    starts: Sequence[Day] = ()
    ends: Sequence[Day] = ()
    positions: Sequence[int] = ()


@dataclass(frozen=True)
class PoolColumns:
    """The facts of a pool column by column, values as stored (level names, `Day`s), one row per expert.

    The database layer fills these straight from its rows, so screening a pool never builds an
    `ExpertFacts` per expert; `experts(rows)` gives the full facts of the few experts a page shows.
    """

    ids: Sequence[int]
    family_names: Sequence[str]
    pool_statuses: Sequence[str]
    available_from: Sequence[Day]
    clearance_levels: Sequence[str]
    clearance_expires: Sequence[Day]
    passport_expires: Sequence[Day]
    driving_licences: Sequence[str]
    experience_years: Sequence[int]
    short_notice: Sequence[bool]
    latest_deployment_end: Sequence[Day]  # of the expert's active deployments
    languages: Held  # code, level
    expertise: Held  # area code, True for the primary area
    trainings: Held  # course code, expiry of one record (None: does not expire)
    unavailability: Periods
    selections: Periods
    past_missions: Held  # mission, no value
    past_countries: Held  # host country, no value
    experts: Callable[[Sequence[int]], list[ExpertFacts]]  # the full facts of the experts in these rows

    @classmethod
    def of_experts(cls, experts: Sequence[ExpertFacts]) -> PoolColumns:
        """Columns of facts already built one expert at a time (tests, small pools)."""
        ex = tuple(experts)

        def held(items: list[tuple]) -> Held:
            return Held(*zip(*items)) if items else Held()

        def periods(items: list[tuple]) -> Periods:
            return Periods(*zip(*items)) if items else Periods()

        return cls(
            ids=[e.id for e in ex], family_names=[e.family_name for e in ex],
            pool_statuses=[e.pool_status for e in ex], available_from=[e.available_from for e in ex],
            clearance_levels=[e.clearance_level for e in ex], clearance_expires=[e.clearance_expires for e in ex],
            passport_expires=[e.passport_expires for e in ex], driving_licences=[e.driving_licence for e in ex],
            experience_years=[e.experience_years for e in ex], short_notice=[e.short_notice for e in ex],
            latest_deployment_end=[max(e.active_deployment_ends, default=None) for e in ex],
            languages=held([(i, code, level) for i, e in enumerate(ex) for code, level in e.languages.items()]),
            expertise=held([(i, e.expertise_primary, True) for i, e in enumerate(ex) if e.expertise_primary]
                           + [(i, code, False) for i, e in enumerate(ex) for code in e.expertise_secondary]),
            trainings=held([(i, code, expires) for i, e in enumerate(ex) for code, expiries in e.trainings.items()
                            for expires in expiries]),
            unavailability=periods([(i, s, t) for i, e in enumerate(ex) for s, t, _ in e.unavailability]),
            selections=periods([(i, s, t, p) for i, e in enumerate(ex) for p, s, t in e.selections]),
            past_missions=held([(i, m, None) for i, e in enumerate(ex) for m in e.past_missions]),
            past_countries=held([(i, c, None) for i, e in enumerate(ex) for c in e.past_countries]),
            experts=lambda rows: [ex[row] for row in rows],
        )


@dataclass(frozen=True)
class PositionFacts:
    """What matching needs to know about one position of a CfC."""

    id: int
    cfc_ref: str
    position_ref: str
    title: str
    mission: str
    host_country: str
    available_on: date | None = None
    tour_months: int = STANDARD_TOUR_MONTHS
    posts: int = 1
    clearance_level: str = "NONE"
    min_experience_years: int = 0
    languages_essential: Mapping[str, str] = field(default_factory=dict)
    languages_desirable: Mapping[str, str] = field(default_factory=dict)
    expertise: str | None = None
    driving_licence: str = "NONE"
    courses_required: tuple[str, ...] = ()
    courses_desirable: tuple[str, ...] = ()

    @property
    def asap(self) -> bool:
        """True for a position available as soon as possible (no available-on date)."""
        return self.available_on is None


@dataclass(frozen=True)
class Weights:
    """Score weights of SPEC §6; configuration may override any of them."""

    experience_per_year: int = 3
    experience_cap: int = 30
    expertise_primary: int = 25
    expertise_secondary: int = 10
    language_desirable: int = 10
    language_desirable_cap: int = 20
    earlier_deployment: int = 10
    same_mission_or_country: int = 5
    course_desirable: int = 5
    course_desirable_cap: int = 10
    short_notice_asap: int = 5
    gap_penalty: int = 10
    max_score: int = 100


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Evaluation:
    """Every finding for one expert and one position, with the resulting status and score."""

    expert_id: int
    position_id: int
    status: Status
    score: int
    findings: tuple[Finding, ...]

    @property
    def blockers(self) -> tuple[Finding, ...]:
        """Findings that make the expert ineligible."""
        return tuple(f for f in self.findings if f.outcome == "blocker")

    @property
    def gaps(self) -> tuple[Finding, ...]:
        """Findings that must be dealt with before deployment."""
        return tuple(f for f in self.findings if f.outcome == "gap")
