"""The blockers and gaps of SPEC §6, one small function per rule, for one expert and one position.

Every rule yields at least one finding (met, gap or blocker), so a match view can show each rule.
Languages and courses yield one finding per language or course. Dates of expiry are the last day
of validity (see `seconding.dates.valid_on`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from seconding.dates import add_months, asap_start, valid_on
from seconding.matching.facts import (
    DEFAULT_WEIGHTS,
    Evaluation,
    ExpertFacts,
    Finding,
    PositionFacts,
    Weights,
    cefr_rank,
    clearance_rank,
    licence_rank,
)
from seconding.matching.scoring import score_components, total_score

__all__ = ["cefr_rank", "clearance_rank", "evaluate", "licence_rank", "position_window", "required_courses"]

Window = tuple[date, date]
PASSPORT_MARGIN_MONTHS = 6


def position_window(position: PositionFacts, as_of: date) -> Window:
    """Start S (available-on, or as-of + 30 days for ASAP) and tour end E = S + tour length."""
    start = position.available_on if position.available_on is not None else asap_start(as_of)
    return start, add_months(start, position.tour_months)


def required_courses(position: PositionFacts, mandatory_courses: Sequence[str]) -> tuple[str, ...]:
    """Mandatory courses then the position's extra required ones, each once."""
    return tuple(dict.fromkeys([*mandatory_courses, *position.courses_required]))


def _show(level: str) -> str:
    return "native" if cefr_rank(level) == 7 else level.strip().upper()


def _level(code: str, level: str | None) -> str:
    return f"{code} {_show(level)}" if level else f"{code} missing"


# --- what each blocker asks for, phrased for "no active expert with ..." (shared with screen.py) -------


NEED_FREE = "no clashing deployment or selection"


def need_availability(start: date) -> str:
    """Requirement phrase of the `unavailable` rule."""
    return f"availability on {start}"


def need_language(code: str, level: str) -> str:
    """Requirement phrase of the `language` rule for one language."""
    return _level(code, level)


def need_clearance(level: str, start: date) -> str:
    """Requirement phrase of the `clearance` rule."""
    return f"{level} clearance valid on {start}"


def need_experience(years: int) -> str:
    """Requirement phrase of the `experience` rule."""
    return f"{years} years of experience"


def need_licence(licence: str) -> str:
    """Requirement phrase of the `driving_licence` rule."""
    return f"a {licence} driving licence"


# --- blockers -------------------------------------------------------------------------------------


def rule_pool_status(expert: ExpertFacts) -> list[Finding]:
    """Blocker 1: the pool status is not active."""
    if expert.pool_status == "active":
        return [Finding("pool_status", "met", "active", "active")]
    return [Finding("pool_status", "blocker", f"pool status is {expert.pool_status}", "active")]


