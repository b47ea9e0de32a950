"""The readiness report's SQL (seconding/matches/prefilter.py) must agree with evaluate() for every expert and day.

An active expert is held back from a standard tour starting on a day by exactly the rules evaluate() finds not met
for a 12-month position with no requirement of its own available on that day, and is deployable exactly when
evaluate() calls that expert eligible. The pools are generated around the days' boundaries: tours ending on the
day, selections whose tours start on the tour's end, passports expiring on the day they are needed, and the
29 February of a leap year (S = 29 Feb 2028: E = 28 Feb 2029, so the passport is needed to 28 Aug 2029, not the
29th that "S + 18 months" gives)."""
import random
from datetime import date, timedelta

from sqlalchemy import case, select

from seconding.dates import add_months
from seconding.deployments.services import record_deployment
from seconding.experts.services import Period
from seconding.matches.loader import load_experts, mandatory_courses
from seconding.matches.prefilter import readiness_conditions
from seconding.matching import PositionFacts, evaluate
from seconding.matching.eligibility import passport_needed, tour_window
from seconding.matching.facts import STANDARD_TOUR_MONTHS
from seconding.models import Deployment, Expert, Mission, Nomination, PoolStatus, Role
from seconding.models.enums import DeploymentStatus as D
from seconding.models.enums import NominationStatus as N
from seconding.reports.queries import READINESS_OFFSETS, READINESS_REASONS, ReportFilters, readiness
from seconding.training.queries import mandatory_course_ids
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

ONE = timedelta(days=1)
# readiness() looks at today + 0, 30, 60 and 90 days: 31 Dec 2027 + 60 days and 29 Feb 2028 + 0 are 29 February.
TODAYS = (date(2028, 2, 29), date(2027, 12, 31))
DAYS = sorted({today + timedelta(days=offset) for today in TODAYS for offset in READINESS_OFFSETS})
LEAP_DAY = date(2028, 2, 29)


def _around(*days: date) -> list[date]:
    return sorted({d + k * ONE for d in days for k in (-1, 0, 1)})


def _boundaries() -> dict[str, list[date]]:
    """Dates on and next to what each rule compares with, for every day the report looks at."""
    starts = _around(*DAYS)
    ends = _around(*(tour_window(day, STANDARD_TOUR_MONTHS)[1] for day in DAYS))
    # The day matching needs (E + 6 months) and the day "S + 18 months" would give: they differ from 29 February.
    passports = _around(*(passport_needed(tour_window(day, STANDARD_TOUR_MONTHS)[1]) for day in DAYS),
                        *(add_months(day, 18) for day in DAYS))
    return {"start": starts, "end": ends, "passport": passports}


def _standard_tour(day: date) -> PositionFacts:
    """A standard tour starting on `day`, of no position any expert is selected for, with no requirement."""
    return PositionFacts(id=0, cfc_ref="", position_ref="", title="Standard tour", mission="", host_country="",
                         available_on=day)


def _random_expert(rng, near, make_expert, add_training):
    def maybe(dates, absent=0.15):
        return None if rng.random() < absent else rng.choice(dates)

    periods = []
    if rng.random() < 0.3:
        a = rng.choice(near["start"])
        periods = [Period(a, a + rng.choice((0, 1, 40)) * ONE)]
    expert = make_expert(
        "POLICE", pool_status=rng.choice([PoolStatus.ACTIVE] * 8 + [PoolStatus.SUSPENDED]),
        passport_expires=maybe(near["passport"]), available_from=maybe(near["start"], absent=0.7),
        unavailability=periods,
    )
    for code in ("PDT", "HEAT"):
        if rng.random() < 0.9:
            add_training(expert, code, date(2026, 1, 1), expires_on=maybe(near["start"] + [date(2035, 1, 1)], 0.2))
    return expert


