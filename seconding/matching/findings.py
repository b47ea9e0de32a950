"""Structured findings: what a rule found, as a sentence code and typed parameters, never as prose.

The rules build `Finding`s (and `Need`s, what a blocker asks for) and the staffing plan builds `Reason`s
for unfilled posts. Each names one sentence by its code; the parameters stay typed (dates, counts, level
and language codes) so every edge renders the sentence in its own language: the pages through the
translation catalogue (seconding.matches.sentences), the command line and the JSON through `english()`
here, whose texts are the stable `detail` of SPEC §6.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

Outcome = Literal["met", "gap", "blocker"]
Param = str | int | date | None
Params = tuple[tuple[str, Param], ...]

# Parameters holding a CEFR level (shown upper case, "native" in words); the others show as they are.
LEVEL_PARAMS = frozenset({"held_level", "needed_level"})


def params(**values: Param) -> Params:
    """Keyword parameters as the hashable tuple the dataclasses keep."""
    return tuple(values.items())


@dataclass(frozen=True)
class Need:
    """What a blocker rule asks for (e.g. language ro at B2), phrased in "no active expert with ..."."""

    code: str
    params: Params = ()

    @property
    def args(self) -> dict[str, Param]:
        """The parameters by name."""
        return dict(self.params)

    @property
    def text(self) -> str:
        """The English phrase (command line, JSON)."""
        return english(NEEDS_EN[self.code], self.args)


@dataclass(frozen=True)
class Finding:
    """One rule checked for one expert and position: rule code, outcome, sentence code and its parameters."""

    rule: str
    outcome: Outcome
    sentence: str
    params: Params = ()
    need: Need | None = None  # what the rule asks for, for blockers

    @property
    def args(self) -> dict[str, Param]:
        """The parameters by name."""
        return dict(self.params)

    @property
    def detail(self) -> str:
        """The English `detail` of SPEC §6 (command line, JSON)."""
        return english(FINDINGS_EN[self.sentence], self.args)


@dataclass(frozen=True)
class Reason:
    """Why posts of a position stay unfilled: sentence code, counts, and the needs that eliminate everyone."""

    code: str
    params: Params = ()
    needs: tuple[Need, ...] = ()

    @property
    def args(self) -> dict[str, Param]:
        """The parameters by name."""
        return dict(self.params)

    @property
    def text(self) -> str:
        """The English reason (command line, JSON)."""
        args = self.args
        template = REASONS_EN[self.code]
        if isinstance(template, tuple):  # singular, plural, counted parameter
            singular, plural, counted = template
            template = singular if args[counted] == 1 else plural
        if self.needs:
            phrases = [n.text for n in self.needs]
            args["needs"] = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        return english(template, args)


def show_level(level: str | None) -> str:
    """A CEFR level as the English texts write it: upper case, or "native"."""
    text = (level or "").strip().upper()
    return "native" if text == "NATIVE" else text


def english(template: str, args: Mapping[str, Param]) -> str:
    """Fill an English template: dates as ISO, CEFR levels upper case, the rest as they are."""
    shown = {
        name: value.isoformat() if isinstance(value, date) else show_level(value) if name in LEVEL_PARAMS
        else value
        for name, value in args.items()
    }
    return template.format(**shown)


# One English sentence per code: the stable `detail` texts of the command line and the JSON.
FINDINGS_EN = {
    "pool_status.active": "active",
    "pool_status.other": "pool status is {pool_status}",
    "busy.deployment": "active deployment until {until}",
    "busy.selection": "selected for position {position} from {start} to {end}",
    "busy.free": "free from {start} to {end}",
    "unavailable.from": "available from {available_from}",
    "unavailable.period": "unavailable {start} to {end} ({reason})",
    "unavailable.available": "available on {start}",
    "language.level": "{language} {held_level}, needs {needed_level}",
    "language.missing": "{language} missing, needs {needed_level}",
    "language.none": "no essential language",
    "clearance.none": "no clearance required",
    "clearance.below": "{held_clearance}, needs {needed_clearance}",
    "clearance.expired": "{held_clearance} expired {expires}, needs valid on {start}",
    "clearance.valid": "{held_clearance} valid on {start}, needs {needed_clearance}",
    "experience.years": "{years} years, needs {needed_years}",
    "driving_licence.none": "no driving licence required",
    "driving_licence.level": "{held_licence}, needs {needed_licence}",
    "course.held": "{course} held",
    "course.missing": "{course} missing",
    "course.valid": "{course} valid to {expires}",
    "course.expired": "{course} expired {expires}",
    "course.expires": "{course} expires {expires}, needs valid on {start}",
    "course.none": "no course required",
    "clearance_expiry.none": "no clearance required",
    "clearance_expiry.no_date": "no expiry date recorded",
    "clearance_expiry.expires": "clearance expires {expires}, needs {end}",
    "clearance_expiry.valid": "clearance valid to {expires}",
    "passport.missing": "no passport recorded, needs {needed_date}",
    "passport.expires": "passport expires {expires}, needs {needed_date}",
    "passport.valid": "passport valid to {expires}",
}

NEEDS_EN = {
    "free": "no clashing deployment or selection",
    "available": "availability on {start}",
    "language": "{language} {needed_level}",
    "clearance": "{needed_clearance} clearance valid on {start}",
    "experience": "{needed_years} years of experience",
    "driving_licence": "a {needed_licence} driving licence",
    "course": "{course}",
    "clearance_expiry": "clearance valid to {end}",
}

REASONS_EN: dict[str, str | tuple[str, str, str]] = {
    "nobody_active": "no active expert in the pool",
    "no_eligible": "no eligible expert",
    "eliminated": "no active expert with {needs}",
    "eliminated_and_more": "no active expert with {needs} (and other requirements)",
    "one_elsewhere": "1 eligible expert, assigned to another position",
    "all_elsewhere": "{eligible} eligible experts, all assigned to other positions",
    "too_few": ("only {eligible} eligible expert for {posts} posts",
                "only {eligible} eligible experts for {posts} posts", "eligible"),
    "split": ("{eligible} eligible expert: {here} assigned here, {elsewhere} to other positions",
              "{eligible} eligible experts: {here} assigned here, {elsewhere} to other positions", "eligible"),
}

NO_ELIGIBLE = Reason("no_eligible")
