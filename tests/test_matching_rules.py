"""One test per rule of SPEC §6 and per boundary of each rule."""

from dataclasses import replace
from datetime import date, timedelta

from seconding.dates import add_months
from seconding.matching import (
    BLOCKER_RULES,
    GAP_RULES,
    ExpertFacts,
    PositionFacts,
    cefr_rank,
    clearance_rank,
    evaluate,
    position_window,
)

AS_OF = date(2026, 2, 10)
S = date(2026, 3, 1)
E = date(2027, 3, 1)  # S + 12 months
DAY = timedelta(days=1)
MANDATORY = ("PDT", "HEAT")

POSITION = PositionFacts(
    id=10, cfc_ref="EUMM Georgia 2-2026", position_ref="GEO ZM 12", title="Monitor",
    mission="EUMM Georgia", host_country="Georgia", available_on=S, tour_months=12,
    clearance_level="SECRET", min_experience_years=5, languages_essential={"en": "B2"},
    driving_licence="B",
)
EXPERT = ExpertFacts(
    id=1, institution="POLICE", external_id="P-1", given_name="Anna", family_name="Nowak",
    languages={"en": "C1", "pl": "native"}, clearance_level="SECRET", clearance_expires=date(2030, 1, 1),
    passport_expires=date(2030, 1, 1), driving_licence="B", experience_years=8,
    trainings={"PDT": (None,), "HEAT": (date(2028, 1, 1),)},
)


def check(expert=EXPERT, position=POSITION, as_of=AS_OF):
    return evaluate(expert, position, as_of=as_of, mandatory_courses=MANDATORY)


def outcomes(expert=EXPERT, position=POSITION, rule="", as_of=AS_OF):
    return [f.outcome for f in check(expert, position, as_of).findings if f.rule == rule]


def details(expert=EXPERT, position=POSITION, rule=""):
    return [f.detail for f in check(expert, position).findings if f.rule == rule and f.outcome != "met"]


def test_a_fit_expert_is_eligible_with_every_rule_met():
    ev = check()
    assert ev.status == "eligible"
    assert {f.rule for f in ev.findings} == set(BLOCKER_RULES) | set(GAP_RULES)
    assert {f.outcome for f in ev.findings} == {"met"}


def test_window_starts_on_available_on_and_ends_a_tour_later():
    assert position_window(POSITION, AS_OF) == (S, E)
    short = replace(POSITION, available_on=date(2026, 1, 31), tour_months=1)
    assert position_window(short, AS_OF) == (date(2026, 1, 31), date(2026, 2, 28))


def test_asap_starts_30_days_after_the_as_of_date():
    asap = replace(POSITION, available_on=None, tour_months=6)
    assert position_window(asap, date(2026, 2, 10)) == (date(2026, 3, 12), date(2026, 9, 12))
    # The start moves with the as-of date: an expert available on 12 March fits as of 10 Feb only.
    expert = replace(EXPERT, available_from=date(2026, 3, 12))
    assert outcomes(expert, asap, "unavailable", as_of=date(2026, 2, 10)) == ["met"]
    assert outcomes(expert, asap, "unavailable", as_of=date(2026, 2, 9)) == ["blocker"]


# --- blockers ---


def test_pool_status_other_than_active_blocks():
    assert outcomes(replace(EXPERT, pool_status="suspended"), rule="pool_status") == ["blocker"]
    assert details(replace(EXPERT, pool_status="left"), rule="pool_status") == ["pool status is left"]
    assert check(replace(EXPERT, pool_status="left")).status == "ineligible"


def test_deployment_ending_on_start_is_not_busy_one_day_later_is():
    assert outcomes(replace(EXPERT, active_deployment_ends=(S,)), rule="busy") == ["met"]
    busy = replace(EXPERT, active_deployment_ends=(S + DAY,))
    assert outcomes(busy, rule="busy") == ["blocker"]
    assert details(busy, rule="busy") == ["active deployment until 2026-03-02"]


def test_selection_for_another_position_overlapping_the_tour_is_busy():
    clash = replace(EXPERT, selections=((99, date(2026, 9, 1), date(2027, 9, 1)),))
    assert outcomes(clash, rule="busy") == ["blocker"]
    assert check(clash).status == "ineligible"


