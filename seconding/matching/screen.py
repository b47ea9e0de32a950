"""The rules of SPEC §6 for one position over the whole pool at once, with numpy.

`ExpertTable` turns the pool into arrays once; `screen()` then answers status and score for every
expert in a few array operations. It must agree exactly with `eligibility.evaluate()` (a test checks
every pair); only the experts a page shows get a full `evaluate()` for their findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from seconding.dates import add_months
from seconding.matching.eligibility import (
    NEED_FREE,
    PASSPORT_MARGIN_MONTHS,
    evaluate,
    need_availability,
    need_clearance,
    need_experience,
    need_language,
    need_licence,
    position_window,
    required_courses,
)
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

ELIGIBLE, GAPS, INELIGIBLE = 0, 1, 2
STATUS_NAMES = ("eligible", "gaps", "ineligible")
NEVER = date.max.toordinal()  # expiry of something that does not expire
MISSING = 0  # expiry of something not held: before every real date


def _vocabulary(values: Sequence[str]) -> dict[str, int]:
    return {code: i for i, code in enumerate(sorted(set(values)))}


def _flags(rows: list[Sequence[str]], vocabulary: dict[str, int]) -> np.ndarray:
    """Boolean matrix experts x vocabulary from each expert's codes."""
    out = np.zeros((len(rows), max(1, len(vocabulary))), dtype=bool)
    cells = [(i, vocabulary[c]) for i, codes in enumerate(rows) if codes for c in codes]
    if cells:  # one fancy-index assignment instead of one per expert (most have no such codes)
        rows_index, columns = zip(*cells)
        out[list(rows_index), list(columns)] = True
    return out


