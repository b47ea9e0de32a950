"""Register rows -> ExpertData and trainings, or every error with its row, column and reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from seconding.experts.services import ExpertData, check
from seconding.models import ClearanceLevel
from seconding.register.cells import CellError, Lookups
from seconding.register.columns import COLUMNS
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


def validate_rows(table: Table, lookups: Lookups) -> tuple[list[Candidate], list[RowError]]:
    """Read every row; a row with any error yields errors only. Duplicate keys in the file are errors."""
    candidates: list[Candidate] = []
    errors: list[RowError] = []
    first_row_of: dict[tuple[int, str], int] = {}
    # Per repeating column, each distinct text's value: read once, and one object for all rows (a 50,000-row
    # file held a date, a tuple or a name per row and cell otherwise, about half of what it holds).
    read: dict[str, dict[str, object]] = {c.name: {} for c in COLUMNS if c.repeats}
    for number, values in table.rows:
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
    parsed: dict = {}
    for column in COLUMNS:
        raw = values.get(column.name, "")
        if column.name == "institution" and not raw and lookups.default_institution:
            raw = lookups.default_institution
        if not raw:
            if column.required:
                errors.append(RowError(number, column.name, _l("This column needs a value.")))
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
            errors.append(RowError(number, column.name, exc.message))
            continue
        parsed[column.name] = value
        if seen is not None:
            seen[raw] = value
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