def test_selection_for_another_position_outside_the_tour_is_not_busy():
    before = replace(EXPERT, selections=((99, date(2025, 1, 1), S),))  # ends on S: touches only
    after = replace(EXPERT, selections=((99, E, date(2028, 1, 1)),))  # starts on E: touches only
    assert outcomes(before, rule="busy") == ["met"]
    assert outcomes(after, rule="busy") == ["met"]
    assert outcomes(replace(EXPERT, selections=((99, E - DAY, date(2028, 1, 1)),)), rule="busy") == ["blocker"]


def test_selection_for_the_same_position_is_not_busy():
    same = replace(EXPERT, selections=((POSITION.id, S, E),))
    assert outcomes(same, rule="busy") == ["met"]


def test_available_from_on_start_is_fine_one_day_later_blocks():
    assert outcomes(replace(EXPERT, available_from=S), rule="unavailable") == ["met"]
    late = replace(EXPERT, available_from=S + DAY)
    assert outcomes(late, rule="unavailable") == ["blocker"]
    assert details(late, rule="unavailable") == ["available from 2026-03-02"]


def test_unavailability_touching_start_blocks():
    ending_on_s = replace(EXPERT, unavailability=((date(2026, 2, 1), S, "sick leave"),))
    starting_on_s = replace(EXPERT, unavailability=((S, date(2026, 4, 1), "course"),))
    assert outcomes(ending_on_s, rule="unavailable") == ["blocker"]
    assert outcomes(starting_on_s, rule="unavailable") == ["blocker"]
    assert details(ending_on_s, rule="unavailable") == ["unavailable 2026-02-01 to 2026-03-01 (sick leave)"]


def test_unavailability_ending_the_day_before_start_does_not_block():
    before = replace(EXPERT, unavailability=((date(2026, 2, 1), S - DAY, "leave"),))
    after = replace(EXPERT, unavailability=((S + DAY, date(2026, 4, 1), "leave"),))
    assert outcomes(before, rule="unavailable") == ["met"]
    assert outcomes(after, rule="unavailable") == ["met"]


def test_language_exactly_at_the_level_passes_one_below_blocks():
    assert outcomes(replace(EXPERT, languages={"en": "B2"}), rule="language") == ["met"]
    below = replace(EXPERT, languages={"en": "B1"})
    assert outcomes(below, rule="language") == ["blocker"]
    assert details(below, rule="language") == ["en B1, needs B2"]


def test_missing_essential_language_blocks_with_a_readable_detail():
    position = replace(POSITION, languages_essential={"en": "B2", "ro": "B2"})
    assert outcomes(rule="language", position=position) == ["met", "blocker"]
    assert details(position=position, rule="language") == ["ro missing, needs B2"]


def test_native_counts_above_c2():
    assert cefr_rank("native") > cefr_rank("C2") > cefr_rank("C1")
    c2 = replace(POSITION, languages_essential={"pl": "C2"})
    native = replace(POSITION, languages_essential={"en": "native"})
    assert outcomes(position=c2, rule="language") == ["met"]  # EXPERT's pl is native
    assert outcomes(replace(EXPERT, languages={"en": "C2"}), native, "language") == ["blocker"]