def _tour(rng, db, expert, near, georgia, position):
    """An active tour (entered by hand), or a selection's planned tour (its nomination selected or not), or none."""
    kind = rng.choice(("none", "none", "tour", "tour", "selection", "selection", "selection", "withdrawn", "old"))
    if kind == "none":
        return
    if kind in ("tour", "old"):
        end = rng.choice(near["start"])
        status = rng.choice((D.PLANNED, D.PRE_DEPLOYMENT, D.DEPLOYED)) if kind == "tour" else D.COMPLETED
        record_deployment(expert=expert, mission=georgia, start=date(2026, 6, 1), end=end, status=status)
    else:
        start = rng.choice(near["end"] + near["start"])
        end = max(start, rng.choice(near["start"] + near["end"] + [date(2031, 1, 1)]))
        nomination = Nomination(position=position, expert=expert,
                                status=N.SELECTED if kind == "selection" else N.WITHDRAWN)
        db.session.add(Deployment(expert=expert, mission=georgia, position=position, nomination=nomination,
                                  status=D.PLANNED, planned_start=start, end_date=end))
    db.session.commit()


def _held_back(db, day: date, course_ids: list[int]) -> dict[int, set[str]]:
    """Per active expert: the readiness reasons the SQL finds on `day`."""
    conditions = {k: v for k, v in readiness_conditions(day, course_ids).items() if v is not None}
    columns = [case((condition, 1), else_=0) for condition in conditions.values()]
    rows = select(Expert.id, *columns).where(Expert.pool_status == PoolStatus.ACTIVE)
    return {eid: {reason for reason, flag in zip(conditions, flags) if flag}
            for eid, *flags in db.session.execute(rows)}


def test_readiness_agrees_with_evaluate_on_generated_pools(db, make_expert, add_training, make_cfc, make_position,
                                                          make_user):
    rng = random.Random(29)
    near = _boundaries()
    georgia = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    position = make_position(make_cfc())
    for _ in range(90):
        expert = _random_expert(rng, near, make_expert, add_training)
        _tour(rng, db, expert, near, georgia, position)
    # The two passports that tell E + 6 months from S + 18 months apart, on 29 February and beside it.
    leap_end = tour_window(LEAP_DAY, STANDARD_TOUR_MONTHS)[1]
    for expires in (passport_needed(leap_end), add_months(LEAP_DAY, 18)):
        expert = make_expert("POLICE", passport_expires=expires)
        for code in ("PDT", "HEAT"):
            add_training(expert, code, date(2026, 1, 1), expires_on=date(2035, 1, 1))

    courses, course_ids = mandatory_courses(), mandatory_course_ids()
    facts = load_experts([Expert.pool_status == PoolStatus.ACTIVE])
    coordinator = make_user(Role.COORDINATOR)
    seen = {reason: [0, 0] for reason in READINESS_REASONS}  # [held back, not held back], over every expert and day
    leap_passports = set()
    for day in DAYS:
        sql = _held_back(db, day, course_ids)
        expected = {}
        for expert in facts:
            evaluation = evaluate(expert, _standard_tour(day), as_of=day, mandatory_courses=courses)
            not_met = {f.rule for f in evaluation.findings if f.outcome != "met"}
            assert not_met <= set(READINESS_REASONS), (expert, not_met)
            assert (evaluation.status == "eligible") == (not not_met)
            expected[expert.id] = not_met
            if day == LEAP_DAY and "passport" not in not_met and expert.passport_expires < add_months(day, 18):
                leap_passports.add(expert.id)
        for eid in expected:
            assert sql[eid] == expected[eid], (day, eid, [f for f in facts if f.id == eid])
        for reasons in expected.values():
            for reason in READINESS_REASONS:
                seen[reason][reason not in reasons] += 1
    # The report itself, day by day: the same counts.
    for today in TODAYS:
        report = readiness(coordinator, ReportFilters(), today)
        for offset in READINESS_OFFSETS:
            day = today + timedelta(days=offset)
            expected = {e.id: evaluate(e, _standard_tour(day), as_of=day, mandatory_courses=courses) for e in facts}
            assert report[offset]["active"] == len(facts)
            assert report[offset]["deployable"] == sum(ev.status == "eligible" for ev in expected.values())
            for reason in READINESS_REASONS:
                assert report[offset][reason] == sum(any(f.rule == reason and f.outcome != "met" for f in ev.findings)
                                                     for ev in expected.values()), (day, reason)
    # The pools really exercise both sides of every rule, and the 29 February passport.
    assert all(held > 10 and free > 10 for held, free in seen.values()), seen
    assert leap_passports
