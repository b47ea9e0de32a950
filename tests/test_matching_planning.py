"""The staffing plan: a real assignment (not greedy), posts, and readable reasons for unfilled posts."""

import itertools
import random
from dataclasses import replace
from datetime import date

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from seconding.matching import (
    ExpertFacts,
    ExpertTable,
    Plan,
    Pool,
    PositionFacts,
    evaluate,
    plan,
    plan_cfc,
    plan_evaluations,
)

AS_OF = date(2026, 2, 10)
S = date(2026, 3, 1)
MANDATORY = ("PDT",)


def position(pid, posts=1, **kw):
    return PositionFacts(id=pid, cfc_ref="CFC 1-2026", position_ref=f"P{pid}", title="Post", mission="EUMA",
                         host_country="Armenia", available_on=S, posts=posts, **kw)


def expert(eid, **kw):
    base = {"institution": "POLICE", "external_id": f"E{eid}", "given_name": "G", "family_name": f"F{eid}",
            "passport_expires": date(2030, 1, 1), "trainings": {"PDT": (None,)}, "experience_years": 5}
    return ExpertFacts(id=eid, **{**base, **kw})


def pools(table):
    """{position_id: [(expert_id, score)]} -> pools without gaps."""
    return {pid: Pool.of([(e, s, 0) for e, s in rows]) for pid, rows in table.items()}


def pairs(result: Plan):
    return sorted((a.position_id, a.expert_id) for a in result.assignments)


def test_plan_beats_greedy():
    # A: 60 on P1, 50 on P2; B: 55 on P1 only. Greedy takes A->P1 (60) and leaves P2 empty.
    result = plan([position(1), position(2)], pools({1: [(1, 60), (2, 55)], 2: [(1, 50)]}))
    assert result.total_score == 105
    assert pairs(result) == [(1, 2), (2, 1)]
    assert result.unfilled == ()


def test_positions_with_several_posts_take_several_experts_each_expert_once():
    table = {1: [(1, 90), (2, 80), (3, 70)], 2: [(1, 85), (3, 10)]}
    result = plan([position(1, posts=2), position(2)], pools(table))
    # Options: {1,2}+3 = 180, {2,3}+1 = 235, {1,3}+? (2 not eligible for P2) = 160.
    assert result.total_score == 235
    assert pairs(result) == [(1, 2), (1, 3), (2, 1)]
    assert [a.score for a in result.assignments if a.expert_id == 1] == [85]


def test_among_equal_totals_more_filled_posts_win():
    # A scores 10 on both; B scores 0 and fits P1 only. Both plans total 10; one fills two posts.
    result = plan([position(1), position(2)], pools({1: [(1, 10), (2, 0)], 2: [(1, 10)]}))
    assert result.total_score == 10
    assert result.filled == 2
    assert pairs(result) == [(1, 2), (2, 1)]


def test_unfilled_because_eligible_experts_went_to_other_positions():
    # Expert 3 is worth more on P2 (95) than on P1 (50), so P1 keeps one post open.
    result = plan([position(1, posts=3), position(2)], pools({1: [(1, 90), (2, 90), (3, 50)], 2: [(3, 95)]}))
    assert result.total_score == 275
    assert result.unfilled[0].position_id == 1 and result.unfilled[0].missing == 1
    assert result.unfilled[0].reason == "3 eligible experts: 2 assigned here, 1 to other positions"
    result = plan([position(1, posts=3), position(2)], pools({1: [(1, 90), (2, 90)], 2: [(1, 1), (2, 2), (3, 3)]}))
    assert [(u.position_id, u.missing, u.reason) for u in result.unfilled] == [
        (1, 1, "only 2 eligible experts for 3 posts")]


def test_unfilled_when_all_eligible_experts_are_assigned_elsewhere():
    result = plan([position(1), position(2), position(3), position(4)],
                  pools({1: [(1, 90)], 2: [(2, 90)], 3: [(3, 90)], 4: [(1, 10), (2, 10), (3, 10)]}))
    assert [(u.position_id, u.missing, u.reason) for u in result.unfilled] == [
        (4, 1, "3 eligible experts, all assigned to other positions")]
    result = plan([position(1), position(2)], pools({1: [(1, 90)], 2: [(1, 10)]}))
    assert result.unfilled[0].reason == "1 eligible expert, assigned to another position"


