"""A coordinator imports a CfC annex, opens a position, sees ranked experts with reasons, opens the staffing plan."""
from datetime import date

from playwright.sync_api import expect

from seconding.models import DrivingLicence, Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD

HEADER = ("mission,cfc_ref,cfc_kind,eeas_deadline,national_deadline,position_ref,title,location,regime,posts,"
          "available_on,tour_months,clearance_level,min_experience_years,languages_essential,languages_desirable,"
          "expertise,driving_licence,courses_required,courses_desirable")
ROWS = (
    "EUMM Georgia,EUMM Georgia 5-2030,regular,2030-01-20 17:00,2030-01-13 12:00,GEO ZM 12,Monitor,Zugdidi,"
    "seconded,2,2030-03-01,12,NONE,3,en:B2,ru:B1,monitoring,B,,",
    "EUMM Georgia,EUMM Georgia 5-2030,regular,2030-01-20 17:00,2030-01-13 12:00,GEO HQ 07,Legal Adviser,Tbilisi,"
    "seconded,1,2030-03-01,12,NONE,8,ro:C1,,rule_of_law,NONE,,",
)


def test_coordinator_imports_an_annex_and_matches_experts(browser_page, make_user, make_expert, add_training,
                                                          tmp_path, job_worker):
    page = browser_page
    user = make_user(Role.COORDINATOR, "MFA")
    ready = make_expert("POLICE", given_name="Anna", family_name="Gotowa", languages="en:C1;ru:B2",
                        experience_years=9, expertise=["monitoring"], passport_expires=date(2035, 1, 1),
                        driving_licence=DrivingLicence.B)
    add_training(ready, "PDT", date(2029, 6, 1))
    add_training(ready, "HEAT", date(2029, 6, 1))
    make_expert("BORDER_GUARD", given_name="Jan", family_name="Brakujacy", languages="en:B2", experience_years=4,
                driving_licence=DrivingLicence.B_4X4)
    make_expert("NRA", given_name="Ola", family_name="Slaba", languages="en:A2", experience_years=12)
    bad = tmp_path / "annex-bad.csv"
    bad.write_text(HEADER + "\n" + ROWS[0].replace(",2,2030-03-01", ",0,2030-03-01") + "\n", encoding="utf-8")
    good = tmp_path / "annex.csv"
    good.write_text("\ufeff" + HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")

    sign_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Missions")
    check_accessibility(page, "missions")

    page.get_by_role("link", name="Import an annex").click()
    page.get_by_label("Annex file (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    # The check and the import are jobs: the job page follows them to their result.
    expect(page.get_by_role("heading", level=1)).to_have_text("Annex import: checking the file")
    job_worker()
    expect(page.get_by_role("heading", name="The file cannot be imported")).to_be_visible()
    expect(page.get_by_role("cell", name="outside 1 to 999")).to_be_visible()
    check_accessibility(page, "annex-errors")

    page.get_by_label("Annex file (CSV or XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check and confirm")).to_be_visible()
    expect(page.get_by_role("rowheader", name="GEO HQ 07")).to_be_visible()
    check_accessibility(page, "annex-preview")
    page.get_by_role("button", name="Confirm the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import complete")
    expect(page.get_by_role("status")).to_contain_text("The annex is imported: 1 CfC(s) created")
    check_accessibility(page, "annex-imported")
    page.get_by_role("link", name="EUMM Georgia 5-2030").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EUMM Georgia 5-2030")
    expect(page.get_by_text("2030-01-20 17:00 Brussels time")).to_be_visible()
    check_accessibility(page, "cfc")

    page.get_by_role("link", name="GEO ZM 12", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("GEO ZM 12: Monitor")
    check_accessibility(page, "position")

    page.get_by_role("link", name="Match experts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Experts for GEO ZM 12: Monitor")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Anna Gotowa")
    expect(rows.nth(0).locator(".app-badge").first).to_have_text("eligible")
    expect(rows.nth(1)).to_contain_text("Jan Brakujacy")
    expect(rows.nth(1)).to_contain_text("eligible with gaps")
    expect(rows.nth(1)).to_contain_text("Course: PDT missing")
    expect(page.get_by_text("Ola Slaba")).to_have_count(0)
    check_accessibility(page, "match-position")

    page.get_by_label("Show").select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.locator("table tbody tr").nth(2)).to_contain_text("Language: English A2, needs B2")

    page.get_by_role("link", name="Staffing plan for EUMM Georgia 5-2030").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staffing plan for EUMM Georgia 5-2030")
    expect(page.get_by_text("2 / 3")).to_be_visible()
    unfilled = page.locator("table").nth(1)
    expect(unfilled).to_contain_text("GEO HQ 07")
    expect(unfilled).to_contain_text("no active expert with Romanian C1")
    check_accessibility(page, "staffing-plan")