class ExpertTable:
    """The pool as numpy arrays: one row per expert, dates as ordinals."""

    def __init__(self, experts: Sequence[ExpertFacts]) -> None:
        ex = self.experts = tuple(experts)
        n = len(ex)
        self.ids = np.array([e.id for e in ex], dtype=np.int64)
        self.row = {e.id: i for i, e in enumerate(ex)}
        self.active = np.array([e.pool_status == "active" for e in ex], dtype=bool)
        self.available_from = np.array(
            [e.available_from.toordinal() if e.available_from else MISSING for e in ex], dtype=np.int64
        )
        self.deployment_end = np.array(
            [max((d.toordinal() for d in e.active_deployment_ends), default=MISSING) for e in ex], dtype=np.int64
        )
        # Periods and selections are few per expert: keep them as flat lists of (row, ...) rows.
        unav = [(i, s.toordinal(), t.toordinal()) for i, e in enumerate(ex) for s, t, _ in e.unavailability]
        self.unav_row, self.unav_start, self.unav_end = np.array(unav, dtype=np.int64).reshape(-1, 3).T
        sel = [(i, p, s.toordinal(), t.toordinal()) for i, e in enumerate(ex) for p, s, t in e.selections]
        sel_columns = np.array(sel, dtype=np.int64).reshape(-1, 4).T
        self.sel_row, self.sel_position, self.sel_start, self.sel_end = sel_columns
        self.clearance = np.array([clearance_rank(e.clearance_level) for e in ex], dtype=np.int8)
        self.clearance_expires = np.array(
            [e.clearance_expires.toordinal() if e.clearance_expires else NEVER for e in ex], dtype=np.int64
        )
        self.passport_expires = np.array(
            [e.passport_expires.toordinal() if e.passport_expires else MISSING for e in ex], dtype=np.int64
        )
        self.licence = np.array([licence_rank(e.driving_licence) for e in ex], dtype=np.int8)
        self.experience = np.array([e.experience_years for e in ex], dtype=np.int64)
        self.short_notice = np.array([e.short_notice for e in ex], dtype=bool)
        self.has_earlier = np.array([bool(e.past_missions or e.past_countries) for e in ex], dtype=bool)

        self.language_col = _vocabulary([c for e in ex for c in e.languages])
        self.languages = np.zeros((n, max(1, len(self.language_col))), dtype=np.int8)
        for i, e in enumerate(ex):
            for code, level in e.languages.items():
                self.languages[i, self.language_col[code]] = cefr_rank(level)

        self.expertise_col = _vocabulary(
            [c for e in ex for c in (*e.expertise_secondary, *filter(None, [e.expertise_primary]))]
        )
        self.primary = np.array([self.expertise_col.get(e.expertise_primary, -1) for e in ex], dtype=np.int64)
        self.secondary = _flags([tuple(e.expertise_secondary) for e in ex], self.expertise_col)
        self.mission_col = _vocabulary([m for e in ex for m in e.past_missions])
        self.past_missions = _flags([tuple(e.past_missions) for e in ex], self.mission_col)
        self.country_col = _vocabulary([c for e in ex for c in e.past_countries])
        self.past_countries = _flags([tuple(e.past_countries) for e in ex], self.country_col)

        # Best expiry per course: NEVER if a record does not expire, MISSING if no record.
        self.course_col = _vocabulary([c for e in ex for c in e.trainings])
        self.course_expires = np.full((n, max(1, len(self.course_col))), MISSING, dtype=np.int64)
        for i, e in enumerate(ex):
            for code, expiries in e.trainings.items():
                best = max((NEVER if x is None else x.toordinal() for x in expiries), default=MISSING)
                self.course_expires[i, self.course_col[code]] = best

        # Rank of each family name in case-insensitive order (equal names, equal rank) for the ranking.
        names = np.array([e.family_name.casefold() for e in ex] or [""], dtype=str)
        self.family_order = np.unique(names, return_inverse=True)[1].reshape(-1)[:n].astype(np.int64)

    def __len__(self) -> int:
        return len(self.experts)

    def _column(self, matrix: np.ndarray, vocabulary: dict[str, int], code: str, absent: int) -> np.ndarray:
        if code in vocabulary:
            return matrix[:, vocabulary[code]]
        return np.full(len(self), absent, dtype=matrix.dtype)

    def language(self, code: str) -> np.ndarray:
        """Level rank of `code` for every expert (0 = not held)."""
        return self._column(self.languages, self.language_col, code, 0)

    def past_mission(self, mission: str) -> np.ndarray:
        """Boolean per expert: an earlier deployment in `mission`."""
        return self._column(self.past_missions, self.mission_col, mission, 0)

    def past_country(self, country: str) -> np.ndarray:
        """Boolean per expert: an earlier deployment in `country`."""
        return self._column(self.past_countries, self.country_col, country, 0)

    def course(self, code: str) -> np.ndarray:
        """Best expiry ordinal of `code` for every expert."""
        return self._column(self.course_expires, self.course_col, code, MISSING)

    def owners(self, rows: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Boolean per expert: one of the flat periods selected by `keep` belongs to that expert."""
        out = np.zeros(len(self), dtype=bool)
        out[rows[keep]] = True
        return out


def blocker_masks(
    table: ExpertTable, position: PositionFacts, start: date, end: date
) -> list[tuple[str, str, np.ndarray]]:
    """(rule, requirement, experts it blocks) for every blocker of SPEC §6 except pool status."""
    s, e = start.toordinal(), end.toordinal()
    t = table
    # Same strict overlap as eligibility.rule_busy: touching periods do not clash.
    clash = (t.sel_position != position.id) & (t.sel_start < e) & (t.sel_end > s)
    busy = (t.deployment_end > s) | t.owners(t.sel_row, clash)
    covers = (t.unav_start <= s) & (t.unav_end >= s)
    unavailable = (t.available_from > s) | t.owners(t.unav_row, covers)
    masks = [("busy", NEED_FREE, busy), ("unavailable", need_availability(start), unavailable)]
    for code, level in position.languages_essential.items():
        masks.append(("language", need_language(code, level), t.language(code) < cefr_rank(level)))
    needed = clearance_rank(position.clearance_level)
    if needed:
        low = (t.clearance < needed) | (t.clearance_expires < s)
        masks.append(("clearance", need_clearance(position.clearance_level, start), low))
    masks.append(("experience", need_experience(position.min_experience_years),
                  t.experience < position.min_experience_years))
    if licence_rank(position.driving_licence):
        masks.append(("driving_licence", need_licence(position.driving_licence),
                      t.licence < licence_rank(position.driving_licence)))
    return masks


def _gap_counts(
    t: ExpertTable, position: PositionFacts, mandatory_courses: Sequence[str], start: date, end: date
) -> np.ndarray:
    """Gaps per expert, as eligibility.rule_course, rule_clearance_expiry and rule_passport count them."""
    gaps = np.zeros(len(t), dtype=np.int64)
    for code in required_courses(position, mandatory_courses):
        gaps += t.course(code) < start.toordinal()
    if clearance_rank(position.clearance_level):
        gaps += t.clearance_expires < end.toordinal()
    gaps += t.passport_expires < add_months(end, PASSPORT_MARGIN_MONTHS).toordinal()
    return gaps


def _points(t: ExpertTable, position: PositionFacts, start: date, w: Weights) -> np.ndarray:
    """Score points per expert before the cap and gap penalty, as scoring.score_components."""
    beyond = np.maximum(0, t.experience - position.min_experience_years)
    points = np.minimum(w.experience_cap, w.experience_per_year * beyond)
    if position.expertise in t.expertise_col:
        col = t.expertise_col[position.expertise]
        secondary = np.where(t.secondary[:, col], w.expertise_secondary, 0)
        points += np.where(t.primary == col, w.expertise_primary, secondary)
    held = np.zeros(len(t), dtype=np.int64)
    for code, level in position.languages_desirable.items():
        held += t.language(code) >= cefr_rank(level)
    points += np.minimum(w.language_desirable_cap, w.language_desirable * held)
    same = t.past_mission(position.mission) | t.past_country(position.host_country)
    bonus = np.where(same, w.same_mission_or_country, 0)
    points += np.where(t.has_earlier, w.earlier_deployment + bonus, 0)
    courses = np.zeros(len(t), dtype=np.int64)
    for code in position.courses_desirable:
        courses += t.course(code) >= start.toordinal()
    points += np.minimum(w.course_desirable_cap, w.course_desirable * courses)
    if position.asap:
        points += np.where(t.short_notice, w.short_notice_asap, 0)
    return points


def screen_detail(
    table: ExpertTable,
    position: PositionFacts,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status code, score and number of gaps of every expert of `table` for `position`."""
    start, end = position_window(position, as_of)
    blocked = ~table.active
    for _, _, mask in blocker_masks(table, position, start, end):
        blocked |= mask
    gaps = _gap_counts(table, position, mandatory_courses, start, end)
    points = _points(table, position, start, weights)
    score = np.maximum(0, np.minimum(weights.max_score, points) - weights.gap_penalty * gaps)
    status = np.where(blocked, INELIGIBLE, np.where(gaps > 0, GAPS, ELIGIBLE)).astype(np.int8)
    return status, score, gaps


def screen(
    table: ExpertTable,
    position: PositionFacts,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[np.ndarray, np.ndarray]:
    """Status code (ELIGIBLE, GAPS, INELIGIBLE) and score of every expert of `table` for `position`."""
    status, score, _ = screen_detail(
        table, position, as_of=as_of, mandatory_courses=mandatory_courses, weights=weights
    )
    return status, score


def ranked_rows(
    table: ExpertTable,
    status: np.ndarray,
    score: np.ndarray,
    gaps: np.ndarray,
    *,
    limit: int | None = None,
    include_ineligible: bool = False,
) -> np.ndarray:
    """Rows of `table` in the ranking order of SPEC §6, the first `limit` of them."""
    rows = np.arange(len(table)) if include_ineligible else np.flatnonzero(status != INELIGIBLE)
    if limit is not None and len(rows) > limit:
        # Keep everything tied with the limit-th row on (status, score, gaps) before the full sort.
        coarse = status[rows].astype(np.int64) * 10**9 - score[rows] * 10**6 + gaps[rows]
        cut = np.partition(coarse, limit - 1)[limit - 1]
        rows = rows[coarse <= cut]
    order = np.lexsort((table.ids[rows], table.family_order[rows], gaps[rows], -score[rows], status[rows]))
    return rows[order][:limit]


def match_position(
    table: ExpertTable,
    position: PositionFacts,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int | None = None,
    include_ineligible: bool = False,
) -> list[Evaluation]:
    """Ranked evaluations with findings for the experts shown (screen all, explain only those)."""
    status, score, gaps = screen_detail(table, position, as_of=as_of, mandatory_courses=mandatory_courses,
                                        weights=weights)
    rows = ranked_rows(table, status, score, gaps, limit=limit, include_ineligible=include_ineligible)
    return [
        evaluate(table.experts[i], position, as_of=as_of, mandatory_courses=mandatory_courses, weights=weights)
        for i in rows
    ]
