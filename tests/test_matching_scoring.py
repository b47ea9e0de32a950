"""The score (weights, caps, floor) and the ranking order of SPEC §6."""

from dataclasses import replace
from datetime import date

from seconding.matching import (
    Evaluation,
    ExpertFacts,
    Finding,
    PositionFacts,
    Weights,
    evaluate,
    rank,
    score_components,
)

AS_OF = date(2026, 2, 10)
S = date(2026, 3, 1)

POSITION = PositionFacts(
    id=10, cfc_ref="EUMM Georgia 2-2026", position_ref="GEO ZM 12", title="Monitor",
    mission="EUMM Georgia", host_country="Georgia", available_on=S, min_experience_years=5,
)
# Meets every rule, earns nothing: experience at the minimum, no extras.
EXPERT = ExpertFacts(
    id=1, institution="POLICE", external_id="P-1", given_name="Anna", family_name="Nowak",
    passport_expires=date(2030, 1, 1), experience_years=5, trainings={"PDT": (None,), "HEAT": (None,)},
)


def score(expert=EXPERT, position=POSITION, weights=None):
    weights = weights or Weights()
    ev = evaluate(expert, position, as_of=AS_OF, mandatory_courses=("PDT", "HEAT"), weights=weights)
    return ev.score


def test_a_bare_eligible_expert_scores_zero():
    assert score() == 0


def test_experience_beyond_the_minimum_is_3_per_year_up_to_30():
    assert score(replace(EXPERT, experience_years=8)) == 9
    assert score(replace(EXPERT, experience_years=15)) == 30
    assert score(replace(EXPERT, experience_years=40)) == 30


def test_primary_expertise_25_secondary_10():
    position = replace(POSITION, expertise="monitoring")
    assert score(replace(EXPERT, expertise_primary="monitoring"), position) == 25
    assert score(replace(EXPERT, expertise_secondary=frozenset({"monitoring"})), position) == 10
    both = replace(EXPERT, expertise_primary="monitoring", expertise_secondary=frozenset({"monitoring"}))
    assert score(both, position) == 25
    assert score(replace(EXPERT, expertise_primary="customs"), position) == 0


def test_desirable_languages_10_each_up_to_20():
    position = replace(POSITION, languages_desirable={"ru": "B2", "ka": "A2", "de": "B1"})
    assert score(replace(EXPERT, languages={"ru": "B2"}), position) == 10
    assert score(replace(EXPERT, languages={"ru": "B1", "ka": "A2"}), position) == 10  # ru below the level
    assert score(replace(EXPERT, languages={"ru": "native", "ka": "C1", "de": "B1"}), position) == 20


def test_earlier_deployment_10_plus_5_for_same_mission_or_host_country():
    assert score(replace(EXPERT, past_missions=frozenset({"EUAM Ukraine"}))) == 10
    assert score(replace(EXPERT, past_missions=frozenset({"EUMM Georgia"}))) == 15
    same_country = replace(EXPERT, past_missions=frozenset({"EUMA"}), past_countries=frozenset({"Georgia"}))
    assert score(same_country) == 15


def test_desirable_courses_5_each_up_to_10_only_when_valid_on_start():
    position = replace(POSITION, courses_desirable=("CSDP_OC", "EHEST", "CEPOL"))
    one = {"PDT": (None,), "HEAT": (None,), "CSDP_OC": (None,)}
    assert score(replace(EXPERT, trainings=one), position) == 5
    three = {**one, "EHEST": (None,), "CEPOL": (S,)}
    assert score(replace(EXPERT, trainings=three), position) == 10
    expired = {**one, "EHEST": (date(2026, 2, 28),)}
    assert score(replace(EXPERT, trainings=expired), position) == 5


def test_short_notice_bonus_only_for_asap_positions():
    quick = replace(EXPERT, short_notice=True)
    assert score(quick, replace(POSITION, available_on=None)) == 5
    assert score(quick, POSITION) == 0
    assert score(EXPERT, replace(POSITION, available_on=None)) == 0


def top_candidate():
    position = replace(
        POSITION, available_on=None, expertise="monitoring", languages_desirable={"ru": "B2", "ka": "B1"},
        courses_desirable=("CSDP_OC", "EHEST"),
    )
    expert = replace(
        EXPERT, experience_years=30, expertise_primary="monitoring", languages={"ru": "C1", "ka": "B1"},
        past_missions=frozenset({"EUMM Georgia"}), short_notice=True,
        trainings={"PDT": (None,), "HEAT": (None,), "CSDP_OC": (None,), "EHEST": (None,)},
    )
    return expert, position


def test_score_is_capped_at_100_and_each_gap_costs_10_from_the_cap():
    expert, position = top_candidate()
    parts = score_components(expert, position, date(2026, 3, 12))
    assert sum(parts.values()) == 105
    assert score(expert, position) == 100
    assert score(replace(expert, passport_expires=None), position) == 90


def test_gap_penalty_does_not_go_below_zero():
    no_papers = replace(EXPERT, experience_years=6, passport_expires=None, trainings={})
    assert score(no_papers) == 0  # 3 points minus 3 gaps


def test_weights_are_configuration():
    expert = replace(EXPERT, experience_years=8, passport_expires=None)
    assert score(expert, weights=Weights(experience_per_year=5, gap_penalty=4)) == 11


def ev(expert_id, status, score, gaps=0):
    findings = tuple(Finding("course", "gap", "course.missing", (("course", "X"),)) for _ in range(gaps))
    if status == "ineligible":
        findings += (Finding("experience", "blocker", "experience.years", (("years", 1), ("needed_years", 5))),)
    return Evaluation(expert_id, 10, status, score, findings)


def test_ranking_order():
    names = {1: "Nowak", 2: "adamski", 3: "Zieliński", 4: "Kowalska", 5: "Adamski", 6: "Nowak", 7: "Lis"}
    evaluations = [
        ev(1, "ineligible", 99),
        ev(2, "gaps", 80, gaps=2),
        ev(3, "gaps", 80, gaps=1),
        ev(4, "eligible", 40),
        ev(5, "gaps", 80, gaps=2),
        ev(6, "eligible", 70),
        ev(7, "eligible", 70),
    ]
    ranked = [e.expert_id for e in rank(evaluations, names)]
    # No gaps first (score desc, then family name: Lis < Nowak), then gaps (fewer gaps first, then
    # family name regardless of case, then id), ineligible last whatever its score.
    assert ranked == [7, 6, 4, 3, 2, 5, 1]
