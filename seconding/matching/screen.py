"""The rules of SPEC §6 for one position over the whole pool at once, with numpy.

`ExpertTable` turns the pool into arrays once; `screen()` then answers status and score for every
expert in a few array operations. It must agree exactly with `eligibility.evaluate()` (a test checks
every pair); only the experts a page shows get a full `evaluate()` for their findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from seconding.matching.eligibility import (
    NEED_FREE,
    Window,
    evaluate,
    need_availability,
    need_clearance,
    need_experience,
    need_language,
    need_licence,
    passport_needed,
    position_window,
    required_courses,
)
from seconding.matching.facts import (
    DEFAULT_WEIGHTS,
    Day,
    Evaluation,
    ExpertFacts,
    Held,
    Periods,
    PoolColumns,
    PositionFacts,
    Weights,
    cefr_rank,
    clearance_rank,
    licence_rank,
)
from seconding.matching.findings import Need

ELIGIBLE, GAPS, INELIGIBLE = 0, 1, 2
STATUS_NAMES = ("eligible", "gaps", "ineligible")
NEVER = date.max.toordinal()  # expiry of something that does not expire
MISSING = 0  # expiry of something not held: before every real date


EPOCH = date(1970, 1, 1).toordinal()  # numpy counts days from here


def _ordinals(days: Sequence[Day], absent: int) -> np.ndarray:
    """Ordinals of dates given as `date` or ISO text, `absent` where there is none, parsed by numpy at once."""
    # numpy parses ISO text fast but `date` objects and None slowly (one by one): hand it text only.
    text = [day.isoformat() if isinstance(day, date) else day or "NaT" for day in days]
    parsed = np.array(text, dtype="datetime64[D]")
    out = parsed.astype(np.int64) + EPOCH
    out[np.isnat(parsed)] = absent
    return out


def _ranks(levels: Sequence[str | None], rank: Callable[[str | None], int]) -> np.ndarray:
    """`rank` of every level, computed once per distinct level (a pool has a handful) instead of per expert."""
    lookup = {level: rank(level) for level in set(levels)}
    return np.array([lookup[level] for level in levels], dtype=np.int8)


def _codes(held: Held) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Vocabulary of the distinct codes (sorted), and the row and column of every held item."""
    rows = np.asarray(held.rows, dtype=np.int64)
    if not len(rows):
        return {}, rows, rows
    distinct, columns = np.unique(np.asarray(held.codes, dtype=str), return_inverse=True)
    return {code: i for i, code in enumerate(distinct.tolist())}, rows, columns.reshape(-1)


def _flags(n: int, held: Held) -> tuple[dict[str, int], np.ndarray]:
    """Vocabulary and boolean matrix experts x vocabulary of the codes each expert holds."""
    vocabulary, rows, columns = _codes(held)
    out = np.zeros((n, max(1, len(vocabulary))), dtype=bool)
    out[rows, columns] = True
    return vocabulary, out


def _periods(periods: Periods) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, start ordinals and end ordinals of flattened periods."""
    return (np.asarray(periods.rows, dtype=np.int64), _ordinals(periods.starts, MISSING),
            _ordinals(periods.ends, MISSING))


class ExpertTable:
    """The pool as numpy arrays: one row per expert, dates as ordinals."""

    def __init__(self, pool: Sequence[ExpertFacts] | PoolColumns) -> None:
        c = pool if isinstance(pool, PoolColumns) else PoolColumns.of_experts(pool)
        self._experts, self._facts = c.experts, {}
        n = len(c.ids)
        self.ids = np.asarray(c.ids, dtype=np.int64)
        self.row = dict(zip(self.ids.tolist(), range(n)))
        self.active = np.array([status == "active" for status in c.pool_statuses], dtype=bool)
        self.available_from = _ordinals(c.available_from, MISSING)
        self.deployment_end = _ordinals(c.latest_deployment_end, MISSING)
        # Periods and selections are few per expert: keep them as flat (row, ...) columns.
        self.unav_row, self.unav_start, self.unav_end = _periods(c.unavailability)
        self.sel_row, self.sel_start, self.sel_end = _periods(c.selections)
        self.sel_position = np.asarray(c.selections.positions, dtype=np.int64)
        self.clearance = _ranks(c.clearance_levels, clearance_rank)
        self.clearance_expires = _ordinals(c.clearance_expires, NEVER)
        self.passport_expires = _ordinals(c.passport_expires, MISSING)
        self.licence = _ranks(c.driving_licences, licence_rank)
        self.experience = np.asarray(c.experience_years, dtype=np.int64)
        self.short_notice = np.asarray(c.short_notice, dtype=bool)

        self.language_col, rows, columns = _codes(c.languages)
        self.languages = np.zeros((n, max(1, len(self.language_col))), dtype=np.int8)
        self.languages[rows, columns] = _ranks(c.languages.values, cefr_rank)

        self.expertise_col, rows, columns = _codes(c.expertise)
        primary = np.asarray(c.expertise.values, dtype=bool)
        # An expert's first primary area counts, as ExpertFacts.expertise_primary keeps the first.
        first_rows, first = np.unique(rows[primary], return_index=True)
        self.primary = np.full(n, -1, dtype=np.int64)
        self.primary[first_rows] = columns[primary][first]
        self.secondary = np.zeros((n, max(1, len(self.expertise_col))), dtype=bool)
        self.secondary[rows[~primary], columns[~primary]] = True

        self.mission_col, self.past_missions = _flags(n, c.past_missions)
        self.country_col, self.past_countries = _flags(n, c.past_countries)
        self.has_earlier = self.past_missions.any(axis=1) | self.past_countries.any(axis=1)

        # Best expiry per course: NEVER if a record does not expire, MISSING if no record.
        self.course_col, rows, columns = _codes(c.trainings)
        self.course_expires = np.full((n, max(1, len(self.course_col))), MISSING, dtype=np.int64)
        np.maximum.at(self.course_expires, (rows, columns), _ordinals(c.trainings.values, NEVER))

        # Rank of each family name in case-insensitive order (equal names, equal rank) for the ranking.
        names = np.array([name.casefold() for name in c.family_names] or [""], dtype=str)
        self.family_order = np.unique(names, return_inverse=True)[1].reshape(-1)[:n].astype(np.int64)

    def experts(self, rows: Sequence[int]) -> list[ExpertFacts]:
        """Full facts of the experts in `rows`, built on first use (only the experts a page shows need them)."""
        missing = [row for row in dict.fromkeys(rows) if row not in self._facts]
        if missing:
            self._facts.update(zip(missing, self._experts(missing)))
        return [self._facts[row] for row in rows]

    def __len__(self) -> int:
        return len(self.ids)

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
) -> list[tuple[str, Need, np.ndarray]]:
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
    gaps += t.passport_expires < passport_needed(end).toordinal()
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
    window: Window | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status code, score and number of gaps of every expert of `table` for `position` (`window` as `evaluate`)."""
    start, end = window or position_window(position, as_of)
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
        evaluate(expert, position, as_of=as_of, mandatory_courses=mandatory_courses, weights=weights)
        for expert in table.experts(rows)
    ]
