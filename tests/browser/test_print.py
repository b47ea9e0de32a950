"""Printed pages (profiles, reports, the annual NIP report, the call tracker): only the content; no navigation,
buttons or forms; tables whole; no link's address printed. Checked with the print media and Chromium's PDF."""
import subprocess
from shutil import which

import pytest
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.demo import seed_demo
from seconding.models import Expert, Role, User
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.conftest import PASSWORD

A4 = {"width": 794, "height": 1123}  # an A4 page at 96 dpi


def test_printed_pages_hold_the_content_only_with_whole_tables(browser_page, db):
    seed_demo()
    user = db.session.scalars(select(User).where(User.role == Role.COORDINATOR)).first()
    user.set_password(PASSWORD)
    expert_id = db.session.scalar(select(Expert.id).order_by(Expert.id).limit(1))
    db.session.commit()

    page = browser_page
    page.set_viewport_size(A4)
    sign_in(page, user.email, PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in (("profile", f"/experts/{expert_id}"), ("report", "/reports/funnel"),
                      ("nip-report", f"/nip/report?year={today_in_warsaw().year}"), ("tracker", "/tracker/"),
                      ("call-tracker", "/tracker/calls/1")):
        page.goto(page.base + url)
        page.emulate_media(media="print")
        assert page.locator("main h1").is_visible(), name
        for hidden in ("header.usa-header", ".app-utility", "footer", "nav", "main form", "main .usa-button"):
            visible = [i for i in range(page.locator(hidden).count()) if page.locator(hidden).nth(i).is_visible()]
            assert visible == [], (name, hidden)
        cut = page.evaluate("[...document.querySelectorAll('.app-scroll')]"
                            ".filter(e => getComputedStyle(e).overflowX !== 'visible').length")
        assert cut == 0, name  # no scroll container cuts a table on paper
        pdf = ARTIFACTS / f"print-{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        page.emulate_media(media="screen")
        if which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True,
                                  timeout=60).stdout
            assert "http" not in text, name  # links print as their words only
            assert text.strip(), name
        else:
            pytest.skip("pdftotext is missing (poppler-utils)")
