"""Matching against the database: rank experts for a position, positions for an expert, plan a CfC.

The same functions serve the pages (scope = the reader's) and the command line (full scope); the JSON
shapes of SPEC §6 are built here too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement

from seconding.matches.loader import load_experts, load_pool, position_facts
from seconding.matches.pair import Evaluator, Row
from seconding.matches.prefilter import hard_blocker_conditions
from seconding.matching import (
    Evaluation,
    ExpertFacts,
    Plan,
    PositionFacts,
    plan_cfc,
    position_window,
    ranked_rows,
    ranking_key,
    screen_detail,
)
from seconding.matching.eligibility import Window
from seconding.matching.screen import ELIGIBLE, GAPS, INELIGIBLE
from seconding.missions.queries import open_cfc_ids, positions_of
from seconding.models import Cfc, Expert, PoolStatus, Position
from seconding.pause import cycle_collector_paused


@dataclass
class PositionMatch:
    """Experts ranked for a position: counts over everyone screened, rows for the requested slice."""

    position: PositionFacts
    as_of: date
    start: date
    end: date
    eligible: int  # eligible without gaps
    with_gaps: int
    ineligible: int | None  # None when ineligible experts were not screened (the SQL prefilter dropped them)
    rows: list[Row]

    @property
    def total(self) -> int:
        """Rows the full list has (eligible ones, plus ineligible when included)."""
        return self.eligible + self.with_gaps + (self.ineligible or 0)

    @property
    def per_post(self) -> float:
        """Eligible experts (with or without gaps) per post: the staffing implication."""
        return (self.eligible + self.with_gaps) / max(1, self.position.posts)


def rank_position(position: Position, *, scope: ColumnElement, as_of: date, include_ineligible: bool = False,
                  institution_id: int | None = None, offset: int = 0, limit: int | None = None) -> PositionMatch:
    """Rank the experts within `scope` (a WHERE clause on experts) for one position.

    The tour's window is computed once, here, and handed to the prefilter, the screen and each evaluation."""
    facts = position_facts([position])[0]
    window = start, end = position_window(facts, as_of)
    conditions = [scope]
    if institution_id is not None:
        conditions.append(Expert.institution_id == institution_id)
    if not include_ineligible:
        conditions += hard_blocker_conditions(facts, start)
    evaluator = Evaluator.read(as_of)
    with cycle_collector_paused():
        table = load_pool(conditions)
        status, score, gaps = screen_detail(table, facts, as_of=as_of, mandatory_courses=evaluator.courses,
                                            weights=evaluator.weights, window=window)
    stop = None if limit is None else offset + limit
    rows = ranked_rows(table, status, score, gaps, limit=stop, include_ineligible=include_ineligible)[offset:]
    return PositionMatch(
        position=facts, as_of=as_of, start=start, end=end,
        eligible=int((status == ELIGIBLE).sum()), with_gaps=int((status == GAPS).sum()),
        ineligible=int((status == INELIGIBLE).sum()) if include_ineligible else None,
        rows=[evaluator.row(expert, facts, window) for expert in table.experts(rows)],
    )


@dataclass
class ExpertMatch:
    """Open positions for one expert, best first."""

    expert: ExpertFacts
    as_of: date
    rows: list[Row]
    screened: int  # open positions checked


def match_expert(expert: Expert, *, as_of: date, include_ineligible: bool = False) -> ExpertMatch:
    """Evaluate one expert against every position of the open CfCs."""
    facts = load_experts([Expert.id == expert.id])[0]
    positions = position_facts(positions_of(open_cfc_ids()))
    evaluator = Evaluator.read(as_of)
    rows = [evaluator.row(facts, p) for p in positions]
    if not include_ineligible:
        rows = [r for r in rows if r.evaluation.status != "ineligible"]
    rows.sort(key=lambda r: (ranking_key(r.evaluation, "")[:3], r.position.cfc_ref, r.position.position_ref))
    return ExpertMatch(facts, as_of, rows, len(positions))


