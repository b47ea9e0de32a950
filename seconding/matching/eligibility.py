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
    PositionFacts,
    Weights,
    cefr_rank,
    clearance_rank,
    licence_rank,
)
from seconding.matching.findings import Finding, Need, Outcome, Param, params
from seconding.matching.scoring import score_components, total_score

__all__ = ["cefr_rank", "clearance_rank", "evaluate", "licence_rank", "passport_needed", "position_window",
           "required_courses", "tour_window"]

Window = tuple[date, date]
PASSPORT_MARGIN_MONTHS = 6


def tour_window(start: date, months: int) -> Window:
    """A tour starting on S: S and its end E = S + `months` (calendar months, `seconding.dates.add_months`)."""
    return start, add_months(start, months)


def position_window(position: PositionFacts, as_of: date) -> Window:
    """Start S (available-on, or as-of + 30 days for ASAP) and tour end E = S + tour length."""
    start = position.available_on if position.available_on is not None else asap_start(as_of)
    return tour_window(start, position.tour_months)


def passport_needed(end: date) -> date:
    """The last day a passport must still be valid on for a tour ending on `end`: E + 6 months (gap 3).

    Counted from E, not from S + 18 months: the two differ when S is 29 February (S + 12 months is 28 February)."""
    return add_months(end, PASSPORT_MARGIN_MONTHS)


def required_courses(position: PositionFacts, mandatory_courses: Sequence[str]) -> tuple[str, ...]:
    """Mandatory courses then the position's extra required ones, each once."""
    return tuple(dict.fromkeys([*mandatory_courses, *position.courses_required]))


# --- what each blocker asks for, for "no active expert with ..." (shared with screen.py) --------------


NEED_FREE = Need("free")


def need_availability(start: date) -> Need:
    """Requirement of the `unavailable` rule."""
    return Need("available", params(start=start))


def need_language(code: str, level: str) -> Need:
    """Requirement of the `language` rule for one language."""
    return Need("language", params(language=code, needed_level=level))


def need_clearance(level: str, start: date) -> Need:
    """Requirement of the `clearance` rule."""
    return Need("clearance", params(needed_clearance=level, start=start))


def need_experience(years: int) -> Need:
    """Requirement of the `experience` rule."""
    return Need("experience", params(needed_years=years))


def need_licence(licence: str) -> Need:
    """Requirement of the `driving_licence` rule."""
    return Need("driving_licence", params(needed_licence=licence))


def _found(rule: str, outcome: Outcome, sentence: str, need: Need | None = None, **values: Param) -> Finding:
    return Finding(rule, outcome, f"{rule}.{sentence}", params(**values), need)


# --- blockers -------------------------------------------------------------------------------------


def rule_pool_status(expert: ExpertFacts) -> list[Finding]:
    """Blocker 1: the pool status is not active."""
    if expert.pool_status == "active":
        return [_found("pool_status", "met", "active")]
    return [_found("pool_status", "blocker", "other", pool_status=expert.pool_status)]


