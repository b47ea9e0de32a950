"""A coordinator signs in, sees the dashboard, and signs out."""
from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_coordinator_signs_in_sees_dashboard_and_signs_out(browser_page, make_user):
    page = browser_page
    user = make_user(Role.COORDINATOR, "MFA", name="Marta Koordynator")
    page.goto(page.base + "/")
    expect(page).to_have_url(page.base + "/sign-in?next=%2F")
    check_accessibility(page, "sign-in")

    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign-in failed")

    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Welcome, Marta Koordynator")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    check_accessibility(page, "dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.goto(page.base + "/")
    expect(page).to_have_url(page.base + "/sign-in?next=%2F")


def test_skip_link_leads_to_main_content(browser_page, make_user):
    page = browser_page
    user = make_user(Role.HR_OFFICER, "POLICE")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
