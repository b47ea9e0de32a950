"""The staffing plan of SPEC §6: a maximum-score assignment of experts to the posts of a CfC."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from seconding.matching.eligibility import Window, position_window
from seconding.matching.facts import DEFAULT_WEIGHTS, Evaluation, PositionFacts, Weights
from seconding.matching.findings import NO_ELIGIBLE, Need, Reason, params
from seconding.matching.screen import (
    INELIGIBLE,
    ExpertTable,
    blocker_masks,
    screen_detail,
)

MAX_REASON_PARTS = 4


@dataclass(frozen=True)
class Assignment:
    """One proposed nomination: an expert for a post of a position."""

    position_id: int
    expert_id: int
    score: int


@dataclass(frozen=True)
class Unfilled:
    """Posts of a position the plan could not fill, and why."""

    position_id: int
    missing: int
    why: Reason

    @property
    def reason(self) -> str:
        """Why, in English (command line, JSON)."""
        return self.why.text


@dataclass(frozen=True)
class Plan:
    """A staffing proposal for a CfC."""

    total_score: int
    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...]

    @property
    def filled(self) -> int:
        """Number of posts filled."""
        return len(self.assignments)


@dataclass(frozen=True)
class Pool:
    """The eligible experts (status eligible or gaps) of one position, with score and gap count: all of them, or
    the best that a plan may use (plan_cfc)."""

    expert_ids: np.ndarray
    scores: np.ndarray
    gaps: np.ndarray
    no_eligible_reason: Reason = NO_ELIGIBLE

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, int]], no_eligible_reason: Reason = NO_ELIGIBLE) -> Pool:
        """Pool from (expert_id, score, gaps) rows, one row per expert."""
        table = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
        if len(np.unique(table[:, 0])) != len(table):
            raise ValueError("an expert appears twice in one position's pool")
        return cls(table[:, 0], table[:, 1], table[:, 2], no_eligible_reason)

    def __len__(self) -> int:
        return len(self.expert_ids)


def eliminating_reason(constraints: Sequence[tuple[Need, np.ndarray]], active: int) -> Reason:
    """Name the requirements that together eliminate every active expert, most eliminating first.

    `constraints` are (requirement, mask over the active experts of those it blocks).
    """
    if active == 0:
        return Reason("nobody_active")
    left = np.ones(active, dtype=bool)
    parts: list[Need] = []
    # Greedy set cover: each step names the requirement that rules out most of those still left.
    while left.any() and len(parts) < MAX_REASON_PARTS:
        need, mask = max(constraints, key=lambda c: int((c[1] & left).sum()), default=(None, left & False))
        if need is None or not (mask & left).any():
            break
        parts.append(need)
        left &= ~mask
    if not parts:
        return NO_ELIGIBLE
    return Reason("eliminated_and_more" if left.any() else "eliminated", needs=tuple(parts))


def _top(scores: np.ndarray, gaps: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best candidates by score, then fewer gaps."""
    if len(scores) <= k:
        return np.arange(len(scores))
    key = scores * 1000 - np.minimum(gaps, 999)
    return np.argpartition(-key, k - 1)[:k]


def _solve(positions: Sequence[PositionFacts], kept: Mapping[int, tuple[Pool, np.ndarray]]) -> list[Assignment]:
    """Maximum total score, then most posts filled, then fewest gaps, over the kept candidates."""
    # SciPy is loaded by the first plan, not by every worker at start (a fifth of a worker's memory otherwise).
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    slots = [p for p in positions if p.id in kept for _ in range(p.posts)]
    if not slots:
        return []
    n_slots = len(slots)
    ids = np.concatenate([kept[p.id][0].expert_ids[kept[p.id][1]] for p in positions if p.id in kept])
    experts = np.unique(ids)
    max_gaps = int(max(kept[p.id][0].gaps[kept[p.id][1]].max() for p in positions if p.id in kept))
    # One linear objective ordered lexicographically: each tier outweighs everything below it summed
    # over all slots (score >> filled posts >> fewer gaps). Integers stay exact in float64 well past
    # any realistic CfC (10,000 slots).
    w_fill = n_slots * max_gaps + 1
    w_score = n_slots * w_fill + 1
    rows, cols, values = [], [], []
    for r, position in enumerate(slots):
        pool, idx = kept[position.id]
        rows.append(np.full(len(idx), r))
        cols.append(np.searchsorted(experts, pool.expert_ids[idx]))
        values.append(pool.scores[idx] * w_score + w_fill - pool.gaps[idx])
    # Every slot also gets its own "left unfilled" column worth 0, so a full matching always exists.
    rows.append(np.arange(n_slots))
    cols.append(len(experts) + np.arange(n_slots))
    values.append(np.zeros(n_slots, dtype=np.int64))
    value = np.concatenate(values).astype(np.float64)
    # The solver minimises and needs non-zero weights: cost = ceiling - value is >= 1 everywhere, and
    # every full matching uses exactly one edge per slot, so the constant does not change the optimum.
    cost = value.max() + 1 - value
    edges = (np.concatenate(rows), np.concatenate(cols))
    graph = csr_matrix((cost, edges), shape=(n_slots, len(experts) + n_slots))
    slot_rows, columns = min_weight_full_bipartite_matching(graph)
    chosen = []
    for r, c in zip(slot_rows, columns):
        if c < len(experts):
            position = slots[r]
            pool, idx = kept[position.id]
            i = idx[np.flatnonzero(pool.expert_ids[idx] == experts[c])[0]]
            chosen.append(Assignment(position.id, int(experts[c]), int(pool.scores[i])))
    return chosen


