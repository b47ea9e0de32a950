"""The vectorised screen must agree exactly with evaluate() for every expert and position."""

import random
from datetime import date, timedelta

import numpy as np

from seconding.dates import add_months
from seconding.matching import (
    STATUS_NAMES,
    ExpertFacts,
    ExpertTable,
    PositionFacts,
    Weights,
    evaluate,
    match_position,
    position_window,
    rank,
    ranked_rows,
    screen,
    screen_detail,
)

AS_OF = date(2026, 2, 10)
MANDATORY = ("PDT", "HEAT")
DAY = timedelta(days=1)
LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
CLEARANCES = ("NONE", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET")
LICENCES = ("NONE", "B", "B_4X4")
AREAS = ("monitoring", "customs", "rule_of_law", "border_management")
MISSIONS = (("EUMM Georgia", "Georgia"), ("EUAM Ukraine", "Ukraine"), ("EUMA", "Armenia"))
COURSES = ("PDT", "HEAT", "CSDP_OC", "EHEST", "CEPOL")
STARTS = (date(2026, 3, 1), date(2026, 1, 31), None)  # None = ASAP: as_of + 30 days


def boundary_dates():
    """Days on and next to every start, tour end and passport limit the positions can have."""
    days = set()
    for start in STARTS:
        s = start or AS_OF + timedelta(days=30)
        for months in (6, 12):
            e = add_months(s, months)
            for d in (s, e, add_months(e, 6), AS_OF):
                days |= {d - DAY, d, d + DAY}
    return sorted(days)


def random_levels(rng, codes, most):
    return {c: rng.choice(LEVELS) for c in rng.sample(codes, rng.randint(0, most))}


def random_position(rng, pid):
    mission, country = rng.choice(MISSIONS)
    return PositionFacts(
        id=pid, cfc_ref="CFC 1-2026", position_ref=f"P {pid}", title="Post", mission=mission,
        host_country=country, available_on=rng.choice(STARTS), tour_months=rng.choice((6, 12)),
        posts=rng.randint(1, 3), clearance_level=rng.choice(CLEARANCES), min_experience_years=rng.randint(0, 8),
        languages_essential=random_levels(rng, ("en", "fr", "ru", "ro"), 2),
        languages_desirable=random_levels(rng, ("de", "ka", "uk", "xx"), 3),
        expertise=rng.choice((*AREAS, None, "cybersecurity")), driving_licence=rng.choice(LICENCES),
        courses_required=tuple(rng.sample(("CSDP_OC", "INDUCTION", "PDT"), rng.randint(0, 2))),
        courses_desirable=tuple(rng.sample(("EHEST", "CEPOL", "LET4CAP", "CSDP_OC"), rng.randint(0, 3))),
    )


def random_expert(rng, eid, days, position_ids):
    def some_day():
        return rng.choice(days) if rng.random() < 0.8 else None

    def records():  # one or two records of a course, each with its own expiry (None = never)
        return tuple(some_day() for _ in range(rng.randint(1, 2)))

    def period():
        a, b = sorted(rng.sample(days, 2))
        return a, b

    return ExpertFacts(
        id=eid, institution="POLICE", external_id=f"P-{eid}", given_name="G",
        family_name=rng.choice(("Nowak", "nowak", "Kowalski", "Łuczak", "Adamska")),
        pool_status=rng.choice(("active",) * 8 + ("suspended", "left")),
        available_from=some_day() if rng.random() < 0.4 else None,
        unavailability=tuple((*period(), "leave") for _ in range(rng.choice((0, 0, 1, 2)))),
        languages=random_levels(rng, ("en", "fr", "ru", "de", "ka", "uk"), 4),
        clearance_level=rng.choice(CLEARANCES), clearance_expires=some_day(), passport_expires=some_day(),
        driving_licence=rng.choice(LICENCES), experience_years=rng.randint(0, 25),
        expertise_primary=rng.choice((*AREAS, None)),
        expertise_secondary=frozenset(rng.sample(AREAS, rng.randint(0, 2))),
        short_notice=rng.random() < 0.5,
        trainings={c: records() for c in rng.sample(COURSES, rng.randint(0, 5))},
        active_deployment_ends=tuple(rng.choice(days) for _ in range(rng.choice((0, 0, 0, 1)))),
        selections=tuple((rng.choice(position_ids), *period()) for _ in range(rng.choice((0, 0, 1)))),
        past_missions=frozenset(m for m, _ in rng.sample(MISSIONS, rng.choice((0, 0, 1)))),
        past_countries=frozenset(c for _, c in rng.sample(MISSIONS, rng.choice((0, 0, 1)))),
    )


def random_world(seed, n_experts=400, n_positions=30):
    rng = random.Random(seed)
    positions = [random_position(rng, 100 + i) for i in range(n_positions)]
    days = boundary_dates()
    experts = [random_expert(rng, i + 1, days, [p.id for p in positions] + [999]) for i in range(n_experts)]
    return experts, positions


def test_screen_agrees_with_evaluate_for_every_pair():
    experts, positions = random_world(seed=20260210)
    table = ExpertTable(experts)
    weights = Weights()
    seen = set()
    for position in positions:
        status, score, gaps = screen_detail(table, position, as_of=AS_OF, mandatory_courses=MANDATORY)
        for i, expert in enumerate(experts):
            ev = evaluate(expert, position, as_of=AS_OF, mandatory_courses=MANDATORY, weights=weights)
            assert (STATUS_NAMES[status[i]], int(score[i]), int(gaps[i])) == (ev.status, ev.score, len(ev.gaps)), (
                expert, position, ev.findings)
            seen.add(ev.status)
    assert seen == {"eligible", "gaps", "ineligible"}  # the data exercises every outcome


def test_screen_agrees_with_evaluate_on_other_seeds_and_weights():
    weights = Weights(experience_per_year=4, expertise_secondary=12, gap_penalty=7, max_score=90)
    for seed in (1, 2, 3):
        experts, positions = random_world(seed, n_experts=150, n_positions=10)
        table = ExpertTable(experts)
        for position in positions:
            status, score = screen(table, position, as_of=AS_OF, mandatory_courses=MANDATORY, weights=weights)
            expected = [evaluate(e, position, as_of=AS_OF, mandatory_courses=MANDATORY, weights=weights)
                        for e in experts]
            assert [STATUS_NAMES[s] for s in status] == [ev.status for ev in expected]
            assert score.tolist() == [ev.score for ev in expected]


def test_every_boundary_day_is_used_by_the_random_data():
    experts, positions = random_world(seed=20260210)
    used = {e.passport_expires for e in experts} | {e.clearance_expires for e in experts}
    for position in positions:
        start, end = position_window(position, AS_OF)
        assert {start - DAY, start, end - DAY, end, add_months(end, 6) - DAY} <= used


def test_ranked_rows_follow_the_ranking_of_evaluations():
    experts, positions = random_world(seed=7, n_experts=300, n_positions=5)
    table = ExpertTable(experts)
    names = {e.id: e.family_name for e in experts}
    for position in positions:
        status, score, gaps = screen_detail(table, position, as_of=AS_OF, mandatory_courses=MANDATORY)
        evaluations = [evaluate(e, position, as_of=AS_OF, mandatory_courses=MANDATORY) for e in experts]
        expected = [ev.expert_id for ev in rank(evaluations, names)]
        every = ranked_rows(table, status, score, gaps, include_ineligible=True)
        assert table.ids[every].tolist() == expected
        eligible = [i for i, ev in zip(expected, rank(evaluations, names)) if ev.status != "ineligible"]
        assert table.ids[ranked_rows(table, status, score, gaps, limit=10)].tolist() == eligible[:10]


def test_match_position_explains_the_shown_experts_in_ranking_order():
    experts, positions = random_world(seed=11, n_experts=200, n_positions=3)
    table = ExpertTable(experts)
    shown = match_position(table, positions[0], as_of=AS_OF, mandatory_courses=MANDATORY, limit=5,
                           include_ineligible=True)
    assert len(shown) == 5
    names = {e.id: e.family_name for e in experts}
    assert rank(shown, names) == shown
    assert all(ev.findings and ev.position_id == positions[0].id for ev in shown)


def test_an_empty_pool_screens_to_empty_arrays():
    table = ExpertTable([])
    _, positions = random_world(seed=1, n_experts=0, n_positions=1)
    status, score = screen(table, positions[0], as_of=AS_OF, mandatory_courses=MANDATORY)
    assert status.shape == score.shape == (0,)
    assert isinstance(status, np.ndarray)
