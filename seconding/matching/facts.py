"""Plain facts the matching rules read, and the orders of their levels (SPEC §4, §6).

The database layer builds these; nothing here knows about Flask or the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Outcome = Literal["met", "gap", "blocker"]
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
    tour_months: int = 12
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
class Finding:
    """One rule checked for one expert and position; `requirement` phrases what the rule asks for."""

    rule: str
    outcome: Outcome
    detail: str
    requirement: str = ""


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
