"""Files for people: every XLSX download has fitted column widths, a frozen header, a filter, dates as date cells
and numbers as numbers; the favicon answers; a CSV says its charset once."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from seconding.dates import today_in_warsaw
from seconding.models import Role
from seconding.register.export import write_xlsx
from seconding.reports.build import REPORTS
from seconding.spreadsheets import MAX_WIDTH
from tests.job_downloads import download

ISO_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")


@pytest.fixture
def world(login, make_user, make_expert, make_cfc, make_position, make_action, add_training):
    expert = make_expert("POLICE", external_id="P-1", given_name="Anna", family_name="Nowak",
                         date_of_birth=date(1984, 5, 17), passport_expires=date(2031, 3, 31),
                         notes="x" * 200)
    add_training(expert, "HEAT", date(2025, 2, 3))
    cfc = make_cfc(reference="CFC 1")
    make_position(cfc, reference="POS 01")
    make_action("POLICE")
    login(make_user(Role.COORDINATOR, "POLICE"))
    return cfc


def _downloads(client, cfc) -> list[str]:
    urls = ["/register/export?format=xlsx", "/register/template.xlsx", "/register/example.xlsx",
            "/tracker/tracker.xlsx", f"/tracker/calls/{cfc.id}/tracker.xlsx", "/experts/completeness.xlsx",
            f"/nip/report.xlsx?year={today_in_warsaw().year}"]
    for slug in REPORTS:
        html = client.get(f"/reports/{slug}").get_data(as_text=True)
        urls += [f"/reports/{slug}/{key}.xlsx" for key in re.findall(r'aria-labelledby="t-([a-z_]+)"', html)]
    return urls


def _check_sheet(sheet, where: str) -> None:
    assert sheet.freeze_panes in ("A2", "A3"), where
    header_row = int(sheet.freeze_panes[1:]) - 1
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header_row}:"), where
    widths = {}
    for dim in sheet.column_dimensions.values():
        if dim.customWidth and dim.width:
            widths.update(dict.fromkeys(range(dim.min, dim.max + 1), dim.width))
    used = {cell.column for row in sheet.iter_rows(min_row=header_row) for cell in row if cell.value is not None}
    assert used <= set(widths), (where, sorted(used - set(widths)))
    assert max(widths.values()) <= MAX_WIDTH, where
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            # (The template's column notes show an example date as text: it explains the format.)
            if isinstance(cell.value, str) and sheet.title != "columns":
                assert not ISO_TEXT.fullmatch(cell.value), (where, cell.coordinate, cell.value)
            if isinstance(cell.value, date):
                assert cell.is_date and cell.number_format.startswith("yyyy-mm-dd"), (where, cell.coordinate)


def test_every_xlsx_download_is_fitted_for_people(client, world):
    urls = _downloads(client, world)
    assert len(urls) > 10
    books = {}
    for url in urls:
        response = download(client, url)
        assert response.status_code == 200, url
        books[url] = book = load_workbook(io.BytesIO(response.data))
        for sheet in book.worksheets:
            _check_sheet(sheet, f"{url} {sheet.title}")

    register = books["/register/export?format=xlsx"].worksheets[0]
    header = [c.value for c in register[1]]
    (row,) = [list(r) for r in register.iter_rows(min_row=2)]
    cells = dict(zip(header, row, strict=True))
    assert cells["date_of_birth"].is_date and cells["date_of_birth"].value.date() == date(1984, 5, 17)
    assert cells["passport_expires"].is_date
    assert isinstance(cells["experience_years"].value, int)
    width = {d.min: d.width for d in register.column_dimensions.values()}
    assert width[header.index("notes") + 1] == MAX_WIDTH  # the long note is capped
    assert width[header.index("sex") + 1] < 10

    tracker = books["/tracker/tracker.xlsx"].worksheets[0]
    assert tracker["C2"].is_date and tracker["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert isinstance(tracker["J2"].value, int)  # posts

    actions = books[f"/nip/report.xlsx?year={today_in_warsaw().year}"]["Actions"]
    assert actions.freeze_panes == "A3"  # the title row stays above the frozen header
    due = [row[6] for row in actions.iter_rows(min_row=3) if row[6].value is not None]  # due on
    assert due and all(cell.is_date for cell in due)

    example = books["/register/example.xlsx"].worksheets[0]
    born = [c.value for c in example[1]].index("date_of_birth") + 1
    assert example.cell(2, born).is_date

    completeness = books["/experts/completeness.xlsx"].worksheets[0]
    assert isinstance(completeness["C2"].value, int)


def test_text_stays_text_and_formulas_stay_defused():
    book = load_workbook(io.BytesIO(write_xlsx([["=SUM(A1)", "#N/A", "2026-02-30", "00123", 5]],
                                               ["a", "b", "c", "d", "e"])))
    sheet = book.active
    assert [c.data_type for c in sheet[2]] == ["s", "s", "s", "s", "n"]
    assert [c.value for c in sheet[2]] == ["=SUM(A1)", "#N/A", "2026-02-30", "00123", 5]


def test_the_favicon_answers_on_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert client.get("/static/favicon.svg").status_code == 200
    page = client.get("/auth/sign-in", follow_redirects=True).get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page


@pytest.mark.parametrize("url", ["/register/export?format=csv", "/register/example.csv", "/tracker/tracker.csv",
                                 "/experts/completeness.csv", "/training/matrix.csv",
                                 "/reports/training/training.csv"])
def test_csv_downloads_name_their_charset_once(client, world, url):
    response = download(client, url)
    assert response.status_code == 200, url
    content_type = response.headers["Content-Type"]
    assert content_type.startswith("text/csv") and content_type.lower().count("charset") == 1, content_type
    assert "charset=utf-8" in content_type
