"""Hostile files at the register and annex uploads: each is refused with a clear message and changes nothing."""
import io
import zipfile

import pytest

from seconding.models import Role
from tests.fixtures_jobs import finished
from tests.routes.register import HEADER
from tests.test_annex_import import without_jobs
from tests.test_routes import snapshot

ANNEX_HEADER = "mission,cfc_ref,cfc_kind,eeas_deadline,national_deadline,position_ref,title,regime,posts,available_on\n"


def zip_bomb() -> bytes:
    """A small .xlsx whose sheet inflates to about 60 MB of XML (a thousand times its size)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                      'package/2006/content-types"/>')
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"<row/>" * 100_000
            for _ in range(100):
                sheet.write(chunk)
    return out.getvalue()


def many_rows(header: str, rows: int) -> bytes:
    line = header.strip().count(",") * "," + "\n"
    return (header + line.replace(",", "x,", 1) * rows).encode()


HOSTILE = {
    "zip bomb": (zip_bomb, "register.xlsx", "compressed"),
    "a text file named .xlsx": (lambda: b"institution,external_id\nPOLICE,1\n", "register.xlsx", "cannot be opened"),
    "a PNG named .csv": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "register.csv",
                         "not UTF-8"),
    # Windows-1250 text is read (Polish Excel's "CSV"), but not with a byte that encoding leaves undefined.
    "neither UTF-8 nor Windows-1250": (lambda: HEADER.encode() + "POLICE,1,Łucja,Żak".encode("cp1250") + b"\x81\n",
                                       "register.csv", "not UTF-8"),
    "200,000 rows": (lambda: many_rows(HEADER, 200_000), "register.csv", "rows"),
    "a row with 10,000 columns": (lambda: HEADER.encode() + b"POLICE" + b",x" * 10_000 + b"\n", "register.csv",
                                  "columns"),
}


@pytest.fixture(scope="module")
def files():
    return {name: (build(), filename, message) for name, (build, filename, message) in HOSTILE.items()}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_register_upload_refuses_hostile_files(client, login, make_user, files, name):
    content, filename, message = files[name]
    login(make_user(Role.COORDINATOR))
    before = without_jobs(snapshot())
    response = finished(client, client.post_form("/register/upload", {
        "file": (io.BytesIO(content), filename), "institution": ""}, content_type="multipart/form-data"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "usa-error-message" in body or "usa-alert--error" in body
    assert message in body, body[body.find("usa-error-message"):][:400]
    assert without_jobs(snapshot()) == before


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_annex_import_refuses_hostile_files(client, login, make_user, files, name):
    content, filename, message = files[name]
    # the same files, with the annex header
    if name in ("neither UTF-8 nor Windows-1250", "200,000 rows", "a row with 10,000 columns"):
        content = content.replace(HEADER.encode(), ANNEX_HEADER.encode())
    login(make_user(Role.COORDINATOR))
    before = without_jobs(snapshot())
    response = finished(client, client.post_form("/missions/import", {
        "file": (io.BytesIO(content), filename.replace("register", "annex"))}, content_type="multipart/form-data"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    assert without_jobs(snapshot()) == before