def rule_busy(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Blocker 2: an active deployment ending after S, or a selection for another position overlapping."""
    start, end = window
    need = NEED_FREE
    found = [
        Finding("busy", "blocker", f"active deployment until {until}", need)
        for until in sorted(expert.active_deployment_ends)
        if until > start
    ]
    # Periods touch without overlapping when one ends on the day the other starts, as a deployment
    # ending on S does not block: so the overlap test is strict at both ends.
    found += [
        Finding("busy", "blocker", f"selected for position {pid} from {s} to {e}", need)
        for pid, s, e in expert.selections
        if pid != position.id and s < end and e > start
    ]
    return found or [Finding("busy", "met", f"free from {start} to {end}", need)]


def rule_unavailable(expert: ExpertFacts, window: Window) -> list[Finding]:
    """Blocker 3: available-from after S, or an unavailability period covering S."""
    start = window[0]
    need = need_availability(start)
    found = []
    if expert.available_from is not None and expert.available_from > start:
        found.append(Finding("unavailable", "blocker", f"available from {expert.available_from}", need))
    found += [
        Finding("unavailable", "blocker", f"unavailable {s} to {e} ({reason})", need)
        for s, e, reason in expert.unavailability
        if s <= start <= e
    ]
    return found or [Finding("unavailable", "met", f"available on {start}", need)]


def rule_language(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 4: an essential language below the required level (native above C2)."""
    found = []
    for code, needed in position.languages_essential.items():
        held = expert.languages.get(code)
        ok = cefr_rank(held) >= cefr_rank(needed)
        detail = f"{_level(code, held)}, needs {_show(needed)}"
        found.append(Finding("language", "met" if ok else "blocker", detail, need_language(code, needed)))
    return found or [Finding("language", "met", "no essential language")]


def rule_clearance(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Blocker 5: clearance below the required level, or a required clearance expired before S."""
    needed = clearance_rank(position.clearance_level)
    if needed == 0:
        return [Finding("clearance", "met", "no clearance required")]
    start, level = window[0], expert.clearance_level
    need = need_clearance(position.clearance_level, start)
    if clearance_rank(level) < needed:
        return [Finding("clearance", "blocker", f"{level}, needs {position.clearance_level}", need)]
    if not valid_on(expert.clearance_expires, start):
        detail = f"{level} expired {expert.clearance_expires}, needs valid on {start}"
        return [Finding("clearance", "blocker", detail, need)]
    return [Finding("clearance", "met", f"{level} valid on {start}, needs {position.clearance_level}", need)]


def rule_experience(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 6: fewer years of experience than the minimum."""
    years, needed = expert.experience_years, position.min_experience_years
    ok = years >= needed
    detail = f"{years} years, needs {needed}"
    return [Finding("experience", "met" if ok else "blocker", detail, need_experience(needed))]


def rule_driving_licence(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 7: a licence is required and the expert has none, or only B where 4x4 is needed."""
    if licence_rank(position.driving_licence) == 0:
        return [Finding("driving_licence", "met", "no driving licence required")]
    ok = licence_rank(expert.driving_licence) >= licence_rank(position.driving_licence)
    detail = f"{expert.driving_licence}, needs {position.driving_licence}"
    need = need_licence(position.driving_licence)
    return [Finding("driving_licence", "met" if ok else "blocker", detail, need)]


# --- gaps -----------------------------------------------------------------------------------------


def rule_course(expert: ExpertFacts, courses: Sequence[str], window: Window, as_of: date) -> list[Finding]:
    """Gap 1: a mandatory or required course is missing or not valid on S."""
    start = window[0]
    found = []
    for code in courses:
        expiries = expert.trainings.get(code, ())
        if any(e is None for e in expiries):
            found.append(Finding("course", "met", f"{code} held", code))
            continue
        last = max(expiries, default=None)  # every record has an expiry here
        if last is None:
            found.append(Finding("course", "gap", f"{code} missing", code))
        elif last >= start:
            found.append(Finding("course", "met", f"{code} valid to {last}", code))
        elif last < as_of:
            found.append(Finding("course", "gap", f"{code} expired {last}", code))
        else:
            found.append(Finding("course", "gap", f"{code} expires {last}, needs valid on {start}", code))
    return found or [Finding("course", "met", "no course required")]


def rule_clearance_expiry(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Gap 2: the position requires a clearance and the expert's expires before E."""
    if clearance_rank(position.clearance_level) == 0:
        return [Finding("clearance_expiry", "met", "no clearance required")]
    expires, end = expert.clearance_expires, window[1]
    if expires is None:
        # Without an expiry date the clearance does not run out (the register requires one for any level).
        return [Finding("clearance_expiry", "met", "no expiry date recorded")]
    if expires < end:
        detail = f"clearance expires {expires}, needs {end}"
        return [Finding("clearance_expiry", "gap", detail, f"clearance valid to {end}")]
    return [Finding("clearance_expiry", "met", f"clearance valid to {expires}")]


def rule_passport(expert: ExpertFacts, window: Window) -> list[Finding]:
    """Gap 3: the passport is missing or expires before E + 6 months."""
    needed = add_months(window[1], PASSPORT_MARGIN_MONTHS)
    expires = expert.passport_expires
    if expires is None:
        return [Finding("passport", "gap", f"no passport recorded, needs {needed}")]
    if expires < needed:
        return [Finding("passport", "gap", f"passport expires {expires}, needs {needed}")]
    return [Finding("passport", "met", f"passport valid to {expires}")]


def evaluate(
    expert: ExpertFacts,
    position: PositionFacts,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
) -> Evaluation:
    """Check every rule of SPEC §6 for one expert and one position, and score the pair."""
    window = position_window(position, as_of)
    findings = [
        *rule_pool_status(expert),
        *rule_busy(expert, position, window),
        *rule_unavailable(expert, window),
        *rule_language(expert, position),
        *rule_clearance(expert, position, window),
        *rule_experience(expert, position),
        *rule_driving_licence(expert, position),
        *rule_course(expert, required_courses(position, mandatory_courses), window, as_of),
        *rule_clearance_expiry(expert, position, window),
        *rule_passport(expert, window),
    ]
    gaps = sum(1 for f in findings if f.outcome == "gap")
    if any(f.outcome == "blocker" for f in findings):
        status = "ineligible"
    else:
        status = "gaps" if gaps else "eligible"
    score = total_score(score_components(expert, position, window[0], weights), gaps, weights)
    return Evaluation(expert.id, position.id, status, score, tuple(findings))
