"""Register rows -> ExpertData and trainings, or every error with its row, column and reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from seconding.experts.services import ExpertData, Post, Study, check
from seconding.models import ClearanceLevel
from seconding.progress import Progress, counted
from seconding.register.cells import CellError, Lookups
from seconding.register.columns import COLUMNS, EDUCATION, EMPLOYMENT, Sheet
from seconding.register.parse import RowError
from seconding.register.tables import Table

# check() names ExpertData fields; the register names columns.
FIELD_TO_COLUMN = {"pool_status": "status", "institution_id": "institution"}


@dataclass(slots=True)
class Candidate:
    """A valid row: what it says about the expert, and the trainings it lists."""

    row: int
    data: ExpertData
    trainings: tuple[tuple[str, date], ...] = ()

    @property
    def key(self) -> tuple[int, str]:
        return self.data.institution_id, self.data.external_id


def validate_rows(table: Table, lookups: Lookups, first_row_of: dict[tuple[int, str], int] | None = None,
                  progress: Progress | None = None, total: int | None = None
                  ) -> tuple[list[Candidate], list[RowError]]:
    """Read every row; a row with any error yields errors only. Duplicate keys in the file are errors.

    `first_row_of`, if given, is filled with the key of every row whose key could be read (valid or not): the
    extra sheets are checked against it. `progress` is told the rows read ("checking", of about `total`)."""
    candidates: list[Candidate] = []
    errors: list[RowError] = []
    first_row_of = {} if first_row_of is None else first_row_of
    # Per repeating column, each distinct text's value: read once, and one object for all rows (a 50,000-row
    # file held a date, a tuple or a name per row and cell otherwise, about half of what it holds).
    read: dict[str, dict[str, object]] = {c.name: {} for c in COLUMNS if c.repeats}
    for number, values in counted(table.rows, progress, "checking", total):
        row_errors: list[RowError] = []
        parsed = _read_cells(number, values, lookups, row_errors, read)
        if values.get(""):
            row_errors.append(RowError(number, "", _l("There are values to the right of the last column: %(v)s.",
                                                      v=values[""][:60])))
        candidate = None if row_errors else _candidate(number, parsed, row_errors)
        if "institution" in parsed and "external_id" in parsed:
            # Checked for rows with other errors too, so one upload shows every problem.
            first = first_row_of.setdefault((parsed["institution"], parsed["external_id"]), number)
            if first != number:
                row_errors.append(RowError(number, "external_id", _l(
                    "Row %(first)s already has this institution and external_id; each expert may appear once.",
                    first=first)))
        if row_errors:
            errors.extend(row_errors)
        else:
            candidates.append(candidate)
    return candidates, errors


def _read_cells(number: int, values: dict[str, str], lookups: Lookups, errors: list[RowError],
                read: dict[str, dict[str, object]]) -> dict:
    parsed = _cells(number, values, COLUMNS, lookups, errors, read)
    if parsed.get("clearance_level") not in (None, ClearanceLevel.NONE) and "clearance_expires" in parsed \
            and parsed["clearance_expires"] is None:
        errors.append(RowError(number, "clearance_expires", _l("A clearance level needs its expiry date.")))
    return parsed


def _candidate(number: int, parsed: dict, errors: list[RowError]) -> Candidate | None:
    data = ExpertData(
        institution_id=parsed["institution"], external_id=parsed["external_id"], given_name=parsed["given_name"],
        family_name=parsed["family_name"], sex=parsed["sex"], experience_years=parsed["experience_years"],
        date_of_birth=parsed["date_of_birth"], email=parsed["email"], phone=parsed["phone"], rank=parsed["rank"],
        expertise=parsed["expertise"], languages=parsed["languages"],
        clearance_level=parsed["clearance_level"], clearance_expires=parsed["clearance_expires"],
        passport_expires=parsed["passport_expires"], driving_licence=parsed["driving_licence"],
        available_from=parsed["available_from"], short_notice=parsed["short_notice"],
        pool_status=parsed["status"], notes=parsed["notes"],
        unavailability=None, history=None,  # not in the register: left as they are
    )
    # The rules every expert obeys, whatever the entry point (the forms use the same function).
    for field_name, message in check(data):
        errors.append(RowError(number, FIELD_TO_COLUMN.get(field_name, field_name), message))
    if errors:
        return None
    return Candidate(row=number, data=data, trainings=parsed["trainings"])


# An entry ending before it starts: the same words as experts.services.check().
END_BEFORE_START = {EDUCATION.name: _l("An education entry must end on or after its start."),
                    EMPLOYMENT.name: _l("A post must end on or after its start.")}


def validate_sheet(table: Table, sheet: Sheet, lookups: Lookups, candidates: list[Candidate],
                   first_row_of: dict[tuple[int, str], int]) -> list[RowError]:
    """Read an extra sheet's rows into the candidates' lists, or every error.

    The sheet is the whole list of every expert of the main sheet: each candidate's list starts empty. A row whose
    key is on no row of the main sheet is an error; one whose main row has errors is checked, and goes nowhere."""
    errors: list[RowError] = []
    by_key = {c.key: c for c in candidates}
    for candidate in candidates:
        setattr(candidate.data, sheet.name, [])
    # As on the main sheet: each distinct text of a repeating column read once, one value for all its rows.
    read: dict[str, dict[str, object]] = {c.name: {} for c in sheet.columns if c.repeats}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        parsed = _cells(number, values, sheet.columns, lookups, row_errors, read, sheet.name)
        if values.get(""):
            row_errors.append(RowError(number, "", _l("There are values to the right of the last column: %(v)s.",
                                                      v=values[""][:60]), sheet.name))
        key = (parsed.get("institution"), parsed.get("external_id"))
        if None not in key and key not in first_row_of:
            row_errors.append(RowError(number, "external_id", _l(
                "No row of the main sheet has this institution and external_id; add the expert's row there, or "
                "remove this one."), sheet.name))
        if parsed.get("start") and parsed.get("end") and parsed["end"] < parsed["start"]:
            row_errors.append(RowError(number, "end", END_BEFORE_START[sheet.name], sheet.name))
        if row_errors:
            errors.extend(row_errors)
            continue
        candidate = by_key.get(key)
        if candidate is not None:  # None: the expert's row of the main sheet has errors, listed already
            getattr(candidate.data, sheet.name).append(_entry(sheet, parsed))
    return errors


def _cells(number: int, values: dict[str, str], columns, lookups: Lookups, errors: list[RowError],
               read: dict[str, dict[str, object]], sheet: str = "") -> dict:
    """The row's cells read by their columns (of the main sheet or a side sheet `sheet`); each cell's problem is
    added to `errors`. A repeating column's values are read once per distinct text (`read`)."""
    parsed: dict = {}
    for column in columns:
        raw = values.get(column.name, "")
        if column.name == "institution" and not raw and lookups.default_institution:
            raw = lookups.default_institution
        if not raw:
            if column.required:
                errors.append(RowError(number, column.name, _l("This column needs a value."), sheet))
            else:
                parsed[column.name] = column.empty
            continue
        seen = read.get(column.name)
        if seen is not None and raw in seen:
            parsed[column.name] = seen[raw]
            continue
        try:
            value = column.read(raw, lookups)
        except CellError as exc:
            errors.append(RowError(number, column.name, exc.message, sheet))
            continue
        parsed[column.name] = value
        if seen is not None:
            seen[raw] = value
    return parsed


def _entry(sheet: Sheet, parsed: dict) -> Study | Post:
    if sheet is EDUCATION:
        return Study(level=parsed["level"], organisation=parsed["organisation"], start=parsed["start"],
                     end=parsed["end"], field=parsed["field"], country=parsed["country"], degree=parsed["degree"])
    return Post(employer=parsed["employer"], position=parsed["position"], start=parsed["start"], end=parsed["end"],
                duties=parsed["duties"])