def ro_secret_case():
    """Nobody has both Romanian B2 and a SECRET clearance; Romanian is the rarer of the two."""
    needs = position(1, languages_essential={"ro": "B2"}, clearance_level="SECRET")
    secret = {"clearance_level": "SECRET", "clearance_expires": date(2030, 1, 1)}
    experts = [expert(i, languages={"ro": "B1"}, **secret) for i in range(1, 5)]
    experts += [expert(5, languages={"ro": "C1"}), expert(6, languages={"ro": "C2"}, clearance_level="SECRET",
                                                              clearance_expires=date(2026, 2, 1))]
    experts += [expert(7, languages={"ro": "native"}, **secret, pool_status="left")]
    return needs, experts


def test_unfilled_reason_names_what_eliminates_active_experts():
    needs, experts = ro_secret_case()
    result = plan_cfc([needs], ExpertTable(experts), as_of=AS_OF, mandatory_courses=MANDATORY)
    assert result.assignments == ()
    expected = "no active expert with ro B2 and SECRET clearance valid on 2026-03-01"
    assert [(u.missing, u.reason) for u in result.unfilled] == [(1, expected)]
    evaluations = [evaluate(e, needs, as_of=AS_OF, mandatory_courses=MANDATORY) for e in experts]
    assert plan_evaluations([needs], evaluations).unfilled[0].reason == expected


def test_unfilled_reason_when_nobody_is_active():
    needs, experts = ro_secret_case()
    gone = [replace(e, pool_status="suspended") for e in experts]
    result = plan_cfc([needs], ExpertTable(gone), as_of=AS_OF, mandatory_courses=MANDATORY)
    assert result.unfilled[0].reason == "no active expert in the pool"


def test_plan_cfc_uses_the_screen_scores_and_leaves_ineligible_pairs_out():
    p1 = position(1, expertise="customs", min_experience_years=5)
    p2 = position(2, expertise="rule_of_law", min_experience_years=5)
    experts = [
        expert(1, expertise_primary="customs", expertise_secondary=frozenset({"rule_of_law"})),
        expert(2, expertise_primary="rule_of_law"),
        expert(3, expertise_primary="customs", experience_years=20, pool_status="suspended"),
    ]
    result = plan_cfc([p1, p2], ExpertTable(experts), as_of=AS_OF, mandatory_courses=MANDATORY)
    assert pairs(result) == [(1, 1), (2, 2)]
    assert result.total_score == 25 + 25
    assert [a.score for a in result.assignments] == [25, 25]


def brute_force(positions, table):
    """Best (total, filled) over every way to give each expert one position or none."""
    experts = sorted({e for rows in table.values() for e, _ in rows})
    score = {(p, e): s for p, rows in table.items() for e, s in rows}
    best = (0, 0)
    for choice in itertools.product([None] + [p.id for p in positions], repeat=len(experts)):
        if any(c is not None and (c, e) not in score for c, e in zip(choice, experts)):
            continue
        if any(choice.count(p.id) > p.posts for p in positions):
            continue
        total = sum(score[(c, e)] for c, e in zip(choice, experts) if c is not None)
        best = max(best, (total, sum(c is not None for c in choice)))
    return best


def random_table(rng, positions, n_experts, density, scores):
    return {p.id: [(e, rng.choice(scores)) for e in range(1, n_experts + 1) if rng.random() < density]
            for p in positions}


def test_plan_equals_brute_force_on_small_instances():
    rng = random.Random(5)
    for _ in range(60):
        positions = [position(i, posts=rng.randint(1, 2)) for i in range(1, rng.randint(2, 4) + 1)]
        table = random_table(rng, positions, rng.randint(1, 6), 0.6, (0, 5, 10, 10, 35, 60, 100))
        result = plan(positions, pools(table))
        assert (result.total_score, result.filled) == brute_force(positions, table)
        assert len({a.expert_id for a in result.assignments}) == result.filled
        assert all(sum(a.position_id == p.id for a in result.assignments) <= p.posts for p in positions)


