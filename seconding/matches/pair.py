"""One expert for one position, evaluated against the database's facts: every evaluation of a pair comes through here.

`Evaluator` holds what the evaluations of one match share, read once: the as-of date, the mandatory courses and the
score weights. `evaluate_pair` reads one expert and one position and evaluates them (a nomination's blockers, a
tour's pre-deployment checklist); the rankings, plans and `flask match expert` use the `Evaluator` over facts they
have read for many experts or positions at once (seconding/matches/results.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app

from seconding.matches.loader import load_experts, mandatory_courses, position_facts
from seconding.matching import Evaluation, ExpertFacts, PositionFacts, Weights, evaluate, position_window
from seconding.matching.eligibility import Window
from seconding.models import Expert, Position


def weights() -> Weights:
    """Score weights: SPEC §6 defaults, overridden by the MATCHING_WEIGHTS setting (a dict) when present."""
    return Weights(**(current_app.config.get("MATCHING_WEIGHTS") or {}))


@dataclass
class Row:
    """One expert, one position, the tour's window (start, end) and the evaluation of every rule."""

    expert: ExpertFacts
    position: PositionFacts
    window: Window
    evaluation: Evaluation


@dataclass(frozen=True)
class Evaluator:
    """The evaluation of pairs along one match: as of one date, with the mandatory courses and weights read once."""

    as_of: date
    courses: tuple[str, ...]
    weights: Weights

    @classmethod
    def read(cls, as_of: date) -> Evaluator:
        """As of `as_of`, with the mandatory courses and the weights as they are now."""
        return cls(as_of, mandatory_courses(), weights())

    def row(self, expert: ExpertFacts, position: PositionFacts, window: Window | None = None) -> Row:
        """The pair evaluated; `window` is the position's as of this date, when the caller has it already."""
        window = window or position_window(position, self.as_of)
        return Row(expert, position, window, evaluate(expert, position, as_of=self.as_of,
                                                      mandatory_courses=self.courses, weights=self.weights,
                                                      window=window))


def evaluate_pair(expert_id: int, position: Position, *, as_of: date, start: date | None = None) -> Row | None:
    """The expert `expert_id` for `position` as of `as_of`; with `start`, for a tour starting on that day whatever
    the position says (its available-on date replaced). None when the expert has no facts to read."""
    found = load_experts([Expert.id == expert_id])
    if not found:
        return None
    facts = position_facts([position])[0]
    if start is not None:
        facts = replace(facts, available_on=start)
    return Evaluator.read(as_of).row(found[0], facts)
