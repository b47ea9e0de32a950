"""openpyxl's read-only reader, held within bounds: what a hostile XLSX could make it read whole is checked before
(check_parts) and while (the shared strings) it is read. seconding.register.tables uses it (XlsxBook).

openpyxl reads the shared-strings table into a list before the first row (a 2.7 MB file can declare 187 MB of
it), and parses each sheet once when it opens the workbook to find its used range if the writer left it out (every
sheet, in full, before the first row is asked for). Here the table is read with its count bounded, keeping
nothing of its XML but the texts, and a sheet is parsed only as its rows are taken, by lxml (_Sheet.numbered_rows).
The rest is openpyxl's own reader, and each cell is read by openpyxl's own code (openpyxl is pinned in
requirements.txt; tests/test_register_hostile_xlsx.py holds the two together).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from zipfile import BadZipFile, ZipFile, ZipInfo

from flask_babel import lazy_gettext as _l
from lxml import etree
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

# The shared-strings table (each distinct text of the workbook once, as Excel writes text cells) is read whole
# before the first row, into a list. Measured (tests/hostile_files.py, excel_xlsx): a genuine 100,000-row register
# of the demo's fictional experts with its education and employment sheets, written as Excel writes, needs 17 MB
# of it in 437,000 texts; with a note of 60-180 characters on every row, 32 MB in 537,000 texts (+56 MB of memory
# to hold them). Twice that is allowed, no more: the declared inflated size is checked before anything is read
# (zipfile never inflates a member beyond it), the count while reading.
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_SHARED_STRINGS = 1_000_000
# Every other part read whole (content types, workbook, styles, relationships, properties) is kilobytes in a real
# workbook; only the worksheets are read as a stream.
MAX_XLSX_PART = 10 * 1024 * 1024
# What openpyxl and its XML parsers raise on a file that is not a workbook (lxml's syntax errors are SyntaxErrors).
UNREADABLE = (BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError)
SI, T, R = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))


class Refused(Exception):
    """The workbook is beyond a bound; `message` says so to the user (tables.py makes it a TableError)."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message


def zip_bomb(size: int) -> object:
    """The message for an XLSX that would inflate to `size` bytes, far beyond any real register."""
    return _l("The XLSX file is compressed far beyond any real register (it would inflate to %(mb)d MB); it was "
              "not read.", mb=size // (1024 * 1024))


def too_much_text() -> object:
    return _l("The XLSX file holds far more text than any register (over %(mb)d MB or %(count)s different texts); "
              "nothing was read. Save it as CSV, or split it into smaller files.",
              mb=MAX_SHARED_STRINGS_BYTES // (1024 * 1024), count=f"{MAX_SHARED_STRINGS:,}")


def check_parts(book: ZipFile, members: list[ZipInfo]) -> None:
    """Each part read whole within its bound, by the inflated size its entry declares (zipfile never inflates a
    member beyond it): the shared strings, found as openpyxl finds them (through the content types), within
    MAX_SHARED_STRINGS_BYTES; the workbook's worksheets (read as a stream) unbounded here; every other part
    within MAX_XLSX_PART. Refused when one is over; UNREADABLE errors when the parts cannot be found."""
    sizes = {m.filename: m.file_size for m in members}

    def small(name: str) -> None:
        if sizes.get(name, 0) > MAX_XLSX_PART:
            raise Refused(zip_bomb(sizes[name]))

    small(ARC_CONTENT_TYPES)
    package = Manifest.from_tree(fromstring(book.read(ARC_CONTENT_TYPES)))
    workbook = _find_workbook_part(package).PartName[1:]
    relationships = get_rels_path(workbook)
    small(workbook)
    small(relationships)
    sheets = set()
    if relationships in sizes:
        sheets = {r.target for r in get_dependents(book, relationships) if r.Type.endswith("/worksheet")}
    strings = package.find(SHARED_STRINGS)
    strings = strings.PartName[1:] if strings is not None else None
    for name, size in sizes.items():
        if name == strings:
            if size > MAX_SHARED_STRINGS_BYTES:
                raise Refused(too_much_text())
        elif name not in sheets:
            small(name)


def shared_strings(source: IO[bytes]) -> list[str]:
    """The table's texts, as openpyxl reads them (plain text and the runs of rich text; phonetic hints left out),
    at most MAX_SHARED_STRINGS of them; parsed by lxml like the sheets (_parse), each text's XML let go once read."""
    strings: list[str] = []
    for node in _parse(source, SI):
        parts = [child.text or "" for child in node if child.tag == T]
        parts += [run.findtext(T) or "" for run in node if run.tag == R]
        text = "".join(parts)
        strings.append(text.replace("x005F_", "") if "x005F_" in text else text)
        if len(strings) > MAX_SHARED_STRINGS:
            raise Refused(too_much_text())
    return strings


def _parse(source: IO[bytes], tag: str) -> Iterator:
    """Each `tag` element of the XML as it ends, parsed as a stream by lxml (C) with no entity ever expanded nor
    anything fetched; once the caller is done with an element, it and what came before it are let go."""
    for _event, element in etree.iterparse(source, tag=tag, resolve_entities=False, no_network=True,
                                           load_dtd=False, huge_tree=False):
        yield element
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """Left unknown: the used range is not trusted (XlsxBook.rows reads every row), and finding it parses the
        whole sheet when the writer left it out."""

    def numbered_rows(self) -> Iterator[tuple[int, list[object]]]:
        """(row number, cell values) of each row the sheet holds, each cell read by openpyxl's own parse_row (types,
        dates, shared strings), up to the row's last cell with a value. Parsed by _parse (openpyxl's own parser
        of sheets, defusedxml's in pure Python, took half of an import's reading time)."""
        cells = WorkSheetParser(None, self._shared_strings, data_only=True, epoch=self.parent.epoch,
                                date_formats=self.parent._date_formats,
                                timedelta_formats=self.parent._timedelta_formats)
        with self._get_source() as source:
            for row in _parse(source, ROW_TAG):
                number, parsed = cells.parse_row(row)
                cells.row_dimensions.clear()  # row heights and styles, kept by openpyxl for every row
                # A cell far to the right with no value (formatting only) makes no row wider.
                values: list[object] = [None] * max((c["column"] for c in parsed if c["value"] is not None),
                                                    default=0)
                for cell in parsed:
                    if cell["value"] is not None:
                        values[cell["column"] - 1] = cell["value"]
                yield number, values


class _Reader(ExcelReader):
    """openpyxl's reader with the shared strings read by shared_strings() and the sheets opened by _Sheet;
    chartsheets, which hold no table, are left out."""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)


def open_workbook(stream: IO[bytes]) -> Workbook:
    """The workbook, read-only with cell values (not formulas), its external links not read; check_parts first."""
    reader = _Reader(stream, read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb
