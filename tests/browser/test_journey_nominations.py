"""An HR officer nominates from a match; the coordinator endorses, forwards and records the selection."""
from datetime import date

from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_nomination_from_match_to_deployment(browser_page, make_user, make_expert, make_cfc, make_position):
    page = browser_page
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 7-2030")
    position = make_position(cfc, "GEO ZM 21", title="Monitor", available_on=date(2030, 6, 1), tour_months=12)
    make_expert("POLICE", given_name="Ewa", family_name="Zielińska", consent_on=date(2026, 2, 1))
    hr = make_user(Role.HR_OFFICER, "POLICE")
    coordinator = make_user(Role.COORDINATOR, "MFA")

    sign_in(page, hr.email, PASSWORD)
    page.goto(f"{page.base}/matches/positions/{position.id}")
    page.get_by_role("link", name="Nominate Ewa Zielińska").click()
    expect(page.get_by_label("Position")).to_have_value(str(position.id))
    check_accessibility(page, "nominate")
    page.get_by_role("button", name="Create the draft nomination").click()
    expect(page.get_by_role("status")).to_contain_text("A draft nomination is created")
    page.get_by_role("button", name="Submit to the coordinator").click()
    expect(page.get_by_role("status")).to_contain_text("Done")
    expect(page.locator("h1 + .app-badge, .app-actions .app-badge").first).to_have_text("submitted")
    check_accessibility(page, "nomination-submitted")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Nominations").click()
    check_accessibility(page, "nominations-board")
    page.get_by_role("link", name="Zielińska, Ewa").click()
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Endorse")
    page.get_by_label("Forwarded on").fill("2030-02-25")
    page.get_by_label("Goalkeeper reference").fill("GK-2030-0042")
    page.get_by_role("button", name="Forward to the EEAS").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Forward to the EEAS")
    page.get_by_role("button", name="Record: selected").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Record: selected")
    history = page.get_by_role("table", name="Every step of this nomination")
    expect(history.get_by_role("row")).to_have_count(6)  # header + draft, submitted, endorsed, forwarded, selected
    check_accessibility(page, "nomination-selected")

    page.get_by_role("link", name="Ewa Zielińska").first.click()
    deployments = page.locator("#missions-heading").locator("xpath=..")
    expect(deployments).to_contain_text("EUMM Georgia, Monitor: 2030-06-01 – 2031-06-01")
    expect(deployments).to_contain_text("planned")
    check_accessibility(page, "expert-with-deployment")