def milp_optimum(positions, table):
    """(total, filled) from an integer program over every eligible pair, with no candidate reduction."""
    edges = [(p.id, e, s) for p in positions for e, s in table[p.id]]
    experts = sorted({e for _, e, _ in edges})
    k = sum(p.posts for p in positions) + 1
    value = np.array([s * k + 1 for _, _, s in edges], dtype=float)  # score first, then filled posts
    per_position = np.array([[pid == p.id for pid, _, _ in edges] for p in positions], dtype=float)
    per_expert = np.array([[e == x for _, e, _ in edges] for x in experts], dtype=float)
    res = milp(-value, integrality=np.ones(len(edges)), bounds=Bounds(0, 1), constraints=[
        LinearConstraint(per_position, 0, [p.posts for p in positions]),
        LinearConstraint(per_expert, 0, 1),
    ])
    chosen = res.x > 0.5
    return sum(s for (_, _, s), c in zip(edges, chosen) if c), int(chosen.sum())


def test_plan_equals_an_integer_program_on_a_few_hundred_experts():
    rng = random.Random(11)
    for _ in range(4):
        positions = [position(i, posts=rng.randint(1, 3)) for i in range(1, 13)]
        # Dense pools with many tied scores: the top-k reduction must not lose the optimum.
        table = random_table(rng, positions, 300, 0.3, list(range(0, 101, 5)))
        table[1] = table[1][:2]  # a scarce position competing for sought-after experts
        result = plan(positions, pools(table))
        assert (result.total_score, result.filled) == milp_optimum(positions, table)


def test_a_pool_listing_an_expert_twice_is_refused():
    try:
        Pool.of([(1, 10, 0), (1, 20, 0)])
    except ValueError as error:
        assert "twice" in str(error)
    else:
        raise AssertionError("duplicate accepted")


def test_plan_cfc_keeping_the_best_candidates_plans_as_with_every_eligible_expert():
    """plan_cfc keeps each position's best candidates, as many as the CfC has posts: the same plan and the same
    reasons as the plan over every eligible expert, unfilled positions included."""
    rng = random.Random(3)
    unfilled_reasons = set()
    for _ in range(8):
        experts = [expert(i, experience_years=rng.randint(0, 20),
                          languages=dict(rng.sample([("en", "C1"), ("fr", "B2"), ("ro", "B2")], rng.randint(0, 2))),
                          driving_licence=rng.choice(["NONE", "B"]))
                   for i in range(1, 61)]
        positions = [position(i, posts=rng.randint(1, 2), min_experience_years=rng.choice([2, 5, 19]),
                              languages_essential=rng.choice([{}, {"en": "B2"}, {"ro": "B2"}]),
                              languages_desirable=rng.choice([{}, {"fr": "B1"}]),
                              driving_licence=rng.choice(["NONE", "B"]))
                     for i in range(1, 7)]
        result = plan_cfc(positions, ExpertTable(experts), as_of=AS_OF, mandatory_courses=MANDATORY)
        evaluations = [evaluate(e, p, as_of=AS_OF, mandatory_courses=MANDATORY) for p in positions for e in experts]
        full = plan_evaluations(positions, evaluations)
        assert (result.total_score, result.filled) == (full.total_score, full.filled)
        assert [(u.position_id, u.missing, u.reason) for u in result.unfilled] == [
            (u.position_id, u.missing, u.reason) for u in full.unfilled]
        unfilled_reasons |= {u.why.code for u in result.unfilled}
        # A position has more eligible experts than the CfC has posts: plan_cfc cut its pool.
        assert max(sum(ev.status != "ineligible" and ev.position_id == p.id for ev in evaluations)
                   for p in positions) > sum(p.posts for p in positions)
    assert {"all_elsewhere", "too_few"} <= unfilled_reasons  # reasons that count a position's eligible experts
