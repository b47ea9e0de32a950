"""The import, start to end: read -> validate -> compare with the pool -> (apply). The page and the command line
both call these two functions, so the same file gives the same errors and counts through either."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from flask_babel import lazy_gettext as _l

from seconding.dates import today_in_warsaw
from seconding.models import User
from seconding.pause import cycle_collector_paused
from seconding.progress import Progress
from seconding.register.apply import apply_plans
from seconding.register.cells import Lookups
from seconding.register.columns import NAMES, SHEETS
from seconding.register.compare import Counts, RowPlan, count, plan
from seconding.register.parse import RowError, read_register, read_sheet, structure_broken
from seconding.register.tables import CsvFormat, Table, TableError, estimate_rows
from seconding.register.validate import validate_rows, validate_sheet


@dataclass
class Outcome:
    """What a file would do: every error, or the plan of each row with the counts."""

    lookups: Lookups | None = None
    errors: list[RowError] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    fingerprint: str = ""
    file_error: object | None = None  # the file cannot be read at all (a lazy string)
    csv_format: CsvFormat | None = None  # how a CSV file was read (separator, encoding); None for an XLSX
    sheets: tuple[str, ...] = ()  # the extra sheets of an XLSX read (each the whole list of every expert)

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors

    def error_lines(self) -> list[str]:
        """Every problem as one line of text, in row and column order."""
        if self.file_error is not None:
            return [str(self.file_error)]
        return [e.line() for e in self.errors]


def check_file(source: str | IO[bytes], filename: str | None = None, *, scope: set[int] | None,
               default_institution: str | None = None, today: date | None = None,
               progress: Progress | None = None) -> Outcome:
    """Read and check a register file against the pool; changes nothing. `progress` is told the rows checked."""
    with cycle_collector_paused():
        return _check(source, filename, scope=scope, default_institution=default_institution, today=today,
                      progress=progress)


def _check(source: str | IO[bytes], filename: str | None, *, scope: set[int] | None,
           default_institution: str | None, today: date | None, progress: Progress | None) -> Outcome:
    code = default_institution.strip().upper() if default_institution else None
    lookups = Lookups.load(scope=scope, today=today or today_in_warsaw(), default_institution=code)
    outcome = Outcome(lookups=lookups)
    if code is not None:
        if code not in lookups.institutions:
            outcome.file_error = _l("Unknown institution %(code)s; use one of: %(allowed)s.", code=code,
                                    allowed=", ".join(sorted(lookups.institutions)))
            return outcome
        if scope is not None and lookups.institutions[code] not in scope:
            outcome.file_error = _l("%(code)s is outside your scope.", code=code)
            return outcome
    total = None
    if progress is not None:
        progress("reading", 0, None)
        total = estimate_rows(source, filename)
    try:
        table, header_errors = read_register(source, filename, keep_open=True)
    except TableError as exc:
        outcome.file_error = exc.message
        return outcome
    try:
        return _check_rows(outcome, table, header_errors, lookups, progress, total)
    except TableError as exc:  # a row beyond the bounds, a broken CSV further down, two sheets of one name
        outcome.errors = []
        outcome.file_error = exc.message
        return outcome
    finally:
        if table.book is not None:
            table.book.close()


def _check_rows(outcome: Outcome, table: Table, header_errors: list[RowError], lookups: Lookups,
                progress: Progress | None = None, total: int | None = None) -> Outcome:
    outcome.errors = header_errors
    outcome.csv_format = table.csv_format
    if structure_broken(table.header, NAMES):
        return outcome  # rows cannot be read column by column: the header errors say why
    # The extra sheets of an XLSX (the CV's lists), each read after the main sheet against its keys (kept only
    # then: a file without them costs what it did before they existed).
    sheets = [s for s in SHEETS if table.book is not None and table.book.has_sheet(s.name)]
    keys: dict[tuple[int, str], int] | None = {} if sheets else None
    # The rows are read as they are validated.
    candidates, row_errors = validate_rows(table, lookups, keys, progress, total)
    sheet_errors: list[RowError] = []
    for sheet in sheets:
        side, errors = read_sheet(table.book, sheet)
        outcome.sheets += (sheet.name,)
        sheet_errors += errors
        if side.header and not structure_broken(side.header, sheet.names):
            sheet_errors += validate_sheet(side, sheet, lookups, candidates, keys)
    del keys
    plans, pool_errors, fingerprint = plan(candidates, outcome.sheets)
    outcome.errors = sorted(header_errors + row_errors + sheet_errors + pool_errors, key=RowError.sort_key)
    outcome.plans, outcome.fingerprint = plans, fingerprint
    outcome.counts = count(plans)
    return outcome


def run_import(outcome: Outcome, *, actor: User | None, source: str, progress: Progress | None = None) -> Counts:
    """Apply a checked file (no errors) to the pool; flushes, the caller commits."""
    if not outcome.ok:
        raise ValueError("a file with errors is never applied")
    with cycle_collector_paused():
        return apply_plans(outcome.plans, outcome.lookups, actor=actor, source=source, progress=progress)
