"""Read a table (CSV or XLSX) into a header and rows of strings; shared by the register and the positions annex.

Usage::

    from seconding.register.tables import TableError, read_table

    try:
        table = read_table(uploaded_file.stream, uploaded_file.filename)   # or read_table("pool.csv")
    except TableError as exc:
        ...  # exc.message: the file cannot be read at all (wrong type, unreadable text, broken XLSX, no header)
    for row_number, values in table.rows:   # row_number: the spreadsheet row (header = row 1)
        values["institution"]               # every header column is present; missing cells are ""

Header names are normalised (trimmed, lower case, inner spaces and dashes turned into "_"), so "External ID"
reads as "external_id". Cell values are strings, trimmed; XLSX dates become YYYY-MM-DD, whole numbers lose
their ".0", booleans become "yes"/"no". Fully empty rows are skipped (their row numbers are not reused).

A CSV may be what any spreadsheet writes: values separated by "," or by ";" (Excel with Polish regional settings),
told from the header row; text in UTF-8 (with or without BOM) or, failing that, Windows-1250 (Polish Excel's
"CSV"). Table.csv_format says what was found, for the preview to show.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

EXTENSIONS = ("csv", "xlsx")
# Bounds on what an upload may hold: the national pool is tens of thousands of rows with some twenty columns, so
# anything far beyond is a mistake or an attack, refused before it costs memory or minutes.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML an XLSX may inflate to
MAX_XLSX_RATIO = 200  # an XLSX member compressed beyond this is a "zip bomb"
# An XLSX's parts read whole (its table of texts among them) have bounds of their own: register/xlsxread.py.


class TableError(Exception):
    """The file cannot be read as a table; `message` is shown to the user as is."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message  # may be a lazy string: translated when shown

    def __str__(self) -> str:
        return str(self.message)


# Bytes Windows-1250 leaves undefined, and control characters no spreadsheet writes into a CSV: text that holds
# any of them and is not UTF-8 is not a table at all (a PNG, a UTF-16 file, random bytes).
NOT_CP1250 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x83\x88\x90\x98]")
SEPARATORS = (",", ";")
DETECT_BYTES = 64 * 1024  # the header row is sought in this much of the file


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file was read: its separator ("," or ";") and encoding ("utf-8", "utf-8-sig" or "cp1250")."""

    delimiter: str
    encoding: str

    @property
    def encoding_name(self) -> str:
        """The encoding as people know it (a proper name, not translated)."""
        return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp1250": "Windows-1250"}[self.encoding]


@dataclass
class Table:
    """A table read from a file: normalised header and (row number, {column: value}) rows.

    With read_table(..., stream=True) the rows are an iterator, read from the file as they are taken (once), so a
    large file never holds every row at once; a row beyond the bounds raises TableError while iterating."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] | Iterator[tuple[int, dict[str, str]]] = field(default_factory=list)
    raw_header: list[str] = field(default_factory=list)
    csv_format: CsvFormat | None = None  # None for an XLSX
    # With read_table(..., keep_open=True), an XLSX's workbook, left open to read its other sheets
    # (book.sheet(name)); the caller closes it.
    book: XlsxBook | None = None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def normalise_header(name: str) -> str:
    """'  External ID ' -> 'external_id'."""
    return re.sub(r"[\s\-]+", "_", (name or "").strip().lower())


def file_kind(filename: str) -> str | None:
    """'csv' or 'xlsx' from the file name's extension, or None when neither."""
    ext = os.path.splitext(filename or "")[1].lower().lstrip(".")
    return ext if ext in EXTENSIONS else None


def read_table(source: str | os.PathLike | IO[bytes], filename: str | None = None, *,
               stream: bool = False, keep_open: bool = False, max_rows: int | None = None) -> Table:
    """Read a CSV ("," or ";" separated; UTF-8 with or without BOM, or Windows-1250) or XLSX (first sheet) file into
    a Table (its rows an iterator when `stream`). With `keep_open`, an XLSX's workbook stays open as `table.book`,
    for its other sheets to be read from the same opening; the caller closes it. A file of more than `max_rows`
    rows (MAX_ROWS unless told) is refused while it is read."""
    name = filename if filename is not None else os.fspath(source) if isinstance(source, (str, os.PathLike)) else ""
    kind = file_kind(name)
    if kind is None:
        raise TableError(_l("Only .csv and .xlsx files can be read (got %(name)s).", name=os.path.basename(name)))
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as opened:
            source = io.BytesIO(opened.read())
    csv_format = None
    if kind == "csv":
        data = source.read()
        csv_format = detect_csv_format(data)
        raw = _csv_rows(data, csv_format)
        book = None
    else:
        book = XlsxBook(source)
        raw = book.rows(book.first(), close=not keep_open)
    try:
        table = _header(raw)
    except TableError:
        if book is not None:
            book.close()
        raise
    table.csv_format = csv_format
    table.book = book if keep_open else None
    table.rows = _rows(raw, table.header, max_rows)
    if not stream:
        table.rows = list(table.rows)
    return table


def detect_csv_format(data: bytes) -> CsvFormat:
    """The encoding and separator of a CSV file's bytes; TableError when the bytes are not text."""
    encoding = _encoding(data)
    head = data[:DETECT_BYTES].decode(encoding, errors="ignore")  # a character cut at the end is dropped
    return CsvFormat(delimiter=_delimiter(head), encoding=encoding)


def _encoding(data: bytes) -> str:
    """UTF-8 (strictly, checked in pieces so the whole file is never one string) or else Windows-1250."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    step = 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if NOT_CP1250.search(data):
            raise TableError(_l("The CSV file is not UTF-8 or Windows-1250 text; it cannot be read. Save it as "
                                "\"CSV UTF-8\" and try again.")) from None
        return "cp1250"
    return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"


def _delimiter(text: str) -> str:
    """The separator of the header (the first row with any content): the one of "," and ";" it holds more of
    outside quotes. A ";" inside a quoted value, or anywhere below the header, does not count."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = content = False
    for char in text:
        if char == '"':
            quoted = not quoted
            content = True
        elif quoted:
            continue
        elif char in counts:
            counts[char] += 1
        elif char in "\r\n":
            if content:
                break
            counts = dict.fromkeys(SEPARATORS, 0)  # a blank line above the header (perhaps ",,,")
        elif not char.isspace():
            content = True
    return ";" if counts[";"] > counts[","] else ","


def _csv_rows(data: bytes, csv_format: CsvFormat) -> Iterator[tuple[int, list[str]]]:
    # Decoded as it is read, not into one string of the whole file first (a 50,000-row file is 12 MB of bytes).
    text = io.TextIOWrapper(io.BytesIO(data), encoding=csv_format.encoding, newline="")
    reader = csv.reader(text, delimiter=csv_format.delimiter)
    number = 0
    try:
        # Number records, not physical lines: a quoted value spanning lines is still one spreadsheet row.
        for number, values in enumerate(reader, start=1):
            yield number, values
    except csv.Error as exc:
        raise TableError(_l("The CSV file cannot be read at row %(row)s: %(reason)s",
                            row=number + 1, reason=str(exc))) from exc


def _check_zip(stream: IO[bytes]) -> None:
    """Refuse an XLSX that would inflate far beyond any real register, before openpyxl reads it: in all, in any
    member's ratio, and in each part read whole (the shared strings, and the rest)."""
    from zipfile import ZipFile

    from seconding.register.xlsxread import UNREADABLE, Refused, check_parts, zip_bomb

    try:
        book = ZipFile(stream)
        members = book.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_UNCOMPRESSED or any(
                m.file_size > 1024 * 1024 and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1)
                for m in members):
            raise TableError(zip_bomb(total))
        check_parts(book, members)
    except Refused as exc:
        raise TableError(exc.message) from exc
    except UNREADABLE as exc:
        raise TableError(_l("The XLSX file cannot be opened; is it an Excel workbook (.xlsx)?")) from exc
    finally:
        stream.seek(0)


class XlsxBook:
    """An XLSX workbook opened once (read-only, after the zip checks): each sheet's rows are read as they are taken,
    within the same bounds as the first sheet's (MAX_ROWS rows, MAX_COLUMNS columns each)."""

    def __init__(self, stream: IO[bytes]) -> None:
        from seconding.register.xlsxread import UNREADABLE, Refused, open_workbook

        if not stream.seekable():
            stream = io.BytesIO(stream.read())
        _check_zip(stream)
        try:
            self.workbook = open_workbook(stream)
        except Refused as exc:  # more texts than allowed, found while reading them
            raise TableError(exc.message) from exc
        except UNREADABLE as exc:
            raise TableError(_l("The XLSX file cannot be opened; is it an Excel workbook (.xlsx)?")) from exc

    def first(self):
        if not self.workbook.worksheets:
            self.close()
            raise TableError(_l("The XLSX file has no sheet."))
        return self.workbook.worksheets[0]

    def has_sheet(self, name: str) -> bool:
        """The workbook has a sheet after the first whose normalised name is `name`."""
        return any(normalise_header(ws.title) == name for ws in self.workbook.worksheets[1:])

    def sheet(self, name: str) -> Table | None:
        """The sheet after the first whose name, normalised like a header ("Education " -> "education"), is `name`:
        its header read, its rows an iterator; None when there is none. TableError when two sheets have the name."""
        found = [ws for ws in self.workbook.worksheets[1:] if normalise_header(ws.title) == name]
        if not found:
            return None
        if len(found) > 1:
            raise TableError(_l("The XLSX file has more than one sheet named %(name)s; keep one.", name=name))
        raw = self.rows(found[0], close=False)
        table = _header(raw, empty_ok=True)
        table.rows = _rows(raw, table.header)
        return table

    def rows(self, sheet, *, close: bool) -> Iterator[tuple[int, list[str]]]:
        """The sheet's rows as text, numbered as the spreadsheet numbers them (every row, whatever used range the
        writer recorded); with `close`, the workbook is closed once they are read. TableError when the sheet
        breaks off or holds what no spreadsheet writes (a text beyond the table of texts, a number that is not)."""
        from seconding.register.xlsxread import UNREADABLE

        number = 0
        try:
            for number, values in sheet.numbered_rows():
                yield number, [cell_text(value) for value in values]
        except (*UNREADABLE, IndexError) as exc:
            raise TableError(_l("The XLSX file cannot be read at row %(row)s: it is damaged, or was not written "
                                "by a spreadsheet program. Nothing was read.", row=number + 1)) from exc
        finally:
            if close:
                self.close()

    def close(self) -> None:
        self.workbook.close()


