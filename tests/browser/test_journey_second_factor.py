"""A coordinator, whose role needs a second factor, signs in, is sent to enrolment, adds the key shown to an
authenticator (pyotp here), confirms with a code, sees the recovery codes, signs out and signs in again with the
password and a fresh code."""
import time

import pyotp
import pytest
from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


@pytest.fixture
def second_factor_required(app, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ("admin", "coordinator"))


def test_coordinator_enrols_a_second_factor_and_signs_in_with_it(browser_page, make_user, second_factor_required):
    page = browser_page
    user = make_user(Role.COORDINATOR, "MFA", name="Marta Koordynator")
    sign_in(page, user.email, PASSWORD)

    # Sent to enrolment; nothing else opens until it is done.
    expect(page).to_have_url(page.base + "/account/second-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(page.get_by_text("Your role needs a second factor")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # signing out is always possible
    expect(page.get_by_role("img", name="QR code to scan with the authenticator app")).to_be_visible()
    check_accessibility(page, "second-factor-enrolment")
    page.goto(page.base + "/experts")
    expect(page).to_have_url(page.base + "/account/second-factor")

    # The key as the page shows it, typed into an authenticator (in groups of four, as people type it).
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.locator("#code-error")).to_contain_text("wrong")
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on the second factor").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your second factor is on")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    check_accessibility(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="I have kept the codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")

    # Again: the password, then a code. The enrolment's code is spent: the app's next one (its step comes next).
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(page.base + "/sign-in/code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    check_accessibility(page, "second-factor-code")
    page.goto(page.base + "/")  # not signed in before the code
    expect(page).to_have_url(page.base + "/sign-in?next=%2F")
    page.go_back()
    page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_text("Welcome, Marta Koordynator")).to_be_visible()
