"""An HR officer imports a register: a file with errors, the error list, the corrected file, the preview, the
confirmation, and the new experts in the expert list. The check and the import run as jobs: the officer watches
the job page's bar, which moves to the result without a reload."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from seconding.models import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD, config
from tests.fixtures_register import csv_bytes, row


def test_hr_officer_fixes_a_register_and_imports_it(browser_page, make_user, tmp_path, job_worker):
    page = browser_page
    user = make_user(Role.HR_OFFICER, "POLICE", name="Hanna Kadrowa")
    good = [row(external_id="J-0001", given_name="Jadwiga", family_name="Podróżna"),
            row(external_id="J-0002", given_name="Jerzy", family_name="Wędrowny", sex="M", clearance_level="",
                clearance_expires="", trainings="PDT:2024-05-17;HEAT:2025-01-10")]
    bad = [dict(good[0], date_of_birth="1985-02-30"), dict(good[1], languages="english")]
    (tmp_path / "pool.csv").write_bytes(csv_bytes(bad))
    (tmp_path / "pool-fixed.csv").write_bytes(csv_bytes(good))

    sign_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    check_accessibility(page, "register-index")

    page.locator("input[type=file]").set_input_files(str(tmp_path / "pool.csv"))
    page.get_by_role("button", name="Check the file").click()
    # The upload answers at once with the job's page: no worker has taken it yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Register import: checking the file")
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker")
    expect(page.get_by_role("progressbar", name="Waiting for a worker")).to_be_visible()
    check_accessibility(page, "register-job-waiting")
    job_url = page.url
    job_worker()  # a worker starts: the page follows the job and shows its result, without a reload by the test
    expect(page.get_by_role("heading", level=2, name="2 problems found: nothing was changed")).to_be_visible()
    assert page.url == job_url
    errors = page.get_by_role("list", name="Problems in the file")
    expect(errors).to_contain_text("1985-02-30 is not a date in the calendar.")
    expect(errors.get_by_role("listitem").nth(0)).to_contain_text("row 2, column date_of_birth: ")
    expect(errors.get_by_role("listitem").nth(1)).to_contain_text("row 3, column languages: ")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    check_accessibility(page, "register-errors")

    page.locator("input[type=file]").set_input_files(str(tmp_path / "pool-fixed.csv"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The file has no errors. Nothing is changed until you confirm.")).to_be_visible()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-trainings")).to_have_text("3")
    changes = page.get_by_role("table", name="Rows that change the pool")
    expect(changes).to_contain_text("Jadwiga Podróżna")
    check_accessibility(page, "register-preview")

    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import complete")
    expect(page.get_by_role("alert")).to_contain_text("2 created, 0 updated, 0 unchanged; training records added: 3")

    page.get_by_role("link", name="Your jobs").click()
    jobs = page.get_by_role("table", name="Your jobs")
    expect(jobs.get_by_role("row")).to_have_count(4)  # the header, two checks and the import
    expect(jobs.get_by_role("row").nth(1)).to_contain_text("Register import")
    expect(jobs.get_by_role("row").nth(1)).to_contain_text("2 created, 0 updated")
    expect(jobs.get_by_role("row").nth(3)).to_contain_text("2 problems found")
    check_accessibility(page, "jobs-list")
    page.go_back()
    check_accessibility(page, "register-done")

    page.get_by_role("link", name="See the experts").click()
    expect(page).to_have_url(page.base + "/experts/")
    main = page.locator("main")
    expect(main).to_contain_text("Podróżna")
    expect(main).to_contain_text("Wędrowny")
    check_accessibility(page, "register-experts")


def test_a_job_page_left_open_past_the_idle_timeout_goes_to_the_sign_in_page(app, browser_page, make_user, tmp_path):
    """The bar's status, asked for every second, does not keep the session alive: once it is over, the page says so
    (the sign-in page) instead of a bar that stops moving."""
    page = browser_page
    user = make_user(Role.HR_OFFICER, "POLICE")
    (tmp_path / "pool.csv").write_bytes(csv_bytes([row(external_id="J-0001")]))
    sign_in(page, user.email, PASSWORD)
    page.goto(page.base + "/register/")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "pool.csv"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker")  # no worker: the job waits
    with config(app, PERMANENT_SESSION_LIFETIME=timedelta(seconds=2)):
        page.reload()  # the page's session now ends 2 s after this, its last page
        expect(page.get_by_role("status")).to_have_text("Waiting for a worker")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=8_000)
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fjobs%2F\d+$"))  # and back to the job once signed in
