"""The score and the ranking of SPEC §6."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from seconding.dates import valid_on
from seconding.matching.facts import (
    DEFAULT_WEIGHTS,
    Evaluation,
    ExpertFacts,
    PositionFacts,
    Weights,
    cefr_rank,
)

STATUS_ORDER = {"eligible": 0, "gaps": 1, "ineligible": 2}


def course_held_on(expert: ExpertFacts, course: str, day: date) -> bool:
    """True when one of the expert's records of `course` is valid on `day`."""
    return any(valid_on(expires, day) for expires in expert.trainings.get(course, ()))


def score_components(
    expert: ExpertFacts, position: PositionFacts, start: date, weights: Weights = DEFAULT_WEIGHTS
) -> dict[str, int]:
    """Points per score component, each already capped, before the overall cap and gap penalty."""
    w = weights
    beyond = max(0, expert.experience_years - position.min_experience_years)
    expertise = 0
    if position.expertise is not None:
        if expert.expertise_primary == position.expertise:
            expertise = w.expertise_primary
        elif position.expertise in expert.expertise_secondary:
            expertise = w.expertise_secondary
    languages = sum(
        1
        for code, level in position.languages_desirable.items()
        if cefr_rank(expert.languages.get(code)) >= cefr_rank(level)
    )
    earlier = 0
    if expert.past_missions or expert.past_countries:
        earlier = w.earlier_deployment
        if position.mission in expert.past_missions or position.host_country in expert.past_countries:
            earlier += w.same_mission_or_country
    # A desirable course counts when it is valid on the start date, as required courses do.
    courses = sum(1 for code in position.courses_desirable if course_held_on(expert, code, start))
    return {
        "experience": min(w.experience_cap, w.experience_per_year * beyond),
        "expertise": expertise,
        "languages": min(w.language_desirable_cap, w.language_desirable * languages),
        "earlier_deployment": earlier,
        "courses": min(w.course_desirable_cap, w.course_desirable * courses),
        "short_notice": w.short_notice_asap if position.asap and expert.short_notice else 0,
    }


def total_score(components: Mapping[str, int], gaps: int, weights: Weights = DEFAULT_WEIGHTS) -> int:
    """Sum capped at the maximum, then minus the penalty per gap, not below 0."""
    # The cap comes first so every gap costs its full penalty, even for a candidate above the cap.
    return max(0, min(weights.max_score, sum(components.values())) - weights.gap_penalty * gaps)


def ranking_key(evaluation: Evaluation, family_name: str) -> tuple[int, int, int, str, int]:
    """Sort key: no gaps, then gaps, then ineligible; score desc; fewer gaps; family name; id."""
    return (
        STATUS_ORDER[evaluation.status],
        -evaluation.score,
        len(evaluation.gaps),
        family_name.casefold(),
        evaluation.expert_id,
    )


def rank(evaluations: Iterable[Evaluation], names: Mapping[int, str]) -> list[Evaluation]:
    """Evaluations in ranking order; `names` maps expert id to family name."""
    return sorted(evaluations, key=lambda e: ranking_key(e, names.get(e.expert_id, "")))
