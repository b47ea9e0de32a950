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
from seconding.register.apply import apply_plans
from seconding.register.cells import Lookups
from seconding.register.columns import NAMES
from seconding.register.compare import Counts, RowPlan, count, plan
from seconding.register.parse import RowError, read_register
from seconding.register.tables import CsvFormat, TableError
from seconding.register.validate import validate_rows


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

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors

    def error_lines(self) -> list[str]:
        """Every problem as one line of text, in row and column order."""
        if self.file_error is not None:
            return [str(self.file_error)]
        return [e.line() for e in self.errors]


def check_file(source: str | IO[bytes], filename: str | None = None, *, scope: set[int] | None,
               default_institution: str | None = None, today: date | None = None) -> Outcome:
    """Read and check a register file against the pool; changes nothing."""
    with cycle_collector_paused():
        return _check(source, filename, scope=scope, default_institution=default_institution, today=today)


def _check(source: str | IO[bytes], filename: str | None, *, scope: set[int] | None,
           default_institution: str | None, today: date | None) -> Outcome:
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
    try:
        table, header_errors = read_register(source, filename)
    except TableError as exc:
        outcome.file_error = exc.message
        return outcome
    outcome.errors = header_errors
    outcome.csv_format = table.csv_format
    if _structure_broken(table.header):
        return outcome  # rows cannot be read column by column: the header errors say why
    try:
        candidates, row_errors = validate_rows(table, lookups)  # the rows are read as they are validated
    except TableError as exc:  # a row beyond the bounds, or a broken CSV further down
        outcome.errors = []
        outcome.file_error = exc.message
        return outcome
    plans, pool_errors, fingerprint = plan(candidates)
    outcome.errors = sorted(header_errors + row_errors + pool_errors, key=RowError.sort_key)
    outcome.plans, outcome.fingerprint = plans, fingerprint
    outcome.counts = count(plans)
    return outcome


def _structure_broken(header: list[str]) -> bool:
    """Missing or repeated columns make every row unreadable; unknown extra columns do not."""
    named = [h for h in header if h]
    return any(name not in named for name in NAMES) or len(named) != len(set(named))


def run_import(outcome: Outcome, *, actor: User | None, source: str) -> Counts:
    """Apply a checked file (no errors) to the pool; flushes, the caller commits."""
    if not outcome.ok:
        raise ValueError("a file with errors is never applied")
    with cycle_collector_paused():
        return apply_plans(outcome.plans, outcome.lookups, actor=actor, source=source)
