"""The database layer of matching: facts built from the database, the SQL prefilter, and queries per call."""
import random
from datetime import date, timedelta

from sqlalchemy import true

from seconding.experts.services import History, Period
from seconding.matches.loader import load_experts, mandatory_courses, position_facts
from seconding.matches.prefilter import hard_blocker_conditions
from seconding.matches.results import plan_for_cfc, rank_position
from seconding.matching import evaluate, position_window, rank
from seconding.missions.queries import positions_of
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, PoolStatus
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

AS_OF = date(2030, 1, 10)


def test_facts_are_built_from_the_database(make_expert, add_training):
    expert = make_expert(
        "BORDER_GUARD", external_id="BG-7", given_name="Ewa", family_name="Nowak",
        languages="en:C1;ru:native", expertise=["monitoring", "human_rights"], experience_years=9,
        clearance_level=ClearanceLevel.SECRET, clearance_expires=date(2031, 5, 31),
        passport_expires=date(2033, 1, 1), driving_licence=DrivingLicence.B_4X4, available_from=date(2030, 2, 1),
        short_notice=True,
        unavailability=[Period(date(2030, 4, 1), date(2030, 4, 30), "course\x1eabroad")],
        history=[History("eumm  georgia", ""), History("Old Mission", "Kosovo"),
                 History("UNIFIL", "Lebanon", csdp=False)],
    )
    add_training(expert, "PDT", date(2025, 3, 1))  # does not expire
    add_training(expert, "HEAT", date(2024, 1, 10))  # 36 months: last valid day 2027-01-10
    add_training(expert, "HEAT", date(2026, 6, 30), expires_on=date(2029, 6, 30))
    other = make_expert("POLICE", pool_status=PoolStatus.SUSPENDED, languages="")

    facts = {f.id: f for f in load_experts([true()])}

    got = facts[expert.id]
    assert (got.institution, got.external_id, got.given_name, got.family_name) == ("BORDER_GUARD", "BG-7", "Ewa",
                                                                                  "Nowak")
    assert dict(got.languages) == {"en": "C1", "ru": "native"}
    assert got.expertise_primary == "monitoring" and got.expertise_secondary == frozenset({"human_rights"})
    assert {code: sorted(v, key=lambda d: d or date.max) for code, v in got.trainings.items()} == {
        "PDT": [None], "HEAT": [date(2027, 1, 10), date(2029, 6, 30)]}
    # A stray separator character in free text cannot break the aggregated read.
    assert got.unavailability == ((date(2030, 4, 1), date(2030, 4, 30), "course abroad"),)
    # CSDP history only; a known mission's name gives its host country too; names compare case-insensitively.
    assert got.past_missions == frozenset({"eumm georgia", "old mission"})
    assert got.past_countries == frozenset({"georgia", "kosovo"})
    assert (got.clearance_level, got.clearance_expires, got.passport_expires) == ("SECRET", date(2031, 5, 31),
                                                                                date(2033, 1, 1))
    assert (got.driving_licence, got.experience_years, got.available_from, got.short_notice, got.pool_status) == (
        "B_4X4", 9, date(2030, 2, 1), True, "active")
    assert (got.active_deployment_ends, got.selections) == ((), ())
    assert facts[other.id].pool_status == "suspended" and dict(facts[other.id].languages) == {}
    assert mandatory_courses() == ("HEAT", "PDT")


def test_position_facts_carry_every_requirement(make_cfc, make_position):
    cfc = make_cfc("EUMA", "EUMA 4-2030")
    make_position(cfc, "ARM YE 15", posts=3, available_on=None, tour_months=6,
                  clearance_level=ClearanceLevel.CONFIDENTIAL, min_experience_years=4,
                  languages_essential="en:B2;ru:native", languages_desirable="hy:A2",
                  expertise="monitoring", driving_licence=DrivingLicence.B, courses_required=["CSDP_OC"],
                  courses_desirable=["EHEST", "CEPOL"])
    (facts,) = position_facts(positions_of([cfc.id]))
    assert (facts.cfc_ref, facts.position_ref, facts.mission, facts.host_country) == ("EUMA 4-2030", "ARM YE 15",
                                                                                    "euma", "armenia")
    assert facts.asap and (facts.posts, facts.tour_months, facts.min_experience_years) == (3, 6, 4)
    assert dict(facts.languages_essential) == {"en": "B2", "ru": "native"}
    assert dict(facts.languages_desirable) == {"hy": "A2"}
    assert (facts.clearance_level, facts.expertise, facts.driving_licence) == ("CONFIDENTIAL", "monitoring", "B")
    assert facts.courses_required == ("CSDP_OC",) and facts.courses_desirable == ("CEPOL", "EHEST")


