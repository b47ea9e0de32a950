"""An HR officer adds an expert with two languages and a clearance, records HEAT and PDT, finds them again."""
from datetime import timedelta

from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_hr_officer_builds_a_profile_and_finds_it_in_the_list_and_matrix(browser_page, make_user):
    page = browser_page
    user = make_user(Role.HR_OFFICER, "BORDER_GUARD")
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Experts").click()
    check_accessibility(page, "experts-empty")
    page.get_by_role("link", name="Add an expert").click()

    page.get_by_label("Personnel number").fill("SG-2026-01")
    page.get_by_label("Given name").fill("Katarzyna")
    page.get_by_label("Family name").fill("Wiśniewska")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Years of relevant experience").fill("12")
    page.get_by_label("Primary expertise area").select_option("border_management")
    page.locator("#languages-0-code").select_option("en")
    page.locator("#languages-0-level").select_option("C1")
    page.locator("#languages-1-code").select_option("ru")
    page.locator("#languages-1-level").select_option("B2")
    page.get_by_label("Security clearance").select_option("SECRET")
    page.get_by_role("button", name="Save").click()
    # The clearance has no expiry: the form says so and keeps what was typed.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("A clearance level needs its expiry date.")
    check_accessibility(page, "expert-form-error")
    page.get_by_label("Clearance valid until").fill((today_in_warsaw() + timedelta(days=700)).isoformat())
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wiśniewska, Katarzyna")
    expect(page.get_by_text("English C1, Russian B2")).to_be_visible()  # languages by name, never their codes
    check_accessibility(page, "expert-detail")

    today = today_in_warsaw()
    for course, completed in (("HEAT", today - timedelta(days=20)), ("PDT", today - timedelta(days=5))):
        page.get_by_role("link", name="Record a training").click()
        page.get_by_label("Course").select_option(label=f"{course} — " + (
            "Hostile Environment Awareness Training" if course == "HEAT" else "ESDC CSDP Pre-Deployment Training"))
        page.get_by_label("Completed on").fill(completed.isoformat())
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("status")).to_contain_text("The training is recorded.")
    heat_row = page.get_by_role("row", name="HEAT Hostile Environment")
    expect(heat_row).to_contain_text("valid")
    expect(heat_row).to_contain_text((today - timedelta(days=20)).isoformat())

    page.goto(page.base + "/experts/?language=ru&min_level=B2&clearance=SECRET&training=valid")
    expect(page.get_by_role("link", name="Wiśniewska, Katarzyna")).to_be_visible()
    check_accessibility(page, "experts-filtered")
    page.goto(page.base + "/experts/?language=ru&min_level=C1")
    expect(page.get_by_role("link", name="Wiśniewska, Katarzyna")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    row = page.get_by_role("row", name="Wiśniewska, Katarzyna")
    expect(row.locator(".app-badge--valid")).to_have_count(3)  # overall, HEAT, PDT
    check_accessibility(page, "training-matrix")
