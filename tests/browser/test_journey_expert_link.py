"""The expert's personal link (issue 31, acceptance 4): the HR officer sends it; the expert opens it from the e-mail
received by a real SMTP server (aiosmtpd), corrects their availability and consents to the draft nomination; the HR
officer accepts the correction side by side and submits the nomination."""
import re
import time
from datetime import date

from playwright.sync_api import expect

from seconding.models import Role
from seconding.nominations.services import create_nomination
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.fixtures_missions import MOTIVATION


def _mail(server, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    (recipients, message), = server.messages
    text = next(p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain")
    return recipients, text


def test_the_expert_corrects_and_consents_through_the_link(browser_page, app, db, make_user, make_expert, make_cfc,
                                                            make_position, smtp_server):
    page = browser_page
    app.config["BASE_URL"] = page.base  # the e-mail's link leads to the server the browser talks to
    position = make_position(make_cfc("EUMM Georgia", reference="EUMM Georgia 9-2030"), "GEO ZM 31",
                             title="Monitor", available_on=date(2030, 6, 1), tour_months=12)
    expert = make_expert("POLICE", given_name="Ewa", family_name="Zielińska", email="ewa.zielinska@example.org",
                         available_from=date(2026, 5, 1))
    hr = make_user(Role.HR_OFFICER, "POLICE")
    nomination = create_nomination(position, expert, hr, motivation=MOTIVATION)
    db.session.commit()

    # The HR officer sends the link from the expert's page.
    sign_in(page, hr.email, PASSWORD)
    page.goto(f"{page.base}/experts/{expert.id}")
    page.get_by_role("link", name="Personal link").click()
    page.get_by_label("Language of the e-mail").select_option("en")
    page.get_by_role("button", name="Send the link by e-mail").click()
    expect(page.get_by_role("status")).to_contain_text("A personal link is on its way to ewa.zielinska@example.org")
    page.get_by_role("button", name="Sign out").click()

    # The expert opens it from the e-mail.
    recipients, text = _mail(smtp_server)
    assert recipients == ["ewa.zielinska@example.org"]
    link, = re.findall(re.escape(page.base) + r"/me/\S+", text)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data in the national pool")
    expect(page.locator("main")).to_contain_text("Zielińska")
    check_accessibility(page, "expert-link-page")

    page.get_by_role("link", name="Propose corrections").click()
    page.get_by_label("Available from").fill("2026-09-01")
    page.get_by_role("button", name="Send the corrections").first.click()
    expect(page.get_by_role("status")).to_contain_text("Your corrections are sent to your HR officer")

    page.get_by_role("link", name=re.compile("GEO ZM 31")).click()
    expect(page.locator("main")).to_contain_text("What will be sent to the EEAS")
    page.get_by_text("I consent to this nomination", exact=True).click()  # USWDS hides the input behind its label
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your consent is recorded")
    check_accessibility(page, "expert-link-nomination")

    # The HR officer accepts the correction, side by side, and submits the nomination.
    sign_in(page, hr.email, PASSWORD)
    page.goto(f"{page.base}/experts/{expert.id}")
    expect(page.locator("main")).to_contain_text("1 correction proposed by the expert")
    page.get_by_role("link", name=re.compile("Availability")).click()
    compare = page.get_by_role("table", name="What the profile holds now, and what the expert proposes")
    expect(compare).to_contain_text("Available from: 2026-05-01")
    expect(compare).to_contain_text("Available from: 2026-09-01")
    check_accessibility(page, "expert-link-side-by-side")
    page.get_by_role("button", name="Accept the correction").click()
    expect(page.get_by_role("status")).to_contain_text("The correction is applied to the profile")
    expect(page.locator("main")).to_contain_text("2026-09-01")

    page.goto(f"{page.base}/nominations/{nomination.id}")
    expect(page.locator("main")).to_contain_text("given by the expert through the personal link")
    page.get_by_role("button", name="Submit to the coordinator").click()
    expect(page.get_by_role("status")).to_contain_text("Done")
