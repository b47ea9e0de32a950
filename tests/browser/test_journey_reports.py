"""A Polish-speaking coordinator goes from the dashboard to the reports, filters one and downloads its table."""
from datetime import date, timedelta

from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.deployments.services import record_deployment
from seconding.models import Mission, Role
from seconding.models.enums import DeploymentStatus
from seconding.models.enums import NominationStatus as N
from seconding.nominations.services import create_nomination
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD
from tests.fixtures_missions import *  # noqa: F403


def test_reports_in_polish_with_charts_tables_and_downloads(browser_page, db, make_user, make_expert, make_cfc,
                                                            make_position):
    page = browser_page
    today = today_in_warsaw()
    mission = db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    for institution, sex in (("POLICE", "F"), ("POLICE", "M"), ("BORDER_GUARD", "F")):
        record_deployment(expert=make_expert(institution, sex=sex), mission=mission, start=today - timedelta(days=9),
                          end=today + timedelta(days=300), status=DeploymentStatus.DEPLOYED)
    admin = make_user(Role.ADMIN)
    position = make_position(make_cfc(reference="EUMM Georgia 5-2030"), "GEO 5", posts=3)
    for institution, status in (("POLICE", N.SELECTED), ("BORDER_GUARD", N.NOT_SELECTED)):
        nomination = create_nomination(position, make_expert(institution), admin, consent_on=date(2026, 1, 1))
        nomination.status, nomination.forwarded_on = status, date(2026, 3, 1)
    coordinator = make_user(Role.COORDINATOR, "MFA", locale="pl")
    db.session.commit()

    sign_in(page, coordinator.email, PASSWORD)
    expect(page.get_by_role("heading", name="Pulpit", exact=True)).to_be_visible()
    check_accessibility(page, "dashboard-pl")
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Raporty").click()
    check_accessibility(page, "reports-pl")

    page.get_by_role("link", name="Obecnie na misjach").click()
    by_mission = page.get_by_role("table", name="Eksperci obecnie na misjach, według misji")
    expect(by_mission.get_by_role("row").nth(1)).to_contain_text("EUMM Georgia")
    expect(by_mission.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(["3", "2", "66,7 %"])
    expect(page.locator("svg[role=img]").first).to_be_visible()
    check_accessibility(page, "report-deployed-pl")

    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Raporty").click()
    page.get_by_role("link", name="Lejek nominacji").click()
    page.get_by_label("Instytucja (wraz z podległymi)").select_option("POLICE")
    page.get_by_role("button", name="Zastosuj filtry").click()
    by_call = page.get_by_role("table", name="Lejek nominacji według naboru")
    expect(by_call.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["1", "1", "1", "0", "0", "100 %", "0 %", "0 %", "0 %"])  # the share of women at each stage
    check_accessibility(page, "report-funnel-pl")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV Lejek nominacji według naboru").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert content.splitlines()[0].startswith("Nabór,Zgłoszeni,Przekazani,Wybrani")
    assert "EUMM Georgia 5-2030,1,1,1,0,0,100.0" in content