# --- queries do not grow with the number of experts -----------------------------------------------


def _pool(make_expert, add_training, n: int, start: int) -> None:
    for i in range(start, start + n):
        expert = make_expert("POLICE" if i % 2 else "BORDER_GUARD", languages="en:C1;ru:B2",
                             expertise=["monitoring"], unavailability=[Period(date(2031, 1, 1), date(2031, 1, 9))],
                             history=[History("EUMM Georgia", "Georgia")])
        add_training(expert, "PDT", date(2029, 1, 1))


def test_queries_do_not_grow_with_the_number_of_experts(make_expert, add_training, make_cfc, make_position,
                                                        count_queries, db):
    cfc = make_cfc()
    position = make_position(cfc, languages_essential="en:B2", posts=2)
    make_position(cfc, posts=1)

    def measure() -> list[int]:
        counts = []
        for call in (lambda: load_experts([true()]),
                     lambda: rank_position(position, scope=true(), as_of=AS_OF),
                     lambda: rank_position(position, scope=true(), as_of=AS_OF, include_ineligible=True),
                     lambda: plan_for_cfc(cfc, scope=true(), as_of=AS_OF)):
            db.session.expire_all()
            with count_queries() as statements:
                call()
            counts.append(len(statements))
        return counts

    _pool(make_expert, add_training, 3, 0)
    small = measure()
    _pool(make_expert, add_training, 12, 3)
    assert measure() == small
    # The experts' ids and facts versions, the changed experts with their children aggregated, the mission names,
    # active tours, selections, past tours.
    assert small[0] <= 6


# --- the SQL prefilter drops no expert evaluate() would call eligible -----------------------------

STARTS = (date(2030, 3, 1), date(2030, 6, 15))
LEVELS = list(CefrLevel)


def _near(rng, day: date) -> date:
    return day + timedelta(days=rng.choice((-400, -1, 0, 1, 40)))


def _random_expert(rng, make_expert, db):
    start = rng.choice(STARTS)
    languages = [(code, rng.choice(LEVELS)) for code in rng.sample(["en", "ru", "fr", "ro"], rng.randint(0, 3))]
    clearance = rng.choice(list(ClearanceLevel))
    periods = [Period(*sorted((_near(rng, start), _near(rng, start))))] if rng.random() < 0.4 else []
    expert = make_expert(
        rng.choice(["POLICE", "BORDER_GUARD", "NRA"]), languages=languages,
        pool_status=rng.choice([PoolStatus.ACTIVE] * 6 + [PoolStatus.SUSPENDED, PoolStatus.LEFT]),
        experience_years=rng.randint(0, 10), clearance_level=clearance,
        clearance_expires=None if clearance == ClearanceLevel.NONE else _near(rng, start),
        driving_licence=rng.choice(list(DrivingLicence)),
        available_from=rng.choice([None, _near(rng, start)]), unavailability=periods,
    )
    if clearance != ClearanceLevel.NONE and rng.random() < 0.15:
        # Older data may hold a clearance without an expiry date: it does not run out.
        expert.clearance_expires = None
        db.session.commit()
    return expert


def _random_position(rng, make_position, cfc):
    return make_position(
        cfc, available_on=rng.choice([*STARTS, None]), clearance_level=rng.choice(list(ClearanceLevel)),
        min_experience_years=rng.choice([0, 3, 5, 8]), driving_licence=rng.choice(list(DrivingLicence)),
        languages_essential=[(c, rng.choice(LEVELS)) for c in rng.sample(["en", "ru", "fr"], rng.randint(0, 2))],
    )


