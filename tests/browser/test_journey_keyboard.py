"""The nomination workflow with the keyboard alone: every step is reached with Tab and done with Enter or typing;
focus is always visible. A mouse is never used (no click, no focus() from the test)."""
from datetime import date

from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.models import Role
from tests.conftest import PASSWORD

FOCUSED = r"""() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';
  const style = getComputedStyle(e);
  return {tag: e.tagName, text: (e.textContent || e.value || '').replace(/\s+/g, ' ').trim(),
          label: label.replace(/\s+/g, ' ').trim(),
          outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'}; }"""


def tab_to(page, name: str, *, limit: int = 150) -> None:
    """Press Tab until the focused element's text or label starts with `name`; fails when it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and (focused["text"].startswith(name) or focused["label"].startswith(name)):
            assert focused["outline"], f"focus on {name!r} is not visible"
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def press(page, name: str) -> None:
    """Reach a link or button by Tab and press Enter; every one of this journey leads to a new page."""
    tab_to(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_nomination_workflow_by_keyboard(browser_page, make_user, make_expert, make_cfc, make_position):
    page = browser_page
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 8-2030")
    position = make_position(cfc, "GEO ZM 41", title="Monitor", available_on=date(2030, 6, 1))
    make_expert("POLICE", given_name="Ewa", family_name="Klawiszowa", consent_on=date(2026, 2, 1))
    hr = make_user(Role.HR_OFFICER, "POLICE")
    coordinator = make_user(Role.COORDINATOR, "MFA")

    def sign_in(email: str) -> None:
        page.goto(page.base + "/sign-in")
        tab_to(page, "E-mail")
        page.keyboard.type(email)
        tab_to(page, "Password")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    sign_in(hr.email)
    page.goto(f"{page.base}/matches/positions/{position.id}")
    press(page, "Nominate Ewa Klawiszowa")
    expect(page.get_by_label("Position")).to_have_value(str(position.id))
    tab_to(page, "Motivation")
    page.keyboard.type("Ten years of border checks; fluent English.")
    press(page, "Create the draft nomination")
    expect(page.get_by_role("status")).to_contain_text("A draft nomination is created")
    press(page, "Submit to the coordinator")
    expect(page.get_by_role("status")).to_contain_text("Done")
    press(page, "Sign out")
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    sign_in(coordinator.email)
    press(page, "Nominations")
    press(page, "Klawiszowa, Ewa")
    press(page, "Endorse")
    expect(page.get_by_role("status")).to_contain_text("Done: Endorse")
    tab_to(page, "Forwarded on")
    today = today_in_warsaw()  # a forwarding date is never in the future
    page.keyboard.type(today.strftime("%m%d%Y"))  # a native date field takes the digits in the browser's order (en-US)
    expect(page.get_by_label("Forwarded on")).to_have_value(today.isoformat())
    tab_to(page, "Goalkeeper reference")
    page.keyboard.type("GK-2030-0077")
    press(page, "Forward to the EEAS")
    expect(page.get_by_role("status")).to_contain_text("Done: Forward to the EEAS")
    press(page, "Record: selected")
    expect(page.get_by_role("status")).to_contain_text("Done: Record: selected")
    expect(page.get_by_role("table", name="Every step of this nomination").get_by_role("row")).to_have_count(6)
