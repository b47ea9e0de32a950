"""Files for people, as an office suite shows them: the register export (long values, dates) and the call tracker
(date and time cells), printed to PDF by LibreOffice headless, show every value and never `###` (a column too narrow
for its date or number).

LibreOffice missing: the test skips with the reason, unless REQUIRE_BROWSER=1 (CI), where it fails."""
import os
import shutil
import subprocess
from datetime import date

import pytest

from tests.job_downloads import export_register
from tests.test_xlsx_for_people import world  # noqa: F401 (the fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def _require_tools() -> None:
    missing = [name for name, path in (("libreoffice", SOFFICE), ("pdftotext", PDFTOTEXT)) if not path]
    if not missing:
        return
    reason = f"needs {', '.join(missing)} (apt-get install libreoffice-calc-nogui poppler-utils)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " and REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(reason)


def _as_printed(xlsx: bytes, folder, name: str) -> str:
    """The text of the workbook printed to PDF by LibreOffice (its own profile in a temporary folder)."""
    source = folder / f"{name}.xlsx"
    source.write_bytes(xlsx)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run([PDFTOTEXT, "-layout", str(folder / f"{name}.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    return text


def test_libreoffice_shows_every_date_and_value_of_the_register_and_the_tracker(client, world, tmp_path):  # noqa: F811
    _require_tools()
    register = export_register(client, "xlsx")
    tracker = client.get("/tracker/tracker.xlsx")
    assert register.status_code == tracker.status_code == 200

    printed = _as_printed(register.data, tmp_path, "register")
    assert "###" not in printed
    assert date(1984, 5, 17).isoformat() in printed  # the date of birth, whole
    assert "2031-03-31" in printed  # the passport's expiry
    assert "Nowak" in printed and "P-1" in printed

    printed = _as_printed(tracker.data, tmp_path, "tracker")
    assert "###" not in printed
    assert "CFC 1" in printed
