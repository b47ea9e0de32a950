"""A coordinator reports progress on a stale NIP action and sees the compliance overview change."""
from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_progress_update_changes_the_overview(browser_page, make_user, make_action):
    page = browser_page
    make_action("POLICE", title="Rapid roster for 30-day launch", due=200, progress=30, updated=120)
    make_action("NRA", title="Customs experts pool", due=300, progress=50, updated=3)
    coordinator = make_user(Role.COORDINATOR, "MFA")

    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="NIP").click()
    check_accessibility(page, "nip-actions")
    page.get_by_role("link", name="Compliance overview").click()
    by_lead = page.get_by_role("table", name="By lead institution")
    police = by_lead.get_by_role("row").filter(has_text="POLICE")
    expect(police.get_by_role("cell")).to_have_text(["1", "0", "0", "0", "1"])
    expect(page.get_by_text("All actions: 2, completed 0, overdue 0, at risk 0, stale 1.")).to_be_visible()
    check_accessibility(page, "nip-compliance")

    police.get_by_role("link", name="POLICE").click()
    page.get_by_role("link", name="Rapid roster for 30-day launch").click()
    expect(page.locator(".app-badge--stale")).to_have_text("stale")
    page.get_by_label("Progress (%)").fill("55")
    page.get_by_label("What was done").fill("Roster rules adopted by the ministry")
    page.get_by_role("button", name="Add the update").click()
    expect(page.get_by_role("status")).to_contain_text("The progress update is added")
    expect(page.locator(".app-badge--stale")).to_have_count(0)
    history = page.get_by_role("table", name="Progress updates, latest first")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Roster rules adopted by the ministry")
    check_accessibility(page, "nip-action")

    page.get_by_role("link", name="National Implementation Plan").first.click()
    page.get_by_role("link", name="Compliance overview").click()
    expect(page.get_by_text("All actions: 2, completed 0, overdue 0, at risk 0, stale 0.")).to_be_visible()
    police = page.get_by_role("table", name="By lead institution").get_by_role("row").filter(has_text="POLICE")
    expect(police.get_by_role("cell")).to_have_text(["1", "0", "0", "0", "0"])
    page.get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("table", name="Commitments and their actions")).to_contain_text(
        "Roster rules adopted by the ministry")
    check_accessibility(page, "nip-report")
