"""The downloadable empty template and the example file, both built from the column table."""
from __future__ import annotations

from flask_babel import gettext as _

from seconding.register.columns import COLUMNS, EDUCATION, EMPLOYMENT, NAMES, SHEETS, Sheet
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
# Their CV entries, for the example XLSX's extra sheets (the third example has none).
EXAMPLE_ENTRIES = {
    EDUCATION.name: (
        {"external_id": "EXAMPLE-0001", "level": "master", "field": "Law", "organisation": "University of Warsaw",
         "country": "Poland", "start": "2003-10-01", "end": "2008-06-30", "degree": "magister prawa"},
        {"external_id": "EXAMPLE-0001", "level": "post_secondary", "field": "Police studies",
         "organisation": "Police Academy in Szczytno", "country": "Poland", "start": "2009-10-01",
         "end": "2010-06-30", "degree": ""},
        {"external_id": "EXAMPLE-0002", "level": "bachelor", "field": "Administration",
         "organisation": "University of Gdańsk", "country": "Poland", "start": "1998-10-01", "end": "2001-07-15",
         "degree": "licencjat"},
    ),
    EMPLOYMENT.name: (
        {"external_id": "EXAMPLE-0001", "employer": "National Police Headquarters", "position": "Senior specialist",
         "start": "2016-03-01", "end": "", "duties": "Community policing projects; training of trainers."},
        {"external_id": "EXAMPLE-0001", "employer": "Voivodeship Police Headquarters in Olsztyn",
         "position": "Community police officer", "start": "2010-09-01", "end": "2016-02-29",
         "duties": "Neighbourhood policing; liaison with local authorities."},
        {"external_id": "EXAMPLE-0002", "employer": "Border Guard", "position": "Officer", "start": "2001-09-01",
         "end": "", "duties": ""},
    ),
}


def explanation() -> list[list]:
    """The template's last sheet: one line per column of the main sheet, then of each extra sheet, in the current
    language."""
    lines = [[_("column"), _("required"), _("format"), _("explanation"), _("example")]]
    lines += _column_lines(COLUMNS)
    for sheet in SHEETS:
        lines.append([])
        lines.append([_("Sheet “%(name)s” (XLSX only, optional)", name=sheet.name), "", "", str(sheet.help), ""])
        lines += _column_lines(sheet.columns)
    lines.append([])
    lines.append(["", "", "", _("The example rows of the extra sheets show the format: replace them with your "
                                "experts' entries, or delete a sheet to leave every expert's list as it is."), ""])
    return lines


def _column_lines(columns) -> list[list]:
    return [[column.name, _("yes") if column.required else _("no"), str(column.format), str(column.help),
             column.example] for column in columns]


def _example_sheet(sheet: Sheet) -> tuple[str, tuple[str, ...], list[list]]:
    """An extra sheet of the template: its header and one example row."""
    return sheet.name, sheet.names, [[column.example for column in sheet.columns]]


def template_xlsx() -> bytes:
    """An empty register: the header row; the extra sheets with an example row each; a sheet explaining each
    column."""
    return write_xlsx([], sheets=[_example_sheet(sheet) for sheet in SHEETS], explanation=explanation())


def example_rows(institution_code: str) -> list[list]:
    """The example rows for one institution, in column order."""
    return [[institution_code if name == "institution" else row.get(name, "") for name in NAMES]
            for row in EXAMPLE_ROWS]


def example_entries(institution_code: str, sheet: Sheet) -> list[list]:
    """The example experts' entries of an extra sheet, in its column order."""
    return [[institution_code if name == "institution" else entry.get(name, "") for name in sheet.names]
            for entry in EXAMPLE_ENTRIES[sheet.name]]


def example_file(institution_code: str, fmt: str) -> bytes:
    """A few fictional rows that import cleanly, as CSV or XLSX (with the extra sheets)."""
    rows = example_rows(institution_code)
    if fmt == "csv":
        return write_csv(rows)
    return write_xlsx(rows, explanation=explanation(),
                      sheets=[(sheet.name, sheet.names, example_entries(institution_code, sheet))
                              for sheet in SHEETS])
