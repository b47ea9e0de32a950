"""A coordinator forwards a batch from the board and downloads its Goalkeeper package, built by a job: one ZIP, a PDF
and a DOCX per nomination; one PDF page is rendered as a picture (pdftoppm) and kept in test-artifacts/ for people."""
import io
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pypdf
from playwright.sync_api import expect

from seconding.dates import today_in_warsaw
from seconding.models import Role
from seconding.models.enums import NominationStatus
from tests.browser.conftest import ARTIFACTS, check_accessibility, sign_in
from tests.conftest import PASSWORD


def test_forward_a_batch_and_download_its_package(browser_page, db, make_user, make_expert, make_cfc, make_position,
                                                  make_nomination, job_worker):
    page = browser_page
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 9-2030")
    admin = make_user(Role.ADMIN)
    people = [("POLICE", "Małgorzata", "Wójcik-Łęcka", "F", "GEO ZM 31"),
              ("BORDER_GUARD", "Grzegorz", "Brzęczyszczykiewicz", "M", "GEO ZM 32")]
    for institution, given, family, sex, ref in people:
        expert = make_expert(institution, given_name=given, family_name=family, sex=sex, rank="komisarz",
                             languages="en:C1;ka:A2", expertise=["monitoring"], consent_on=date(2026, 1, 5))
        make_nomination(make_position(cfc, ref, title="Monitor", available_on=date(2030, 6, 1)), expert,
                        NominationStatus.ENDORSED, by=admin)
    coordinator = make_user(Role.COORDINATOR, "MFA")

    sign_in(page, coordinator.email, PASSWORD)
    page.goto(f"{page.base}/nominations/?cfc={cfc.id}&status=endorsed")
    for _institution, given, family, _sex, ref in people:
        # USWDS hides the input under its own box (drawn by the label's ::before, whose text is for screen
        # readers only), so Playwright sees nothing to click: send the click to the input itself.
        page.get_by_label(f"{given} {family} — {ref}").dispatch_event("click")
        expect(page.get_by_label(f"{given} {family} — {ref}")).to_be_checked()
    page.get_by_label("Action").select_option("forward")
    page.get_by_label("Forwarded on").fill(today_in_warsaw().isoformat())  # never in the future
    page.get_by_label("Goalkeeper reference").fill("GK-2030-0099")
    page.get_by_role("button", name="Apply", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Packages for Goalkeeper")
    expect(page.get_by_role("status")).to_contain_text("2 nominations: Forward to the EEAS.")
    heading = "Małgorzata Wójcik-Łęcka — EUMM Georgia 9-2030 · GEO ZM 31"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("main")).to_contain_text("date of birth")  # missing data, listed before the download
    check_accessibility(page, "package-batch")
    job_worker()
    # The button starts a job; its page follows it to the file, offered for download.
    page.get_by_role("button", name="Download package (ZIP)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Goalkeeper packages (ZIP)")
    expect(page.get_by_role("link", name="Download the file")).to_be_visible(timeout=60_000)
    check_accessibility(page, "package-batch-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the file").click()
    path = ARTIFACTS / "package-batch.zip"
    info.value.save_as(path)

    archive = zipfile.ZipFile(path)
    names = sorted(archive.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf", "docx", "pdf"]
    for (_institution, given, family, _sex, ref), stem in zip(sorted(people, key=lambda p: p[4]),
                                                               sorted({n.rsplit(".", 1)[0] for n in names})):
        assert stem.startswith(f"EUMM-Georgia-9-2030_{ref.replace(' ', '-')}_")
        pdf = pypdf.PdfReader(io.BytesIO(archive.read(f"{stem}.pdf")))
        pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
        word = docx.Document(io.BytesIO(archive.read(f"{stem}.docx")))
        cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        word_text = " ".join([p.text for p in word.paragraphs] + cells)
        for text in (pdf_text, word_text):
            assert f"{given} {family}" in text and "GK-2030-0099" in text and "Georgian A2 A2 A2 A2 A2" in text

    # One page as a picture, for a person to look at (the PDF draws with the embedded Liberation Sans).
    first = sorted(n for n in names if n.endswith(".pdf"))[0]
    (ARTIFACTS / "package.pdf").write_bytes(archive.read(first))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(ARTIFACTS / "package.pdf"),
                        str(ARTIFACTS / "package-cv")], check=True, timeout=60)
        assert list(ARTIFACTS.glob("package-cv*.png"))