def cell_text(value: object) -> str:
    """An XLSX cell value as the string a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_width(number: int, values: list[str]) -> None:
    if len(values) > MAX_COLUMNS and any(v.strip() for v in values[MAX_COLUMNS:]):
        raise TableError(_l("Row %(row)d has more than %(max)d columns; a register or annex has about twenty. "
                            "Nothing was read.", row=number, max=MAX_COLUMNS))


def _header(raw: Iterator[tuple[int, list[str]]], *, empty_ok: bool = False) -> Table:
    """Read up to the header row (blank lines above it are forgiven): the Table without its rows (with `empty_ok`,
    a Table with no header when there is no row at all)."""
    for number, values in raw:
        _check_width(number, values)
        if not any(v.strip() for v in values):
            continue
        # The header row is row 1 by the register's convention; count rows from wherever it is.
        while values and not values[-1].strip():
            values = values[:-1]
        return Table(header=[normalise_header(v) for v in values], raw_header=[v.strip() for v in values])
    if empty_ok:
        return Table(header=[])
    raise TableError(_l("The file is empty: the first row must name the columns."))


def _rows(raw: Iterator[tuple[int, list[str]]], header: list[str],
          max_rows: int | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows below the header as {column: value}; fully empty rows are skipped."""
    count, max_rows = 0, max_rows or MAX_ROWS
    for number, values in raw:
        _check_width(number, values)
        if not any(v.strip() for v in values):
            continue
        row = {name: "" for name in header if name}
        extra = []
        for index, value in enumerate(values):
            if index < len(header) and header[index]:
                row[header[index]] = value.strip()
            elif value.strip():
                extra.append(value.strip())
        if extra:
            row[""] = ";".join(extra)  # values beyond the header: the caller reports them
        count += 1
        if count > max_rows:
            raise TableError(_l("The file has more than %(max)s rows; split it into smaller files. Nothing was "
                                "read.", max=LazyString(format_number, max_rows)))
        yield number, row


def estimate_rows(source: str | IO[bytes], filename: str | None = None) -> int | None:
    """About how many rows below the header the file has (for a progress bar; None when it cannot be told
    cheaply): a CSV's line breaks, or the rows of an XLSX's first sheet counted in its XML as it inflates."""
    from zipfile import BadZipFile, ZipFile

    kind = file_kind(filename or (source if isinstance(source, str) else ""))
    stream = open(source, "rb") if isinstance(source, str) else source
    try:
        if kind == "csv":
            count = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
            return max(count - 1, 0)
        if kind != "xlsx":
            return None
        try:
            book = ZipFile(stream)
            sheets = sorted((m for m in book.infolist() if m.filename.startswith("xl/worksheets/sheet")),
                            key=lambda m: (len(m.filename), m.filename))
            if not sheets or sheets[0].file_size > MAX_XLSX_UNCOMPRESSED:
                return None
            count, tail = 0, b""
            with book.open(sheets[0]) as sheet:
                for chunk in iter(lambda: sheet.read(1 << 20), b""):
                    text = tail + chunk
                    count += text.count(b"<row ") + text.count(b"<row>")
                    tail = text[-5:]
                    count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted with the next chunk
                count += tail.count(b"<row ") + tail.count(b"<row>")
            return max(count - 1, 0)
        except (BadZipFile, OSError, ValueError, KeyError):
            return None
    finally:
        if isinstance(source, str):
            stream.close()
        else:
            stream.seek(0)
