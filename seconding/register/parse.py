"""Read a register file into rows of strings and check its header against the column table."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import IO

from flask_babel import lazy_gettext as _l

from seconding.register.columns import NAMES
from seconding.register.tables import Table, TableError, read_table

# Spreadsheet programs run a cell starting with one of these as a formula; exports put a ' before it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row (header = 1), column name ('' for the whole row) and reason."""

    row: int
    column: str
    message: object  # a lazy string, translated when shown

    def line(self) -> str:
        """The error as one line of text, the same on the page and the command line."""
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[int, int]:
        order = NAMES.index(self.column) if self.column in NAMES else len(NAMES)
        return self.row, order


def unescape(value: str) -> str:
    """Undo the export's protection against formulas: "'=x" reads as "=x"."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def escape(value: str) -> str:
    """Protect a text cell that a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def read_register(source: str | IO[bytes], filename: str | None = None) -> tuple[Table, list[RowError]]:
    """The table of a register file and the problems of its header (TableError when unreadable).

    Its rows are read as they are taken (once): a TableError may also come while iterating them."""
    table = read_table(source, filename, stream=True)
    errors: list[RowError] = []
    seen: set[str] = set()
    for raw, name in zip(table.raw_header, table.header):
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, raw, _l("This column appears twice.")))
        elif name not in NAMES:
            errors.append(RowError(1, raw, _l("Unknown column; the register's columns are: %(names)s.",
                                              names=", ".join(NAMES))))
        seen.add(name)
    if any(not name for name in table.header):
        errors.append(RowError(1, "", _l("A column has no name in the header row.")))
    for name in NAMES:
        if name not in seen:
            errors.append(RowError(1, name, _l("Missing column: every column of the register must be present "
                                               "(leave its cells empty if you have no value).")))
    rows = _unescaped(table.rows)
    first = next(rows, None)
    if first is None and not errors:
        raise TableError(_l("The file has no expert rows below the header."))
    table.rows = chain([first] if first else [], rows)
    return table, errors


def _unescaped(rows: Iterator[tuple[int, dict[str, str]]]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, values in rows:
        for key, value in values.items():
            if value[:1] == "'":
                values[key] = unescape(value)
        yield number, values
