"""Hostile XLSX files refused fast and small (issue 25): a small file declaring a huge table of texts is refused
before it is read, rows beyond the limit while they are read; the bounded reader reads texts as openpyxl does.

The full-size 150,000-row file is checked through gunicorn (tests/test_hostile_server.py) and its cost measured by
`python -m bench --sections hostile`; here the row limit is lowered to keep the files small."""
import io
import zipfile

import pytest
from flask_babel import force_locale
from openpyxl.reader.strings import read_string_table

from seconding.nip.imports import import_commitments
from seconding.register import tables, xlsxread
from seconding.register.annex import import_annex
from seconding.register.columns import EDUCATION, NAMES
from seconding.register.importer import check_file
from seconding.register.tables import TableError, read_table
from tests.fixtures_register import snapshot
from tests.hostile_files import MAIN, excel_xlsx, register_rows, shared_strings_bomb, too_many_rows, write_package

TOO_MUCH_TEXT = ("The XLSX file holds far more text than any register (over 64 MB or 1,000,000 different texts); "
                 "nothing was read. Save it as CSV, or split it into smaller files.")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return shared_strings_bomb()


@pytest.fixture
def english(app):
    with app.app_context(), force_locale("en"):
        yield


@pytest.fixture
def no_text_read(monkeypatch):
    """Fail the test if the shared strings of a file are read at all."""
    def read(source):
        raise AssertionError("the shared strings were read")

    monkeypatch.setattr(xlsxread, "shared_strings", read)


def test_a_small_file_declaring_a_huge_table_of_texts_is_refused_before_any_of_it_is_read(db, bomb, no_text_read):
    assert len(bomb) < 3_000_000
    before = snapshot()
    with force_locale("en"):
        outcome = check_file(io.BytesIO(bomb), "register.xlsx", scope=None)
        assert str(outcome.file_error) == TOO_MUCH_TEXT
    assert outcome.errors == [] and outcome.plans == []
    assert snapshot() == before


def test_the_positions_annex_and_the_commitments_import_refuse_it_too(db, bomb, no_text_read):
    with force_locale("en"):
        result = import_annex(io.BytesIO(bomb), "annex.xlsx")
        assert [str(e) for e in result.errors] == [TOO_MUCH_TEXT] and not result.applied
        with pytest.raises(TableError) as refused:
            import_commitments(io.BytesIO(bomb), "commitments.xlsx")
        assert str(refused.value) == TOO_MUCH_TEXT


def test_the_table_of_texts_is_found_where_the_content_types_put_it(english, no_text_read):
    """Named like a worksheet (which is read as a stream, unbounded), the table is still bounded."""
    content = shared_strings_bomb(inflated_mb=70, part="xl/worksheets/strings.xml")
    with pytest.raises(TableError, match="far more text"):
        read_table(io.BytesIO(content), "register.xlsx")


def test_a_table_of_more_texts_than_allowed_is_refused_while_reading_it(english, monkeypatch):
    monkeypatch.setattr(xlsxread, "MAX_SHARED_STRINGS", 50)
    fits = excel_xlsx([("register", [["code"], *([f"text {n}"] for n in range(49))])])
    assert [values["code"] for _n, values in read_table(io.BytesIO(fits), "t.xlsx").rows][-1] == "text 48"
    over = excel_xlsx([("register", [["code"], *([f"text {n}"] for n in range(51))])])
    with pytest.raises(TableError, match="far more text"):
        read_table(io.BytesIO(over), "t.xlsx")


def test_every_other_part_read_whole_is_bounded_but_not_the_worksheets(english, monkeypatch):
    monkeypatch.setattr(xlsxread, "MAX_XLSX_PART", 20_000)
    big_sheet = excel_xlsx([("register", [["code"], *([f"row {n}"] for n in range(2000))])])
    assert max(m.file_size for m in zipfile.ZipFile(io.BytesIO(big_sheet)).infolist()) > 20_000
    assert len(read_table(io.BytesIO(big_sheet), "t.xlsx").rows) == 2000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for member in zipfile.ZipFile(io.BytesIO(big_sheet)).infolist():
            book.writestr(member, zipfile.ZipFile(io.BytesIO(big_sheet)).read(member))
        book.writestr("xl/styles2.xml", "<x>" + "".join(f"<y n='{n}'/>" for n in range(3000)) + "</x>")
    with pytest.raises(TableError, match="compressed far beyond any real register"):
        read_table(io.BytesIO(out.getvalue()), "t.xlsx")


