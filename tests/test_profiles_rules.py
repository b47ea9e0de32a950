"""Profile completeness rules, field by field, and proof that the SQL conditions say the same as the pure rules."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from seconding.experts.services import Post, Study
from seconding.models import ClearanceLevel, EducationLevel, Expert, PoolStatus
from seconding.profiles.queries import (
    confirmed_condition,
    facts_of,
    missing_condition,
    not_confirmed_condition,
    overview,
)
from seconding.profiles.rules import (
    FIELDS,
    ProfileFacts,
    availability_missing,
    clearance_missing,
    confirmation_cutoff,
    confirmed_recently,
    consent_missing,
    courses_missing,
    courses_not_valid,
    cv_missing,
    languages_missing,
    missing_fields,
    passport_missing,
)
from seconding.training.queries import mandatory_course_ids

TODAY = date(2026, 12, 3)
# A CV as an EEAS application needs it: an education entry and a post.
CV = {"education": [Study(EducationLevel.MASTER, "Police Academy in Szczytno", date(2000, 10, 1), date(2005, 6, 30))],
      "employment": [Post("Polish Police", "Officer", date(2005, 9, 1))]}
COMPLETE = ProfileFacts(languages=1, clearance_level=ClearanceLevel.NONE, passport_expires=date(2030, 1, 1),
                        mandatory_courses={"PDT": (None,), "HEAT": (date(2028, 1, 1),)},
                        available_from=date(2026, 1, 1), consent_on=date(2025, 5, 1), education=1, employment=2)


def facts(**changes) -> ProfileFacts:
    return ProfileFacts(**{**COMPLETE.__dict__, **changes})


def test_a_complete_profile_misses_nothing():
    assert missing_fields(COMPLETE, TODAY) == []


def test_languages_need_at_least_one():
    assert languages_missing(facts(languages=0), TODAY)
    assert not languages_missing(facts(languages=1), TODAY)


@pytest.mark.parametrize(("level", "expires", "missing"), [
    (ClearanceLevel.NONE, None, False),  # "no clearance" is a fact, not a gap
    (ClearanceLevel.SECRET, None, True),  # a level without its expiry date
    (ClearanceLevel.SECRET, TODAY - timedelta(days=1), True),  # expired yesterday
    (ClearanceLevel.SECRET, TODAY, False),  # the expiry day is still valid
    (ClearanceLevel.RESTRICTED, TODAY + timedelta(days=400), False),
])
def test_clearance(level, expires, missing):
    assert clearance_missing(facts(clearance_level=level, clearance_expires=expires), TODAY) is missing


@pytest.mark.parametrize(("expires", "missing"), [
    (None, True), (TODAY - timedelta(days=1), True), (TODAY, False), (TODAY + timedelta(days=1), False)])
def test_passport(expires, missing):
    assert passport_missing(facts(passport_expires=expires), TODAY) is missing


@pytest.mark.parametrize(("courses", "missing"), [
    ({"PDT": (None,), "HEAT": ()}, ["HEAT"]),  # no record of HEAT
    ({"PDT": (None,), "HEAT": (TODAY - timedelta(days=1),)}, ["HEAT"]),  # HEAT expired yesterday
    ({"PDT": (None,), "HEAT": (TODAY,)}, []),  # expiring today: still valid
    ({"PDT": (None,), "HEAT": (TODAY + timedelta(days=10),)}, []),  # expiring soon is not missing
    ({"PDT": (), "HEAT": (TODAY - timedelta(days=400), TODAY + timedelta(days=5))}, ["PDT"]),  # best record counts
    ({}, []),  # no mandatory course configured: nothing to miss
])
def test_mandatory_courses(courses, missing):
    assert courses_not_valid(facts(mandatory_courses=courses), TODAY) == missing
    assert courses_missing(facts(mandatory_courses=courses), TODAY) is bool(missing)


def test_availability_needs_a_stated_date():
    assert availability_missing(facts(available_from=None), TODAY)
    assert not availability_missing(facts(available_from=TODAY + timedelta(days=90)), TODAY)
    assert not availability_missing(facts(available_from=TODAY - timedelta(days=900)), TODAY)


def test_consent_needs_its_date():
    assert consent_missing(facts(consent_on=None), TODAY)
    assert not consent_missing(facts(consent_on=date(2020, 1, 1)), TODAY)


def test_the_cv_needs_an_education_entry_and_a_post():
    assert cv_missing(facts(education=0), TODAY)
    assert cv_missing(facts(employment=0), TODAY)
    assert not cv_missing(facts(education=1, employment=1), TODAY)


def test_missing_fields_come_in_a_fixed_order():
    assert missing_fields(facts(consent_on=None, languages=0, passport_expires=None), TODAY) == [
        "languages", "passport", "consent"]


def test_a_confirmation_counts_for_n_months_to_the_warsaw_day():
    cutoff = confirmation_cutoff(TODAY, 6)
    # Midnight of 3 June 2026 in Warsaw (summer time, UTC+2) is 22:00 UTC on 2 June.
    assert cutoff == datetime(2026, 6, 2, 22, 0, tzinfo=UTC)
    assert confirmed_recently(datetime(2026, 6, 2, 22, 0, tzinfo=UTC), cutoff)
    assert not confirmed_recently(datetime(2026, 6, 2, 21, 59, tzinfo=UTC), cutoff)
    assert not confirmed_recently(None, cutoff)
    # 31 August minus six months is the last day of February.
    assert confirmation_cutoff(date(2026, 8, 31), 6) == datetime(2026, 2, 27, 23, 0, tzinfo=UTC)


@pytest.fixture
def varied(make_expert, add_training):
    """Experts that each sit on one side of one boundary, all in the active pool but the last."""
    t = TODAY
    specs = [
        {},  # complete
        {"languages": []},
        {"clearance_level": ClearanceLevel.SECRET, "clearance_expires": t - timedelta(days=1)},
        {"clearance_level": ClearanceLevel.SECRET, "clearance_expires": t},
        {"passport_expires": None},
        {"passport_expires": t - timedelta(days=1)},
        {"passport_expires": t},
        {"available_from": None},
        {"consent_on": None},
        {"education": []},
        {"employment": []},
        {"courses": "none"},
        {"courses": "heat expired"},
        {"courses": "heat expires today"},
        {"languages": [], "passport_expires": None, "consent_on": None, "courses": "none"},
        {"pool_status": PoolStatus.SUSPENDED, "passport_expires": None},
    ]
    experts = []
    for spec in specs:
        spec = dict(spec)
        courses = spec.pop("courses", "valid")
        fields = {"passport_expires": date(2030, 1, 1), "available_from": date(2026, 1, 1),
                  "consent_on": date(2025, 1, 1), **CV, **spec}
        expert = make_expert("POLICE", **fields)
        if courses != "none":
            add_training(expert, "PDT", date(2020, 1, 1))
            heat = {"valid": None, "heat expired": t - timedelta(days=1), "heat expires today": t}[courses]
            add_training(expert, "HEAT", date(2024, 1, 1), expires_on=heat)
        experts.append(expert)
    return experts


def test_sql_conditions_agree_with_the_pure_rules(db, varied):
    course_ids = mandatory_course_ids()
    by_rule = {name: set() for name in FIELDS}
    for expert in varied:
        for name in missing_fields(facts_of(expert), TODAY):
            by_rule[name].add(expert.id)
    for name in FIELDS:
        by_sql = set(db.session.scalars(select(Expert.id).where(missing_condition(name, TODAY, course_ids))))
        assert by_sql == by_rule[name], name
    # Every field is exercised on both sides by the fixed data.
    assert all(0 < len(ids) < len(varied) for ids in by_rule.values())


def test_the_overview_query_adds_up_what_the_rules_say(db, varied, make_user):
    from seconding.models import Role

    active = [e for e in varied if e.pool_status == PoolStatus.ACTIVE]
    per_expert = {e.id: missing_fields(facts_of(e), TODAY) for e in active}
    rows, total = overview(make_user(Role.ADMIN, "MFA"), TODAY, confirmation_cutoff(TODAY, 6))
    assert [r.institution.code for r in rows] == ["POLICE"]
    assert total.experts == len(active) == 15  # the suspended expert does not count
    assert total.complete == sum(1 for m in per_expert.values() if not m)
    assert total.missing == {name: sum(name in m for m in per_expert.values()) for name in FIELDS}


def test_confirmation_condition_matches_the_pure_rule(db, make_expert):
    cutoff = confirmation_cutoff(TODAY, 6)
    moments = [None, cutoff - timedelta(seconds=1), cutoff, cutoff + timedelta(days=30)]
    long_ago, lately = cutoff - timedelta(days=400), cutoff + timedelta(days=1)
    cases = [(moment, created) for created in (long_ago, lately) for moment in moments if moment is None
             or moment >= created]
    experts = []
    for moment, created in cases:
        expert = make_expert("POLICE")
        expert.confirmed_at, expert.created_at = moment, created
        experts.append(expert)
    db.session.commit()
    outdated = set(db.session.scalars(select(Expert.id).where(not_confirmed_condition(cutoff))))
    recent = set(db.session.scalars(select(Expert.id).where(confirmed_condition(cutoff))))
    assert outdated == {e.id for e, (m, c) in zip(experts, cases) if not confirmed_recently(m, cutoff, created_at=c)}
    assert recent == {e.id for e in experts} - outdated
    assert len(outdated) == 2  # entered long ago, never or not lately confirmed


def test_the_overview_reads_in_a_fixed_number_of_queries(db, make_expert, make_user, count_queries):
    from seconding.models import Role

    admin = make_user(Role.ADMIN, "MFA")
    cutoff = confirmation_cutoff(TODAY, 6)

    def queries() -> int:
        with count_queries() as statements:
            overview(admin, TODAY, cutoff)
        return len(statements)

    make_expert("POLICE")
    few = queries()
    for institution in ("POLICE", "BORDER_GUARD", "NRA", "PRISON") * 3:
        make_expert(institution, languages=[])
    assert queries() == few <= 4  # course ids, the aggregate, the institutions (and the expired user)