def test_prefilter_never_drops_an_eligible_expert(make_expert, make_cfc, make_position, db):
    rng = random.Random(5)
    experts = [_random_expert(rng, make_expert, db) for _ in range(80)]
    cfc = make_cfc()
    positions = [_random_position(rng, make_position, cfc) for _ in range(25)]
    everyone = {f.id: f for f in load_experts([true()])}
    assert len(everyone) == len(experts)
    courses = mandatory_courses()
    dropped_some = kept_eligible = 0
    for facts in position_facts(positions_of([cfc.id])):
        for as_of in (AS_OF, STARTS[1] - timedelta(days=30)):  # the second makes ASAP start on STARTS[1]
            start, _end = position_window(facts, as_of)
            candidates = {f.id: f for f in load_experts([true(), *hard_blocker_conditions(facts, start)])}
            evaluations = {i: evaluate(f, facts, as_of=as_of, mandatory_courses=courses)
                           for i, f in everyone.items()}
            eligible = {i for i, ev in evaluations.items() if ev.status != "ineligible"}
            assert eligible <= set(candidates), f"prefilter dropped eligible experts for {facts}"
            assert all(candidates[i] == everyone[i] for i in candidates)
            dropped_some += len(candidates) < len(everyone)
            kept_eligible += len(eligible)
            # The page's ranking equals the unfiltered evaluate-and-rank path.
            position = next(p for p in positions if p.id == facts.id)
            ranked = rank_position(position, scope=true(), as_of=as_of)
            expected = rank([evaluations[i] for i in eligible], {i: everyone[i].family_name for i in eligible})
            assert [r.evaluation for r in ranked.rows] == expected
    assert dropped_some > 10 and kept_eligible > 20  # the data really exercises both sides


def test_tours_and_selections_make_experts_busy_and_count_as_earlier_deployments(make_expert, make_cfc,
                                                                                  make_position, make_user,
                                                                                  make_nomination, db):
    from seconding.deployments.services import record_deployment
    from seconding.models import Mission, Role
    from seconding.models.enums import DeploymentStatus, NominationStatus
    from seconding.nominations.services import Decision, act

    georgia = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    veteran = make_expert("POLICE", family_name="Veteran")
    record_deployment(expert=veteran, mission=georgia, start=date(2020, 1, 1), end=date(2020, 12, 31),
                      status=DeploymentStatus.COMPLETED)
    on_tour = make_expert("POLICE", family_name="OnTour")
    record_deployment(expert=on_tour, mission=georgia, start=date(2025, 1, 1), end=date(2031, 1, 1),
                      status=DeploymentStatus.DEPLOYED)
    chosen = make_expert("POLICE", family_name="Chosen", consent_on=date(2026, 1, 1))
    cfc = make_cfc("EUMA")
    first = make_position(cfc, "ARM 1", available_on=date(2032, 1, 1))
    coordinator = make_user(Role.COORDINATOR)
    nomination = make_nomination(first, chosen, NominationStatus.INTERVIEWED, by=coordinator)
    act(nomination, "select", coordinator, Decision(), version=None)
    db.session.commit()
    facts = {f.family_name: f for f in load_experts([true()])}
    assert facts["Veteran"].past_missions == {"eumm georgia"} and facts["Veteran"].active_deployment_ends == ()
    assert facts["OnTour"].active_deployment_ends == (date(2031, 1, 1),)
    assert facts["Chosen"].selections == ((first.id, date(2032, 1, 1), date(2033, 1, 1)),)
    assert facts["Chosen"].active_deployment_ends == ()  # a planned tour from a selection counts as the selection
    from seconding.matches.results import rank_position

    earlier = make_position(cfc, "ARM 2", available_on=date(2030, 3, 1), tour_months=6)
    statuses = {r.expert.family_name: r.evaluation.status
                for r in rank_position(earlier, scope=true(), as_of=date(2026, 1, 1), include_ineligible=True).rows}
    assert statuses["Chosen"] != "ineligible"  # selected for 2032: free in 2030
    assert statuses["OnTour"] == "ineligible"
