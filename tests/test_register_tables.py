"""The generic table reader shared by the register and the positions annex."""
import io
from datetime import date, datetime

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from seconding.register.tables import TableError, cell_text, normalise_header, read_table


@pytest.fixture(autouse=True)
def _english(app):
    with app.app_context(), force_locale("en"):
        yield


def test_csv_rows_keep_spreadsheet_numbers_and_strings():
    content = "\ufeff Code ,Valid-From\r\nA, 2024-01-02 \r\n,\r\nB,\"x\ny\",extra\r\n".encode()
    table = read_table(io.BytesIO(content), "t.csv")
    assert table.header == ["code", "valid_from"] and table.raw_header == ["Code", "Valid-From"]
    assert table.rows == [(2, {"code": "A", "valid_from": "2024-01-02"}),
                          (4, {"code": "B", "valid_from": "x\ny", "": "extra"})]


def test_xlsx_reads_the_first_sheet_whatever_its_recorded_size():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code", "When", "Years"])
    sheet.append(["A", date(2024, 1, 2), 5.0])
    sheet.append([None, None, None])
    sheet.append(["B", datetime(2024, 1, 2, 13, 30), True])
    workbook.create_sheet("second").append(["ignored"])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(io.BytesIO(out.getvalue()), "t.XLSX")
    assert table.rows == [(2, {"code": "A", "when": "2024-01-02", "years": "5"}),
                          (4, {"code": "B", "when": "2024-01-02 13:30", "years": "yes"})]


def test_helpers():
    assert normalise_header("  External  ID ") == "external_id"
    assert (cell_text(None), cell_text(2.5), cell_text(False)) == ("", "2.5", "no")
    with pytest.raises(TableError, match="Only .csv and .xlsx"):
        read_table(io.BytesIO(b""), "t.ods")
