"""The streamed XLSX of the register export, read back by openpyxl as a spreadsheet program would."""
import io
from datetime import date

from markupsafe import Markup
from openpyxl import load_workbook

from seconding.register.xlsxstream import stream_xlsx


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_values_come_back_with_their_types_and_text_is_never_a_formula():
    rows = [["Kowalski & <Syn>", 12, "=HYPERLINK(\"http://x\")", "", "  spaces kept  ", "@SUM(A1)", 2.5, True]]
    sheet = _book(stream_xlsx([("register", rows, ["a", "b", "c", "d", "e", "f", "g", "h"])]))["register"]
    values = [c.value for c in sheet[2]]
    assert values == ["Kowalski & <Syn>", 12, "=HYPERLINK(\"http://x\")", None, "  spaces kept  ", "@SUM(A1)", 2.5,
                      True]
    assert sheet["C2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_the_header_is_bold_and_frozen_and_rows_follow_in_order():
    rows = ([f"row {i}", i] for i in range(1, 1201))  # more than one batch of rows
    sheet = _book(stream_xlsx([("register", rows, ["name", "number"])]))["register"]
    assert [c.value for c in sheet[1]] == ["name", "number"] and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1201 and [c.value for c in sheet[1201]] == ["row 1200", 1200]


def test_characters_xml_cannot_carry_are_left_out_instead_of_breaking_the_file():
    sheet = _book(stream_xlsx([("register", [["Zażółć\x0bgęślą\x00"]], None)]))["register"]
    assert sheet["A1"].value == "Zażółćgęślą"


def test_several_sheets_keep_their_names_cut_to_31_characters():
    book = _book(stream_xlsx([("Kompletność & <profile> danych ekspertów", [["x"]], None), ("columns", [], None)]))
    assert book.sheetnames == ["Kompletność & <profile> danych e"[:31], "columns"]


def test_rows_are_written_byte_for_byte_as_the_register_expects():
    from seconding.register.xlsxstream import _row

    values = [None, "", "a\x00&<b>", Markup("x"), date(2024, 1, 2), True, 3, 2.5, float("nan")]
    text = '<c t="inlineStr"{s}><is><t xml:space="preserve">{t}</t></is></c>'
    expected = ("<row><c/><c/>" + text.format(s="{s}", t="a&amp;&lt;b&gt;") + text.format(s="{s}", t="x")
                + '<c s="2"><v>45293</v></c>' + '<c t="b"{s}><v>1</v></c><c{s}><v>3</v></c>'
                + '<c{s}><v>2.5</v></c>' + text.format(s="{s}", t="nan") + "</row>")
    assert _row(values) == expected.format(s="")
    assert _row(values, ' s="1"') == expected.format(s=' s="1"')