def _why_short(pool: Pool, posts: int, here: int, elsewhere: int) -> Reason:
    n = len(pool)
    if n == 0:
        return pool.no_eligible_reason
    if here == 0 and elsewhere == n:
        return Reason("one_elsewhere") if n == 1 else Reason("all_elsewhere", params(eligible=n))
    if elsewhere == 0:
        return Reason("too_few", params(eligible=n, posts=posts))
    return Reason("split", params(eligible=n, here=here, elsewhere=elsewhere))


def plan(positions: Sequence[PositionFacts], pools: Mapping[int, Pool]) -> Plan:
    """Assign at most one position per expert and `posts` experts per position, maximising the score.

    `pools` hold every eligible expert of each position (unfilled reasons count them); among plans
    with the same total score the one filling more posts wins, then the one with fewer gaps.
    """
    with_pool = [p for p in positions if len(pools.get(p.id, ())) > 0]
    total_slots = sum(p.posts for p in with_pool)
    # Keeping each position's `total_slots` best candidates preserves an optimum: if an optimal plan
    # gives position p an expert x outside p's best `total_slots`, the other slots hold at most
    # `total_slots - 1` experts, so one of p's best, y, is free; y in x's place is still a valid plan
    # and scores at least as much with no more gaps. Repeat until only kept candidates are used.
    kept = {p.id: (pools[p.id], _top(pools[p.id].scores, pools[p.id].gaps, total_slots)) for p in with_pool}
    assignments = sorted(_solve(positions, kept), key=lambda a: (a.position_id, -a.score, a.expert_id))
    assigned = np.array([a.expert_id for a in assignments], dtype=np.int64)
    unfilled = []
    for p in positions:
        here = sum(1 for a in assignments if a.position_id == p.id)
        if here < p.posts:
            pool = pools.get(p.id, Pool.of([]))
            elsewhere = int(np.isin(pool.expert_ids, assigned).sum()) - here
            unfilled.append(Unfilled(p.id, p.posts - here, _why_short(pool, p.posts, here, elsewhere)))
    return Plan(sum(a.score for a in assignments), tuple(assignments), tuple(unfilled))


def plan_evaluations(positions: Sequence[PositionFacts], evaluations: Iterable[Evaluation]) -> Plan:
    """Plan from full evaluations (small pools, tests): eligible pairs and their blockers."""
    by_position: dict[int, list[Evaluation]] = {}
    for ev in evaluations:
        by_position.setdefault(ev.position_id, []).append(ev)
    pools = {}
    for p in positions:
        evs = by_position.get(p.id, [])
        rows = [(ev.expert_id, ev.score, len(ev.gaps)) for ev in evs if ev.status != "ineligible"]
        active = [ev for ev in evs if not any(f.rule == "pool_status" for f in ev.blockers)]
        needs = dict.fromkeys(f.need for ev in active for f in ev.blockers)
        constraints = [
            (need, np.array([any(f.need == need for f in ev.blockers) for ev in active], dtype=bool))
            for need in needs
        ]
        pools[p.id] = Pool.of(rows, eliminating_reason(constraints, len(active)))
    return plan(positions, pools)


def explain_no_eligible(table: ExpertTable, position: PositionFacts, *, as_of: date,
                        window: Window | None = None) -> Reason:
    """The reason why no active expert of `table` is eligible for `position` (`window` as `evaluate`)."""
    start, end = window or position_window(position, as_of)
    active = table.active
    constraints = [(need, mask[active]) for _, need, mask in blocker_masks(table, position, start, end)]
    return eliminating_reason(constraints, int(active.sum()))


def plan_cfc(
    positions: Sequence[PositionFacts],
    table: ExpertTable,
    *,
    as_of: date,
    mandatory_courses: Sequence[str],
    weights: Weights = DEFAULT_WEIGHTS,
) -> Plan:
    """Screen every position of a CfC over the pool and plan the assignment.

    Each position keeps only its best candidates, as many as the CfC has posts: plan() would use no
    more (see there), and a position it leaves unfilled has fewer eligible experts than that (any one
    of them left free would fill a post), so its pool is whole and its reason counts right. All the
    eligible experts of 200 positions held about 60 MB on a pool of 50,000.
    """
    posts = sum(p.posts for p in positions)
    pools = {}
    for p in positions:
        window = position_window(p, as_of)
        status, score, gaps = screen_detail(table, p, as_of=as_of, mandatory_courses=mandatory_courses,
                                            weights=weights, window=window)
        rows = np.flatnonzero(status != INELIGIBLE)
        rows = np.sort(rows[_top(score[rows], gaps[rows], posts)])  # in the table's order, as before
        reason = explain_no_eligible(table, p, as_of=as_of, window=window) if len(rows) == 0 else NO_ELIGIBLE
        pools[p.id] = Pool(table.ids[rows], score[rows], gaps[rows], reason)
    return plan(positions, pools)
