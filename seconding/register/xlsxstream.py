"""A one-sheet XLSX written as a stream: the register export of the whole pool (a million cells) in about a second.

openpyxl, even in write-only mode, builds an element per cell (about 7 µs each: 7 s for 50,000 experts); the
register holds only text, dates and whole numbers, so its sheet is written here as XML text, row by row, straight
into the zip. Every text cell is an inline string (t="inlineStr"): a spreadsheet never reads one as a formula,
whatever it starts with; dates are date cells (yyyy-mm-dd). A sheet with a header is fitted for reading like every
other download (seconding.spreadsheets): the header frozen and filterable, the columns as wide as the header and
the first WIDTH_SAMPLE rows show they need (the widths come before the rows in the file). Files read back with
openpyxl like any other (the register import does so).
"""
import io
import math
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

from seconding.spreadsheets import column_letter, column_widths, excel_serial

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Characters XML 1.0 cannot carry at all; openpyxl refuses them, here they are left out.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ROWS_PER_WRITE = 500
WIDTH_SAMPLE = 1000

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{sheets}</Types>')
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
# Four cell formats: 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
FROZEN_HEADER = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                 'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')


def _cell(value: object, style: str = "") -> str:
    if type(value) is str:  # most cells: the fast path first
        if not value:
            return "<c/>"
        return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f"<c{style}><v>{value!r}</v></c>"
    if isinstance(value, datetime):
        return f'<c s="3"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, date):
        return f'<c s="2"><v>{excel_serial(value)}</v></c>'
    return _cell(str(value), style)


def _row(values: Iterable[object], style: str = "") -> str:
    # Characters XML cannot carry are left out of the whole row at once: the markup around the cells has none.
    return ILLEGAL.sub("", "<row>" + "".join(_cell(v, style) for v in values) + "</row>")


def _sheet(out, rows: Iterable[Iterable[object]], header: Iterable[str] | None) -> None:
    write = out.write
    write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'.encode())
    rows = iter(rows)
    head: list[list[object]] = []
    count = 0
    if header is not None:
        header = list(header)
        head = [list(row) for row in islice(rows, WIDTH_SAMPLE)]
        widths = column_widths([header, *head])
        cols = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                       for n, width in enumerate(widths, start=1))
        write((FROZEN_HEADER + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
               + _row(header, ' s="1"')).encode())
        count = 1
    else:
        write(b"<sheetData>")
    batch = []
    for row in chain(head, rows):
        batch.append(_row(row))
        count += 1
        if len(batch) == ROWS_PER_WRITE:
            write("".join(batch).encode())
            batch.clear()
    write(("".join(batch) + "</sheetData>").encode())
    if header is not None:
        write(f'<autoFilter ref="A1:{column_letter(max(len(header), 1))}{count}"/>'.encode())
    write(b"</worksheet>")


def stream_xlsx(sheets: list[tuple[str, Iterable[Iterable[object]], Iterable[str] | None]]) -> bytes:
    """An XLSX of (title, rows, header or None) sheets; a sheet with a header keeps it bold and frozen."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        names = []
        for n, (title, rows, header) in enumerate(sheets, start=1):
            names.append(title[:31])  # the longest sheet name a workbook allows
            with book.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                _sheet(out, rows, header)
        count = range(1, len(names) + 1)
        book.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n)
                                                                                for n in count)))
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/styles.xml", STYLES)
        book.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            "<sheets>" + "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                                 for n, name in zip(count, names, strict=True)) + "</sheets></workbook>"))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                      for n in count)
            + f'<Relationship Id="rId{len(names) + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>'))
    return buffer.getvalue()
