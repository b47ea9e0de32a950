"""The matching rules of SPEC §6 as plain functions over plain facts (no Flask, no session)."""

from seconding.matching.eligibility import evaluate, position_window, required_courses
from seconding.matching.facts import (
    Evaluation,
    ExpertFacts,
    Finding,
    PositionFacts,
    Weights,
    cefr_rank,
    clearance_rank,
    licence_rank,
)
from seconding.matching.findings import FINDINGS_EN, NEEDS_EN, REASONS_EN, Need, Reason
from seconding.matching.planning import (
    Assignment,
    Plan,
    Pool,
    Unfilled,
    explain_no_eligible,
    plan,
    plan_cfc,
    plan_evaluations,
)
from seconding.matching.scoring import rank, ranking_key, score_components, total_score
from seconding.matching.screen import (
    ELIGIBLE,
    GAPS,
    INELIGIBLE,
    STATUS_NAMES,
    ExpertTable,
    match_position,
    ranked_rows,
    screen,
    screen_detail,
)

BLOCKER_RULES = ("pool_status", "busy", "unavailable", "language", "clearance", "experience", "driving_licence")
GAP_RULES = ("course", "clearance_expiry", "passport")

__all__ = [
    "BLOCKER_RULES",
    "ELIGIBLE",
    "GAPS",
    "GAP_RULES",
    "INELIGIBLE",
    "NEEDS_EN",
    "REASONS_EN",
    "STATUS_NAMES",
    "Assignment",
    "Evaluation",
    "ExpertFacts",
    "ExpertTable",
    "FINDINGS_EN",
    "Finding",
    "Need",
    "Plan",
    "Pool",
    "PositionFacts",
    "Reason",
    "Unfilled",
    "Weights",
    "cefr_rank",
    "clearance_rank",
    "evaluate",
    "explain_no_eligible",
    "licence_rank",
    "match_position",
    "plan",
    "plan_cfc",
    "plan_evaluations",
    "position_window",
    "rank",
    "ranked_rows",
    "ranking_key",
    "required_courses",
    "score_components",
    "screen",
    "screen_detail",
    "total_score",
]
