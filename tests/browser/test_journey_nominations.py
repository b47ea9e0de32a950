"""An HR officer nominates from a match; the coordinator endorses, forwards and records the selection."""
from datetime import date

from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.models import Role
from tests.browser.conftest import ARTIFACTS, check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.fixtures_missions import MOTIVATION


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
    page.get_by_label("Motivation").fill("Eight years of community policing in Gdańsk; fluent English.")
    page.get_by_role("button", name="Create the draft nomination").click()
    expect(page.get_by_role("status")).to_contain_text("A draft nomination is created")
    page.get_by_role("button", name="Submit to the coordinator").click()
    expect(page.get_by_role("status")).to_contain_text("Done")
    expect(page.locator("h1 + .app-badge, .app-actions .app-badge").first).to_have_text("submitted")
    check_accessibility(page, "nomination-submitted")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, coordinator.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Nominations").click()
    page.wait_for_url("**/nominations/")
    check_accessibility(page, "nominations-board")
    page.get_by_role("link", name="Zielińska, Ewa").click()
    # The coordinator reads why the service put her forward.
    expect(page.locator("main")).to_contain_text("Eight years of community policing in Gdańsk; fluent English.")
    page.get_by_role("button", name="Endorse").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Endorse")
    expect(page.get_by_label("Forwarded on")).to_have_value(today_in_warsaw().isoformat())  # today, to change
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


def test_eeas_steps_with_comments_and_a_tour_curtailed_through_its_confirmation(browser_page, make_user, make_expert,
                                                                               make_cfc, make_position, db):
    """A coordinator records shortlisted -> interviewed -> selected, each with the EEAS's comment, sees all three in
    the history and the planned deployment, then curtails the tour on the confirmation page."""
    from seconding.nominations.services import Decision, act, create_nomination

    page = browser_page
    position = make_position(make_cfc("EUMM Georgia", reference="EUMM Georgia 8-2030"), "GEO ZM 30",
                             title="Monitor", available_on=date(2030, 6, 1), tour_months=12)
    expert = make_expert("POLICE", given_name="Anna", family_name="Wiśniewska", consent_on=date(2026, 2, 1))
    coordinator = make_user(Role.COORDINATOR, "MFA")
    nomination = create_nomination(position, expert, coordinator, motivation=MOTIVATION)
    for action in ("submit", "endorse", "forward"):
        act(nomination, action, coordinator, Decision(forwarded_on=today_in_warsaw(), goalkeeper_ref="GK-30"),
            version=None)
    db.session.commit()

    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"{page.base}/nominations/{nomination.id}")
    for button, note in (("Record: shortlisted", "Shortlisted by the mission"),
                         ("Record: interviewed", "Interview by video, good Russian"),
                         ("Record: selected", "Selected; start on 1 June")):
        form = page.locator("form", has=page.get_by_role("button", name=button))
        form.get_by_label("EEAS feedback").fill(note)
        form.get_by_role("button", name=button).click()
        expect(page.get_by_role("status")).to_contain_text(f"Done: {button}")
    history = page.get_by_role("table", name="Every step of this nomination")
    for note in ("Shortlisted by the mission", "Interview by video, good Russian", "Selected; start on 1 June"):
        expect(history).to_contain_text(note)
    check_accessibility(page, "nomination-eeas-steps")
    page.get_by_role("link", name="EUMM Georgia from 2030-06-01 to 2031-06-01").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deployment of Anna Wiśniewska")

    curtail = page.locator("form", has=page.get_by_role("button", name="End early…"))
    curtail.get_by_label("Reason").fill("The mission's mandate was not renewed")
    curtail.get_by_role("button", name="End early…").click()
    expect(page.get_by_role("heading", name="What will change")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The mission's mandate was not renewed")
    check_accessibility(page, "confirm-curtailment")
    page.screenshot(path=ARTIFACTS / "confirm-curtailment.png", full_page=True)
    page.get_by_role("button", name="Confirm: the tour is curtailed").click()
    expect(page.get_by_role("status")).to_contain_text("The tour is curtailed")
    expect(page.locator(".app-actions .app-badge")).to_have_text("curtailed")
