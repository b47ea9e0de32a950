"""An HR officer sees what an expert's profile lacks, confirms it as current, and reads the completeness overview."""
from datetime import timedelta

from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.test_profiles_rules import CV


def test_hr_officer_confirms_a_profile_and_reads_the_overview(browser_page, make_user, make_expert, db):
    page = browser_page
    today = today_in_warsaw()
    complete = make_expert("POLICE", given_name="Anna", family_name="Kompletna",
                           passport_expires=today + timedelta(days=900), available_from=today,
                           consent_on=today - timedelta(days=3), **CV)
    old = make_expert("POLICE", given_name="Piotr", family_name="Bezpaszportowy", available_from=today,
                      consent_on=today - timedelta(days=3), **CV)
    for expert in (complete, old):  # entered more than 6 months ago and never confirmed since
        expert.created_at -= timedelta(days=400)
    db.session.commit()
    user = make_user(Role.HR_OFFICER, "POLICE", name="Ewa Kadrowa")
    sign_in(page, user.email, PASSWORD)

    page.goto(page.base + "/experts/")
    page.get_by_label("Profile").select_option("passport")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Kompletna, Anna")).to_have_count(0)
    page.get_by_role("link", name="Bezpaszportowy, Piotr").click()

    section = page.get_by_role("region", name="Profile completeness")
    expect(section).to_contain_text("2 fields missing")  # the passport and the mandatory courses
    expect(section).to_contain_text("no expiry date recorded")
    expect(section).to_contain_text("not confirmed for 6 months")
    check_accessibility(page, "expert-completeness")
    section.get_by_role("button", name="Confirm as current").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The profile is confirmed as current. Still missing: Passport, Mandatory courses.")
    expect(section).to_contain_text("by Ewa Kadrowa")
    expect(section).not_to_contain_text("not confirmed for 6 months")

    page.goto(page.base + "/experts/")
    page.get_by_role("link", name="Profile completeness").click()
    police = page.get_by_role("row", name="POLICE")
    expect(police).to_contain_text("0 %")  # both lack the mandatory courses
    expect(police).to_contain_text("50 %")  # one of two confirmed
    check_accessibility(page, "profile-completeness")
