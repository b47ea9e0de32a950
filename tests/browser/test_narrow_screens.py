"""A phone (390 x 844), in Polish: the main pages of each role never scroll sideways (wide tables scroll inside their
own container), and the menu opens from its button. Screenshots are kept in test-artifacts/narrow-*.png."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from seconding.demo import seed_demo
from seconding.models import (
    Cfc,
    Deployment,
    Expert,
    Institution,
    JobState,
    Mission,
    NipAction,
    Nomination,
    Position,
    Role,
    User,
)
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import PASSWORD
from tests.fixtures_jobs import make_job

PHONE = {"width": 390, "height": 844}
EVERYONE = ("/", "/missions/", "/missions/cfcs", "/missions/cfcs/{cfc}", "/missions/positions/{position}",
            "/missions/{mission}", "/tracker/", "/tracker/calls/{cfc}", "/nip/", "/nip/actions/{action}",
            "/nip/report", "/nip/compliance", "/nip/targets", "/nip/commitments", "/reports/", "/reports/deployed",
            "/reports/years", "/reports/funnel", "/reports/readiness", "/reports/training", "/account", "/jobs/",
            "/jobs/{waiting_job}", "/jobs/{ended_job}")
PERSONAL = ("/experts/", "/experts/{expert}", "/experts/completeness", "/training/", "/training/courses",
            "/register/", "/register/export", "/training/matrix.csv", "/nominations/", "/nominations/?show=closed",
            "/nominations/{nomination}",
            "/matches/positions/{position}", "/matches/experts/{expert}", "/matches/cfcs/{cfc}/plan",
            "/deployments/", "/deployments/{deployment}", "/deployments/returned")
COORDINATION = ("/audit/", "/digest/preview")
ADMINISTRATION = ("/digest/deliveries", "/admin/users", "/admin/institutions", "/admin/notifications",
                  "/admin/api-tokens/")
PAGES = {
    Role.ADMIN: EVERYONE + PERSONAL + COORDINATION + ADMINISTRATION,
    Role.COORDINATOR: EVERYONE + PERSONAL + COORDINATION,
    Role.HR_OFFICER: EVERYONE + PERSONAL,
    Role.VIEWER: EVERYONE,
}


def _demo_ids(db, user: User) -> dict:
    """One of each object the role may open (an HR officer's expert, nomination and tour are of their institution)."""
    first = lambda statement: db.session.scalar(statement.limit(1))  # noqa: E731
    experts = select(Expert.id).order_by(Expert.id)
    nominations = select(Nomination.id).join(Expert, Nomination.expert_id == Expert.id).order_by(Nomination.id)
    deployments = select(Deployment.id).join(Expert, Deployment.expert_id == Expert.id).order_by(Deployment.id)
    if user.role == Role.HR_OFFICER:
        mine = Expert.institution_id == user.institution_id
        experts, nominations, deployments = experts.where(mine), nominations.where(mine), deployments.where(mine)
    cfc = first(select(Cfc.id).join(Position, Position.cfc_id == Cfc.id).order_by(Cfc.id))
    return {"expert": first(experts), "nomination": first(nominations), "deployment": first(deployments),
            "cfc": cfc, "position": first(select(Position.id).where(Position.cfc_id == cfc).order_by(Position.id)),
            "mission": first(select(Mission.id).order_by(Mission.id)),
            "action": first(select(NipAction.id).order_by(NipAction.id))}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER, Role.VIEWER], ids=lambda r: r.value)
def test_no_page_scrolls_sideways_on_a_phone(browser_page, db, role):
    seed_demo()
    user = db.session.scalars(select(User).where(User.role == role).order_by(User.id)).first()
    if role == Role.HR_OFFICER:
        assert db.session.get(Institution, user.institution_id).code == "POLICE"
    user.locale = "pl"
    user.set_password(PASSWORD)
    ids = _demo_ids(db, user)
    db.session.commit()
    # The user's own jobs: one waiting (its progress bar), one that ended (its message).
    ids["waiting_job"] = make_job(user, JobState.QUEUED).id
    ids["ended_job"] = make_job(user, JobState.FAILED).id

    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, user.email, PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    wide = []
    for path in PAGES[role]:
        url = path.format(**ids)
        response = page.goto(page.base + url)
        assert response.status == 200, f"{url}: {response.status}"
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            wide.append((url, scroll_width))
        name = f"narrow-{role.value}-" + (url.strip("/").replace("/", "-").replace("?", "-") or "dashboard")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert wide == [], f"pages wider than the phone's {PHONE['width']} pixels: {wide}"

    # The menu: a button on a phone; it opens the navigation and closes again.
    page.goto(page.base + "/")
    navigation = page.get_by_role("navigation", name="Menu główne")
    expect(navigation).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(navigation.get_by_role("link", name="Pulpit")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"narrow-{role.value}-menu.png"))
    navigation.get_by_role("button", name="Zamknij menu").click()
    expect(navigation).to_be_hidden()


def test_a_wide_table_scrolls_in_its_own_container_with_its_first_column_kept(browser_page, db):
    seed_demo()
    user = db.session.scalars(select(User).where(User.role == Role.ADMIN)).first()
    user.locale = "pl"
    user.set_password(PASSWORD)
    db.session.commit()

    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, user.email, PASSWORD)
    page.goto(page.base + "/experts/")
    region = page.get_by_role("region", name="Eksperci w Twoim zakresie")
    expect(region).to_have_attribute("tabindex", "0")
    sizes = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1]  # the table is wider than the phone: it scrolls inside the container
    first_cell = region.locator("tbody tr").first.locator("th, td").first
    before = first_cell.bounding_box()["x"]
    region.focus()
    page.keyboard.press("End")  # a keyboard user scrolls the focused container
    region.evaluate("e => e.scrollLeft = e.scrollWidth")
    assert region.evaluate("e => e.scrollLeft") > 0
    assert first_cell.bounding_box()["x"] == pytest.approx(before, abs=1)  # the first column stays in view
    page.screenshot(path=str(ARTIFACTS / "narrow-experts-scrolled.png"))
