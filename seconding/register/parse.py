"""Read a register file into rows of strings and check its header against the column table."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seconding.register.columns import NAMES, SHEETS, Sheet
from seconding.register.tables import Table, TableError, XlsxBook, read_table

# Spreadsheet programs run a cell starting with one of these as a formula; exports put a ' before it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row (header = 1), column name ('' for the whole row) and reason; `sheet` names an
    extra sheet of an XLSX register ('' for the main sheet, the only one of a CSV)."""

    row: int
    column: str
    message: object  # a lazy string, translated when shown
    sheet: str = ""

    def line(self) -> str:
        """The error as one line of text, the same on the page and the command line (which speaks English)."""
        values = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        if self.sheet:
            if self.column:
                return _("sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s", **values)
            return _("sheet %(sheet)s, row %(row)s: %(message)s", **values)
        if self.column:
            return _("row %(row)s, column %(column)s: %(message)s", **values)
        return _("row %(row)s: %(message)s", **values)

    def sort_key(self) -> tuple[int, int, int]:
        """Main sheet first, then the extra sheets; by row, then in column order."""
        names = SHEET_COLUMNS.get(self.sheet, NAMES)
        order = names.index(self.column) if self.column in names else len(names)
        return SHEET_ORDER.get(self.sheet, len(SHEET_ORDER)), self.row, order


SHEET_COLUMNS = {sheet.name: sheet.names for sheet in SHEETS}
SHEET_ORDER = {"": 0} | {sheet.name: n for n, sheet in enumerate(SHEETS, start=1)}


def unescape(value: str) -> str:
    """Undo the export's protection against formulas: "'=x" reads as "=x"."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def escape(value: str) -> str:
    """Protect a text cell that a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def read_register(source: str | IO[bytes], filename: str | None = None, *,
                  keep_open: bool = False) -> tuple[Table, list[RowError]]:
    """The table of a register file and the problems of its header (TableError when unreadable).

    Its rows are read as they are taken (once): a TableError may also come while iterating them. With `keep_open`,
    an XLSX's workbook stays open as `table.book` for read_sheet(); the caller closes it."""
    table = read_table(source, filename, stream=True, keep_open=keep_open)
    errors = check_header(table, NAMES)
    rows = _unescaped(table.rows)
    first = next(rows, None)
    if first is None and not errors:
        if table.book is not None:
            table.book.close()
        raise TableError(_l("The file has no expert rows below the header."))
    table.rows = chain([first] if first else [], rows)
    return table, errors


def read_sheet(book: XlsxBook, sheet: Sheet) -> tuple[Table, list[RowError]]:
    """An extra sheet of an XLSX register (book.has_sheet(sheet.name)) and the problems of its header. A sheet
    with a header and no rows is valid: every expert's list is then empty."""
    table = book.sheet(sheet.name)
    if table is None:
        raise ValueError(f"the file has no sheet {sheet.name}")
    if not table.header:
        return table, [RowError(1, "", _l("The sheet is empty: its first row must name the columns (%(names)s).",
                                          names=", ".join(sheet.names)), sheet.name)]
    errors = check_header(table, sheet.names, sheet.name)
    table.rows = _unescaped(table.rows)
    return table, errors


def check_header(table: Table, names: tuple[str, ...], sheet: str = "") -> list[RowError]:
    """Unknown, repeated, unnamed and missing columns of a sheet's header."""
    errors: list[RowError] = []
    seen: set[str] = set()
    for raw, name in zip(table.raw_header, table.header):
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, raw, _l("This column appears twice."), sheet))
        elif name not in names:
            errors.append(RowError(1, raw, _l("Unknown column; the register's columns are: %(names)s.",
                                              names=", ".join(names)) if not sheet else
                                   _l("Unknown column; the columns of this sheet are: %(names)s.",
                                      names=", ".join(names)), sheet))
        seen.add(name)
    if any(not name for name in table.header):
        errors.append(RowError(1, "", _l("A column has no name in the header row."), sheet))
    for name in names:
        if name not in seen:
            errors.append(RowError(1, name, _l("Missing column: every column of the register must be present "
                                               "(leave its cells empty if you have no value)."), sheet))
    return errors


def structure_broken(header: list[str], names: tuple[str, ...]) -> bool:
    """Missing or repeated columns make every row unreadable; unknown extra columns do not."""
    named = [h for h in header if h]
    return any(name not in named for name in names) or len(named) != len(set(named))


def _unescaped(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, values in rows:
        for key, value in values.items():
            if value[:1] == "'":
                values[key] = unescape(value)
        yield number, values
