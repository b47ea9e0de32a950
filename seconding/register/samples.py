"""The downloadable empty template and the example file, both built from the column table."""
from __future__ import annotations

from flask_babel import gettext as _

from seconding.register.columns import COLUMNS, NAMES
from seconding.register.export import write_csv, write_xlsx

# A few fictional people (the institution is filled in for the downloading user, so the file imports cleanly).
EXAMPLE_ROWS = (
    {"external_id": "EXAMPLE-0001", "given_name": "Anna", "family_name": "Przykładowa", "sex": "F",
     "date_of_birth": "1984-05-17", "email": "anna.przykladowa@example.org", "phone": "+48 600 100 200",
     "rank": "komisarz", "expertise": "community_policing;human_rights", "experience_years": 12,
     "languages": "en:C1;pl:native;ru:B1", "clearance_level": "SECRET", "clearance_expires": "2029-12-31",
     "passport_expires": "2031-03-31", "driving_licence": "B_4X4", "short_notice": "yes", "status": "active",
     "trainings": "HEAT:2025-02-03;PDT:2024-05-17", "notes": "Fictional example row."},
    {"external_id": "EXAMPLE-0002", "given_name": "Piotr", "family_name": "Testowy", "sex": "M",
     "date_of_birth": "1979-11-02", "rank": "aspirant", "expertise": "organised_crime;anti_corruption",
     "experience_years": 18, "languages": "de:B1;en:B2;pl:native", "clearance_level": "CONFIDENTIAL",
     "clearance_expires": "2028-06-30", "passport_expires": "2030-09-30", "driving_licence": "B",
     "available_from": "2026-09-01", "short_notice": "no", "status": "active", "trainings": "EHEST:2023-03-10"},
    {"external_id": "EXAMPLE-0003", "given_name": "Alex", "family_name": "Wzorcowy", "sex": "X",
     "expertise": "monitoring", "experience_years": 5, "languages": "en:B2;fr:A2", "clearance_level": "NONE",
     "driving_licence": "NONE", "short_notice": "no", "status": "suspended", "notes": "On leave this year."},
)


def explanation() -> list[list]:
    """The template's second sheet: one line per column, in the current language."""
    lines = [[_("column"), _("required"), _("format"), _("explanation"), _("example")]]
    for column in COLUMNS:
        lines.append([column.name, _("yes") if column.required else _("no"), str(column.format), str(column.help),
                      column.example])
    return lines


def template_xlsx() -> bytes:
    """An empty register: the header row, and a sheet explaining each column."""
    return write_xlsx([], explanation=explanation())


def example_rows(institution_code: str) -> list[list]:
    """The example rows for one institution, in column order."""
    return [[institution_code if name == "institution" else row.get(name, "") for name in NAMES]
            for row in EXAMPLE_ROWS]


def example_file(institution_code: str, fmt: str) -> bytes:
    """A few fictional rows that import cleanly, as CSV or XLSX."""
    rows = example_rows(institution_code)
    return write_csv(rows) if fmt == "csv" else write_xlsx(rows, explanation=explanation())