@dataclass
class CfcPlan:
    """The staffing plan of a CfC with each assignment explained."""

    cfc: Cfc
    as_of: date
    positions: list[PositionFacts]
    plan: Plan
    rows: list[Row]  # one per assignment, in the plan's order
    pool: int  # active experts screened

    @property
    def posts(self) -> int:
        return sum(p.posts for p in self.positions)

    def position(self, position_id: int) -> PositionFacts:
        return next(p for p in self.positions if p.id == position_id)


def plan_for_cfc(cfc: Cfc, *, scope: ColumnElement, as_of: date) -> CfcPlan:
    """The optimal assignment of the active experts within `scope` to the posts of the CfC."""
    positions = position_facts(positions_of([cfc.id]))
    evaluator = Evaluator.read(as_of)
    with cycle_collector_paused():
        table = load_pool([scope, Expert.pool_status == PoolStatus.ACTIVE])
        plan = plan_cfc(positions, table, as_of=as_of, mandatory_courses=evaluator.courses,
                        weights=evaluator.weights)
    by_position = {p.id: p for p in positions}
    experts = table.experts([table.row[assignment.expert_id] for assignment in plan.assignments])
    rows = [evaluator.row(expert, by_position[assignment.position_id])
            for assignment, expert in zip(plan.assignments, experts)]
    return CfcPlan(cfc, as_of, positions, plan, rows, len(table))


# --- JSON shapes of SPEC §6 -----------------------------------------------------------------------


def _findings(evaluation: Evaluation, outcome: str) -> list[dict]:
    return [{"rule": f.rule, "detail": f.detail} for f in evaluation.findings if f.outcome == outcome]


def result_json(row: Row) -> dict:
    """One expert's result for a position."""
    e = row.expert
    return {"institution": e.institution, "external_id": e.external_id, "name": f"{e.given_name} {e.family_name}",
            "status": row.evaluation.status, "score": row.evaluation.score,
            "blockers": _findings(row.evaluation, "blocker"), "gaps": _findings(row.evaluation, "gap")}


def position_json(position: PositionFacts, window: Window) -> dict:
    """The position block: references, title and the tour window."""
    start, end = window
    return {"cfc_ref": position.cfc_ref, "position_ref": position.position_ref, "title": position.title,
            "start": start.isoformat(), "end": end.isoformat()}


def position_match_json(match: PositionMatch) -> dict:
    """`flask match position ... --json`."""
    return {"position": position_json(match.position, (match.start, match.end)), "as_of": match.as_of.isoformat(),
            "results": [result_json(row) for row in match.rows]}


def expert_match_json(match: ExpertMatch) -> dict:
    """`flask match expert ... --json`: the expert, then one result per open position."""
    e = match.expert
    return {
        "expert": {"institution": e.institution, "external_id": e.external_id,
                   "name": f"{e.given_name} {e.family_name}"},
        "as_of": match.as_of.isoformat(),
        "results": [
            {**position_json(row.position, row.window), "status": row.evaluation.status,
             "score": row.evaluation.score, "blockers": _findings(row.evaluation, "blocker"),
             "gaps": _findings(row.evaluation, "gap")}
            for row in match.rows
        ],
    }


def plan_json(result: CfcPlan) -> dict:
    """`flask plan cfc ... --json`."""
    refs = {p.id: p.position_ref for p in result.positions}
    return {
        "cfc_ref": result.cfc.reference,
        "as_of": result.as_of.isoformat(),
        "total_score": result.plan.total_score,
        "assignments": [{"position_ref": refs[a.position_id], "institution": r.expert.institution,
                         "external_id": r.expert.external_id, "score": a.score}
                        for a, r in zip(result.plan.assignments, result.rows)],
        "unfilled": [{"position_ref": refs[u.position_id], "missing": u.missing, "reason": u.reason}
                     for u in result.plan.unfilled],
    }
