"""Read a table (CSV or XLSX) into a header and rows of strings; shared by the register and the positions annex.

Usage::

    from seconding.register.tables import TableError, read_table

    try:
        table = read_table(uploaded_file.stream, uploaded_file.filename)   # or read_table("pool.csv")
    except TableError as exc:
        ...  # exc.message: the file cannot be read at all (wrong type, not UTF-8, broken XLSX, no header)
    for row_number, values in table.rows:   # row_number: the spreadsheet row (header = row 1)
        values["institution"]               # every header column is present; missing cells are ""

Header names are normalised (trimmed, lower case, inner spaces and dashes turned into "_"), so "External ID"
reads as "external_id". Cell values are strings, trimmed; XLSX dates become YYYY-MM-DD, whole numbers lose
their ".0", booleans become "yes"/"no". Fully empty rows are skipped (their row numbers are not reused).
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from flask_babel import lazy_gettext as _l

EXTENSIONS = ("csv", "xlsx")
# Bounds on what an upload may hold: the national pool is tens of thousands of rows with some twenty columns, so
# anything far beyond is a mistake or an attack, refused before it costs memory or minutes.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML an XLSX may inflate to
MAX_XLSX_RATIO = 200  # an XLSX member compressed beyond this is a "zip bomb"


class TableError(Exception):
    """The file cannot be read as a table; `message` is shown to the user as is."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message  # may be a lazy string: translated when shown

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Table:
    """A table read from a file: normalised header and (row number, {column: value}) rows.

    With read_table(..., stream=True) the rows are an iterator, read from the file as they are taken (once), so a
    large file never holds every row at once; a row beyond the bounds raises TableError while iterating."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] | Iterator[tuple[int, dict[str, str]]] = field(default_factory=list)
    raw_header: list[str] = field(default_factory=list)

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
               stream: bool = False) -> Table:
    """Read a CSV (UTF-8, with or without BOM, comma) or XLSX (first sheet) file into a Table (its rows an iterator
    when `stream`)."""
    name = filename if filename is not None else os.fspath(source) if isinstance(source, (str, os.PathLike)) else ""
    kind = file_kind(name)
    if kind is None:
        raise TableError(_l("Only .csv and .xlsx files can be read (got %(name)s).", name=os.path.basename(name)))
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as opened:
            source = io.BytesIO(opened.read())
    raw = _csv_rows(source) if kind == "csv" else _xlsx_rows(source)
    table = _header(raw)
    table.rows = _rows(raw, table.header)
    if not stream:
        table.rows = list(table.rows)
    return table


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    # Decoded as it is read, not into one string of the whole file first (a 50,000-row file is 12 MB of bytes).
    text = io.TextIOWrapper(io.BytesIO(stream.read()), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    number = 0
    try:
        # Number records, not physical lines: a quoted value spanning lines is still one spreadsheet row.
        for number, values in enumerate(reader, start=1):
            yield number, values
    except UnicodeDecodeError as exc:
        raise TableError(_l("The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")) from exc
    except csv.Error as exc:
        raise TableError(_l("The CSV file cannot be read at row %(row)s: %(reason)s",
                            row=number + 1, reason=str(exc))) from exc


def _check_zip(stream: IO[bytes]) -> None:
    """Refuse an XLSX that would inflate far beyond any real register, before openpyxl reads it."""
    from zipfile import BadZipFile, ZipFile

    try:
        members = ZipFile(stream).infolist()
    except (BadZipFile, OSError, ValueError) as exc:
        raise TableError(_l("The XLSX file cannot be opened; is it an Excel workbook (.xlsx)?")) from exc
    finally:
        stream.seek(0)
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED or any(
            m.file_size > 1024 * 1024 and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1) for m in members):
        raise TableError(_l("The XLSX file is compressed far beyond any real register (it would inflate to "
                            "%(mb)d MB); it was not read.", mb=total // (1024 * 1024)))


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    _check_zip(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(_l("The XLSX file cannot be opened; is it an Excel workbook (.xlsx)?")) from exc
    try:
        if not workbook.worksheets:
            raise TableError(_l("The XLSX file has no sheet."))
        sheet = workbook.worksheets[0]
        # Some writers record a wrong used range; read every row instead of trusting it.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    finally:
        workbook.close()


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


def _header(raw: Iterator[tuple[int, list[str]]]) -> Table:
    """Read up to the header row (blank lines above it are forgiven): the Table without its rows."""
    for number, values in raw:
        _check_width(number, values)
        if not any(v.strip() for v in values):
            continue
        # The header row is row 1 by the register's convention; count rows from wherever it is.
        while values and not values[-1].strip():
            values = values[:-1]
        return Table(header=[normalise_header(v) for v in values], raw_header=[v.strip() for v in values])
    raise TableError(_l("The file is empty: the first row must name the columns."))


def _rows(raw: Iterator[tuple[int, list[str]]], header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows below the header as {column: value}; fully empty rows are skipped."""
    count = 0
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
        if count > MAX_ROWS:
            raise TableError(_l("The file has more than %(max)s rows; split it into smaller files. Nothing was "
                                "read.", max=f"{MAX_ROWS:,}"))
        yield number, row
