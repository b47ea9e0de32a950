"""An HR officer creates an API token on the account page, a system uses it, the officer revokes it."""
from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_hr_officer_creates_uses_and_revokes_a_token(browser_page, make_user, make_expert):
    page = browser_page
    make_expert("POLICE", external_id="P-API", family_name="Nowak")
    make_expert("BORDER_GUARD", external_id="B-API", family_name="Lis")
    officer = make_user(Role.HR_OFFICER, "POLICE", name="Olga Officer")

    sign_in(page, officer.email, PASSWORD)
    page.get_by_role("link", name="Olga Officer").click()
    expect(page.get_by_text("You have no API token.")).to_be_visible()
    page.get_by_label("Token name").fill("Police HR system")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status")).to_contain_text("shown only this once")
    secret = page.locator("#new-token").inner_text()
    check_accessibility(page, "account-api-token")

    # The system uses the token: the officer's scope, as JSON.
    answer = page.request.get(page.base + "/api/v1/experts", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert [e["external_id"] for e in answer.json()["items"]] == ["P-API"]

    page.get_by_role("link", name="Olga Officer").click()  # the secret is not shown again; the token is listed
    expect(page.locator("#new-token")).to_have_count(0)
    row = page.get_by_role("table", name="Your API tokens").get_by_role("row").filter(has_text="Police HR system")
    expect(row).to_contain_text(secret[:12])
    page.get_by_role("button", name="Revoke the token Police HR system").click()
    expect(page.get_by_text("is revoked: it no longer opens the API")).to_be_visible()
    expect(row).to_contain_text("revoked")
    answer = page.request.get(page.base + "/api/v1/experts", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401
    assert answer.json()["error"]["code"] == "unauthorized"