def _count_rows_taken(monkeypatch) -> dict[str, int]:
    """How many rows of each sheet the reader takes from openpyxl, by sheet title."""
    taken: dict[str, int] = {}
    original = tables.XlsxBook.rows

    def rows(self, sheet, *, close):
        for item in original(self, sheet, close=close):
            taken[sheet.title] = taken.get(sheet.title, 0) + 1
            yield item

    monkeypatch.setattr(tables.XlsxBook, "rows", rows)
    return taken


def test_rows_beyond_the_limit_are_refused_as_they_are_read(db, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 1000)
    taken = _count_rows_taken(monkeypatch)
    with force_locale("en"):
        outcome = check_file(io.BytesIO(too_many_rows(1500)), "register.xlsx", scope=None)
        assert str(outcome.file_error) == ("The file has more than 1,000 rows; split it into smaller files. "
                                           "Nothing was read.")
    assert outcome.errors == [] and outcome.plans == []
    assert taken == {"register": 1002}  # the header and the rows up to the first beyond the limit, no more


def test_a_side_sheet_beyond_the_limit_is_refused_as_it_is_read(db, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 1000)
    taken = _count_rows_taken(monkeypatch)
    education = [["POLICE", f"P-{n % 10 + 1:07d}", "master", "Law", "Uniwersytet Warszawski", "Poland", None, None,
                  None] for n in range(1500)]
    content = excel_xlsx([("register", [list(NAMES), *register_rows(10)]),
                          ("education", [list(EDUCATION.names), *education])])
    with force_locale("en"):
        outcome = check_file(io.BytesIO(content), "register.xlsx", scope=None)
        assert str(outcome.file_error) == ("The file has more than 1,000 rows; split it into smaller files. "
                                           "Nothing was read.")
    assert taken == {"register": 11, "education": 1002}


STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">'
    "<si><t>plain</t></si>"
    '<si><t xml:space="preserve">  spaced  </t></si>'
    "<si><t/></si>"
    "<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> and plain</t></r></si>"
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
    "<si><t>x005F_x000D_ kept</t></si>"
    "<si><t>Łódź &amp; Żary</t></si>"
    "</sst>")


def test_the_bounded_reader_reads_each_text_as_openpyxl_does():
    expected = read_string_table(io.BytesIO(STRINGS.encode()))
    assert xlsxread.shared_strings(io.BytesIO(STRINGS.encode())) == expected
    assert expected[3] == "Bold and plain" and expected[4] == "東京"


def test_a_register_written_as_excel_writes_it_reads_back_with_its_types(english):
    content = excel_xlsx([("register", [list(NAMES), *register_rows(3)]), ("other", [["not", "read"]])])
    table = read_table(io.BytesIO(content), "register.xlsx")
    assert [values["external_id"] for _n, values in table.rows] == ["P-0000001", "P-0000002", "P-0000003"]
    first = table.rows[0][1]
    assert (first["date_of_birth"], first["experience_years"], first["email"]) == (
        "1961-02-02", "2", "expert1@example.org")


def _workbook(sheet: str, strings: str = "<si><t>code</t></si><si><t>name</t></si>", prologue: str = "") -> bytes:
    """A one-sheet XLSX with this sheetData and shared strings, its header row (code, name) first."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", f'{prologue}<worksheet xmlns="{MAIN}"><sheetData>'
                      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                      f"{sheet}</sheetData></worksheet>")
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        write_package(book, ["register"])
    return out.getvalue()


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9)) + "]>")
DAMAGED = {
    "a text beyond the table of texts": (_workbook('<row r="2"><c r="A2" t="s"><v>99</v></c></row>'), 2),
    "a number that is not one": (_workbook('<row r="2"><c r="A2"><v>abc</v></c></row>'), 2),
    "a cell reference that is not one": (_workbook('<row r="2"><c r="!!"><v>1</v></c></row>'), 2),
    "a sheet broken off": (_workbook('<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c'), 3),
    "an entity a billion characters long": (_workbook(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>', prologue=LAUGHS), 2),
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_sheet_is_refused_with_the_row_where_reading_stopped(english, name):
    content, row = DAMAGED[name]
    with pytest.raises(TableError) as refused:
        read_table(io.BytesIO(content), "register.xlsx")
    assert str(refused.value) == (f"The XLSX file cannot be read at row {row}: it is damaged, or was not written by "
                                  "a spreadsheet program. Nothing was read.")


def test_rows_keep_their_spreadsheet_numbers_and_an_empty_cell_far_right_widens_nothing(english):
    content = _workbook('<row r="4"><c r="B4" t="s"><v>0</v></c><c r="XFD4" s="1"/></row>'
                        '<row><c r="A5" t="inlineStr"><is><t>next</t></is></c></row>')
    assert read_table(io.BytesIO(content), "register.xlsx").rows == [(4, {"code": "", "name": "code"}),
                                                                     (5, {"code": "next", "name": ""})]