def test_clearance_order_and_level_below_blocks():
    levels = ("NONE", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET")
    assert [clearance_rank(x) for x in levels] == [0, 1, 2, 3, 4]
    assert clearance_rank("SECRET UE") == clearance_rank("tajne") == 3
    low = replace(EXPERT, clearance_level="CONFIDENTIAL")
    assert outcomes(low, rule="clearance") == ["blocker"]
    assert details(low, rule="clearance") == ["CONFIDENTIAL, needs SECRET"]
    assert outcomes(replace(EXPERT, clearance_level="TOP_SECRET"), rule="clearance") == ["met"]


def test_no_clearance_required_means_none_is_fine():
    open_post = replace(POSITION, clearance_level="NONE")
    nothing = replace(EXPERT, clearance_level="NONE", clearance_expires=None)
    assert outcomes(nothing, open_post, "clearance") == ["met"]
    assert outcomes(nothing, open_post, "clearance_expiry") == ["met"]
    assert outcomes(nothing, rule="clearance") == ["blocker"]


def test_clearance_expiring_on_start_is_valid_the_day_before_blocks():
    assert outcomes(replace(EXPERT, clearance_expires=S), rule="clearance") == ["met"]
    expired = replace(EXPERT, clearance_expires=S - DAY)
    assert outcomes(expired, rule="clearance") == ["blocker"]
    assert details(expired, rule="clearance") == ["SECRET expired 2026-02-28, needs valid on 2026-03-01"]


def test_experience_exactly_the_minimum_passes_one_less_blocks():
    assert outcomes(replace(EXPERT, experience_years=5), rule="experience") == ["met"]
    junior = replace(EXPERT, experience_years=4)
    assert outcomes(junior, rule="experience") == ["blocker"]
    assert details(junior, rule="experience") == ["4 years, needs 5"]


def test_driving_licence_b_and_4x4():
    four_by_four = replace(POSITION, driving_licence="B_4X4")
    assert outcomes(replace(EXPERT, driving_licence="NONE"), rule="driving_licence") == ["blocker"]
    assert outcomes(replace(EXPERT, driving_licence="B_4X4"), rule="driving_licence") == ["met"]
    assert outcomes(EXPERT, four_by_four, "driving_licence") == ["blocker"]
    assert details(EXPERT, four_by_four, "driving_licence") == ["B, needs B_4X4"]
    assert outcomes(replace(EXPERT, driving_licence="B_4X4"), four_by_four, "driving_licence") == ["met"]
    no_licence_needed = replace(POSITION, driving_licence="NONE")
    assert outcomes(replace(EXPERT, driving_licence="NONE"), no_licence_needed, "driving_licence") == ["met"]


# --- gaps ---


def test_course_expiring_on_start_is_valid_the_day_before_is_a_gap():
    on_s = replace(EXPERT, trainings={"PDT": (None,), "HEAT": (S,)})
    day_before = replace(EXPERT, trainings={"PDT": (None,), "HEAT": (S - DAY,)})
    assert outcomes(on_s, rule="course") == ["met", "met"]
    assert outcomes(day_before, rule="course") == ["met", "gap"]
    assert check(day_before).status == "gaps"


def test_course_details_missing_expired_and_expiring_before_start():
    missing = replace(EXPERT, trainings={"HEAT": (date(2028, 1, 1),)})
    expired = replace(EXPERT, trainings={"PDT": (None,), "HEAT": (date(2026, 1, 31),)})
    expiring = replace(EXPERT, trainings={"PDT": (None,), "HEAT": (date(2026, 2, 20),)})
    assert details(missing, rule="course") == ["PDT missing"]
    assert details(expired, rule="course") == ["HEAT expired 2026-01-31"]
    assert details(expiring, rule="course") == ["HEAT expires 2026-02-20, needs valid on 2026-03-01"]


def test_any_valid_record_of_a_course_counts():
    renewed = replace(EXPERT, trainings={"PDT": (None,), "HEAT": (date(2025, 1, 1), date(2028, 1, 1))})
    assert outcomes(renewed, rule="course") == ["met", "met"]


def test_position_required_courses_count_besides_mandatory_ones():
    position = replace(POSITION, courses_required=("CSDP_OC", "PDT"))  # PDT listed twice: checked once
    assert outcomes(position=position, rule="course") == ["met", "met", "gap"]
    assert details(position=position, rule="course") == ["CSDP_OC missing"]


def test_clearance_expiring_before_tour_end_is_a_gap_on_tour_end_is_fine():
    assert outcomes(replace(EXPERT, clearance_expires=E), rule="clearance_expiry") == ["met"]
    short = replace(EXPERT, clearance_expires=E - DAY)
    assert outcomes(short, rule="clearance_expiry") == ["gap"]
    assert check(short).status == "gaps"
    assert details(short, rule="clearance_expiry") == ["clearance expires 2027-02-28, needs 2027-03-01"]


def test_passport_exactly_six_months_after_tour_end_is_fine_one_day_less_is_a_gap():
    needed = add_months(E, 6)
    assert needed == date(2027, 9, 1)
    assert outcomes(replace(EXPERT, passport_expires=needed), rule="passport") == ["met"]
    short = replace(EXPERT, passport_expires=needed - DAY)
    assert outcomes(short, rule="passport") == ["gap"]
    assert details(short, rule="passport") == ["passport expires 2027-08-31, needs 2027-09-01"]


def test_missing_passport_is_a_gap():
    assert outcomes(replace(EXPERT, passport_expires=None), rule="passport") == ["gap"]
    assert check(replace(EXPERT, passport_expires=None)).status == "gaps"


def test_blockers_win_over_gaps_and_every_finding_is_kept():
    ev = check(replace(EXPERT, experience_years=1, passport_expires=None))
    assert ev.status == "ineligible"
    assert [f.rule for f in ev.blockers] == ["experience"]
    assert [f.rule for f in ev.gaps] == ["passport"]
