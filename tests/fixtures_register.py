"""Helpers for the register tests: rows, CSV and XLSX files, and a snapshot of every table."""
import csv
import io

from sqlalchemy import select

from seconding.extensions import db
from seconding.register.columns import NAMES

# A complete valid row of the register (POLICE); tests override single cells.
BASE_ROW = {
    "institution": "POLICE", "external_id": "P-0001", "given_name": "Anna", "family_name": "Nowak", "sex": "F",
    "date_of_birth": "1985-03-04", "email": "anna.nowak@example.org", "phone": "+48 600 100 200", "rank": "komisarz",
    "expertise": "community_policing;human_rights", "experience_years": "9", "languages": "en:C1;pl:native",
    "clearance_level": "SECRET", "clearance_expires": "2029-12-31", "passport_expires": "2031-01-31",
    "driving_licence": "B", "available_from": "", "short_notice": "yes", "status": "active",
    "trainings": "PDT:2024-05-17", "notes": "",
}


def row(**cells) -> dict:
    """A valid row with some cells changed."""
    values = dict(BASE_ROW)
    values.update({k: str(v) for k, v in cells.items()})
    return values


def rows(n: int, start: int = 1, **cells) -> list[dict]:
    """n valid rows with distinct external ids."""
    return [row(external_id=f"P-{i:04d}", given_name=f"Anna{i}", **cells) for i in range(start, start + n)]


def csv_bytes(data: list[dict], header: list[str] | None = None, *, bom: bool = False) -> bytes:
    header = list(header or NAMES)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for values in data:
        writer.writerow([values.get(name.strip().lower().replace(" ", "_"), "") for name in header])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(data: list[dict], header: list[str] | None = None, *, typed: bool = False) -> bytes:
    """An XLSX file; with typed=True, dates and numbers are stored as Excel would (date and number cells)."""
    from datetime import date

    from openpyxl import Workbook

    header = list(header or NAMES)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in data:
        cells = []
        for name in header:
            value = values.get(name, "")
            if typed and name == "experience_years" and value.isdigit():
                value = int(value)
            elif typed and name in ("date_of_birth", "clearance_expires", "passport_expires") and value:
                value = date.fromisoformat(value)
            cells.append(value if value != "" else None)
        sheet.append(cells)
    workbook.create_sheet("other").append(["not", "read"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row of every table, to prove that nothing changed (read in the test's transaction); the jobs that
    checked a file are bookkeeping, not data, and left out."""
    conn = db.session.connection()
    return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in db.metadata.sorted_tables
            if t.name != "jobs"}


def lines(outcome) -> list[str]:
    """The outcome's errors as text lines."""
    return outcome.error_lines()