def rule_busy(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Blocker 2: an active deployment ending after S, or a selection for another position overlapping."""
    start, end = window
    found = [
        _found("busy", "blocker", "deployment", NEED_FREE, until=until)
        for until in sorted(expert.active_deployment_ends)
        if until > start
    ]
    # Periods touch without overlapping when one ends on the day the other starts, as a deployment
    # ending on S does not block: so the overlap test is strict at both ends.
    found += [
        _found("busy", "blocker", "selection", NEED_FREE, position=pid, start=s, end=e)
        for pid, s, e in expert.selections
        if pid != position.id and s < end and e > start
    ]
    return found or [_found("busy", "met", "free", NEED_FREE, start=start, end=end)]


def rule_unavailable(expert: ExpertFacts, window: Window) -> list[Finding]:
    """Blocker 3: available-from after S, or an unavailability period covering S."""
    start = window[0]
    need = need_availability(start)
    found = []
    if expert.available_from is not None and expert.available_from > start:
        found.append(_found("unavailable", "blocker", "from", need, available_from=expert.available_from))
    found += [
        _found("unavailable", "blocker", "period", need, start=s, end=e, reason=reason)
        for s, e, reason in expert.unavailability
        if s <= start <= e
    ]
    return found or [_found("unavailable", "met", "available", need, start=start)]


def rule_language(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 4: an essential language below the required level (native above C2)."""
    found = []
    for code, needed in position.languages_essential.items():
        held = expert.languages.get(code)
        outcome = "met" if cefr_rank(held) >= cefr_rank(needed) else "blocker"
        need = need_language(code, needed)
        if held:
            found.append(_found("language", outcome, "level", need, language=code, held_level=held,
                                needed_level=needed))
        else:
            found.append(_found("language", outcome, "missing", need, language=code, needed_level=needed))
    return found or [_found("language", "met", "none")]


def rule_clearance(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Blocker 5: clearance below the required level, or a required clearance expired before S."""
    needed = clearance_rank(position.clearance_level)
    if needed == 0:
        return [_found("clearance", "met", "none")]
    start, level = window[0], expert.clearance_level
    need = need_clearance(position.clearance_level, start)
    if clearance_rank(level) < needed:
        return [_found("clearance", "blocker", "below", need, held_clearance=level,
                       needed_clearance=position.clearance_level)]
    if not valid_on(expert.clearance_expires, start):
        return [_found("clearance", "blocker", "expired", need, held_clearance=level,
                       expires=expert.clearance_expires, start=start)]
    return [_found("clearance", "met", "valid", need, held_clearance=level, start=start,
                   needed_clearance=position.clearance_level)]


def rule_experience(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 6: fewer years of experience than the minimum."""
    years, needed = expert.experience_years, position.min_experience_years
    outcome = "met" if years >= needed else "blocker"
    return [_found("experience", outcome, "years", need_experience(needed), years=years, needed_years=needed)]


def rule_driving_licence(expert: ExpertFacts, position: PositionFacts) -> list[Finding]:
    """Blocker 7: a licence is required and the expert has none, or only B where 4x4 is needed."""
    if licence_rank(position.driving_licence) == 0:
        return [_found("driving_licence", "met", "none")]
    ok = licence_rank(expert.driving_licence) >= licence_rank(position.driving_licence)
    return [_found("driving_licence", "met" if ok else "blocker", "level", need_licence(position.driving_licence),
                   held_licence=expert.driving_licence, needed_licence=position.driving_licence)]


# --- gaps -----------------------------------------------------------------------------------------


def rule_course(expert: ExpertFacts, courses: Sequence[str], window: Window, as_of: date) -> list[Finding]:
    """Gap 1: a mandatory or required course is missing or not valid on S."""
    start = window[0]
    found = []
    for code in courses:
        need = Need("course", params(course=code))
        expiries = expert.trainings.get(code, ())
        if any(e is None for e in expiries):
            found.append(_found("course", "met", "held", need, course=code))
            continue
        last = max(expiries, default=None)  # every record has an expiry here
        if last is None:
            found.append(_found("course", "gap", "missing", need, course=code))
        elif last >= start:
            found.append(_found("course", "met", "valid", need, course=code, expires=last))
        elif last < as_of:
            found.append(_found("course", "gap", "expired", need, course=code, expires=last))
        else:
            found.append(_found("course", "gap", "expires", need, course=code, expires=last, start=start))
    return found or [_found("course", "met", "none")]


def rule_clearance_expiry(expert: ExpertFacts, position: PositionFacts, window: Window) -> list[Finding]:
    """Gap 2: the position requires a clearance and the expert's expires before E."""
    if clearance_rank(position.clearance_level) == 0:
        return [_found("clearance_expiry", "met", "none")]
    expires, end = expert.clearance_expires, window[1]
    if expires is None:
        # Without an expiry date the clearance does not run out (the register requires one for any level).
        return [_found("clearance_expiry", "met", "no_date")]
    if expires < end:
        need = Need("clearance_expiry", params(end=end))
        return [_found("clearance_expiry", "gap", "expires", need, expires=expires, end=end)]
    return [_found("clearance_expiry", "met", "valid", expires=expires)]


def rule_passport(expert: ExpertFacts, window: Window) -> list[Finding]:
    """Gap 3: the passport is missing or expires before E + 6 months."""
    needed = passport_needed(window[1])
    expires = expert.passport_expires
    if expires is None:
        return [_found("passport", "gap", "missing", needed_date=needed)]
    if expires < needed:
        return [_found("passport", "gap", "expires", expires=expires, needed_date=needed)]
    return [_found("passport", "met", "valid", expires=expires)]


def evaluate(
    expert: ExpertFacts,
    position: PositionFacts,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
    window: Window | None = None,
) -> Evaluation:
    """Check every rule of SPEC §6 for one expert and one position, and score the pair.

    `window` is `position_window(position, as_of)`, given when the caller has computed it already."""
    window = window or position_window(position, as_of)
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
