"""The work comes to the user: an HR officer submits; the coordinator, in another browser, follows the link of the
e-mail the app sent and returns the nomination with a comment; the HR officer's e-mail carries the comment and
links back to the nomination."""
import re
from datetime import date

from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def _link(server, address: str) -> tuple[str, str]:
    """The text and the nomination link of the latest e-mail to `address`."""
    message = [m for recipients, m in server.messages if address in recipients][-1]
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return text, re.search(r"https?://\S+/nominations/\d+", text).group(0)


def test_a_returned_nomination_reaches_the_hr_officer_by_e_mail(browser_page, browser, live_server, smtp_server,
                                                                 monkeypatch, app, make_user, make_expert, make_cfc,
                                                                 make_position):
    monkeypatch.setitem(app.config, "BASE_URL", live_server)  # the e-mails' links lead to this server
    position = make_position(make_cfc("EUMM Georgia", reference="EUMM Georgia 9-2030"), "GEO ZM 50",
                             available_on=date(2030, 6, 1))
    make_expert("POLICE", given_name="Jan", family_name="Kowalczyk", consent_on=date(2026, 2, 1))
    hr = make_user(Role.HR_OFFICER, "POLICE", email="hr.journey@example.org")
    coordinator = make_user(Role.COORDINATOR, "MFA", email="coordinator.journey@example.org")

    page = browser_page
    sign_in(page, hr.email, PASSWORD)
    page.goto(f"{page.base}/matches/positions/{position.id}")
    page.get_by_role("link", name="Nominate Jan Kowalczyk").click()
    page.get_by_label("Motivation").fill("Six years of monitoring work; Georgian A2.")
    page.get_by_role("button", name="Create the draft nomination").click()
    page.get_by_role("button", name="Submit to the coordinator").click()
    expect(page.get_by_role("status")).to_contain_text("Done")

    text, link = _link(smtp_server, coordinator.email)
    assert "Nomination submitted: Jan Kowalczyk for GEO ZM 50" in text
    other = browser.new_context()
    try:
        coordinator_page = other.new_page()
        coordinator_page.base = live_server
        sign_in(coordinator_page, coordinator.email, PASSWORD)
        coordinator_page.goto(link)
        form = coordinator_page.locator("form", has=coordinator_page.get_by_role("button",
                                                                                 name="Return to the service"))
        form.get_by_label("Comment or reason").fill("Please add the Georgian language certificate.")
        form.get_by_role("button", name="Return to the service").click()
        expect(coordinator_page.get_by_role("status")).to_contain_text("Done: Return to the service")
    finally:
        other.close()

    text, link = _link(smtp_server, hr.email)
    assert "Please add the Georgian language certificate." in text
    page.goto(link)
    expect(page.locator(".app-actions .app-badge")).to_have_text("draft")
    expect(page.get_by_role("table", name="Every step of this nomination")).to_contain_text(
        "Please add the Georgian language certificate.")
    check_accessibility(page, "nomination-returned-from-e-mail")
    page.goto(page.base + "/account/notifications")
    check_accessibility(page, "notification-preferences")
