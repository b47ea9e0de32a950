"""Import of Compact commitments from CSV or XLSX (code, edition, strand, title, description, source), all or
nothing: one wrong row and nothing is changed; every problem comes with its row and column."""
from dataclasses import dataclass, field
from typing import IO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seconding.audit.services import record
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.formtools import whole_number
from seconding.models import CompactCommitment
from seconding.nip.services import CommitmentData, Problems, check_commitment, save_commitment
from seconding.progress import Progress, counted
from seconding.register.parse import RowError, unescape
from seconding.register.tables import read_table

COLUMNS = ("code", "edition", "strand", "title", "description", "source")
REQUIRED = ("code", "edition", "title")
MAX_ROWS = 5_000  # the Compact has a few dozen commitments: a file far beyond it is refused while it is read


@dataclass
class CommitmentImport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def import_commitments(source: str | IO[bytes], filename: str | None = None, *, dry_run: bool = False,
                       progress: Progress | None = None) -> CommitmentImport:
    """Check every row, then create or update them all (unless dry_run or any error). Raises TableError when the
    file cannot be read at all. A row refused while saving (someone saved the same commitment meanwhile) is an
    error too: with any error, the caller rolls back. `progress` is told the rows checked and saved
    (seconding/progress.py)."""
    if progress is not None:
        progress("reading", 0, None)
    table = read_table(source, filename, max_rows=MAX_ROWS)
    result = CommitmentImport()
    for raw, name in zip(table.raw_header, table.header):
        if name and name not in COLUMNS:
            result.errors.append(RowError(1, raw, _l("Unknown column; the columns are: %(names)s.",
                                                     names=", ".join(COLUMNS))))
    for name in REQUIRED:
        if name not in table.header:
            result.errors.append(RowError(1, name, _l("Missing column.")))
    if not table.rows and not result.errors:
        result.errors.append(RowError(2, "", _l("The file has no rows below the header.")))
    if result.errors:
        return result
    existing = {(c.edition, c.code): c for c in db.session.scalars(select(CompactCommitment))}
    seen: dict[tuple[int, str], int] = {}
    rows: list[tuple[int, CommitmentData]] = []
    for number, values in counted(table.rows, progress, "checking", len(table.rows)):
        values = {k: unescape(v) for k, v in values.items()}
        edition_text = values.get("edition", "")
        if whole_number(edition_text) is None:
            result.errors.append(RowError(number, "edition", _l("The edition is 2018 or 2023.")))
            continue
        data = CommitmentData(edition=int(edition_text), code=values.get("code", ""), title=values.get("title", ""),
                              strand=values.get("strand", ""), description=values.get("description", ""),
                              source=values.get("source", ""))
        problems = check_commitment(data)
        result.errors.extend(RowError(number, column, message) for column, message in problems)
        key = (data.edition, data.code)
        if not problems and key in seen:
            result.errors.append(RowError(number, "code", _l("The same edition and code are on row %(row)d too.",
                                                             row=seen[key])))
        seen.setdefault(key, number)
        rows.append((number, data))
    if result.errors:
        return result
    for number, data in counted(rows, progress, "applying", len(rows)) if not dry_run else rows:
        current = existing.get((data.edition, data.code))
        result.updated += current is not None
        result.created += current is None
        if not dry_run:
            try:
                save_commitment(data, current, audit=False)
            except Refusal as exc:
                problems = exc.problems if isinstance(exc, Problems) else [(exc.field, str(exc))]
                result.errors.extend(RowError(number, column, message) for column, message in problems)
                result.created = result.updated = 0
                return result
    if not dry_run:
        record("commitments_imported", object_type="compact_commitment",
               summary=f"{result.created} created, {result.updated} updated")
    return result
