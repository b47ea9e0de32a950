"""Export the pool in the register format (CSV or XLSX), within the user's scope and the expert list's filters.

One query per need (experts, languages, expertise, training records; the XLSX's education and employment sheets),
never one per expert. Values are written
in exactly the form the import reads, so an export imports back with no change.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from sqlalchemy import Select, bindparam, select

from seconding.audit.services import record
from seconding.db import stored_text
from seconding.experts.queries import EXPIRING_FILTERS, TRAINING_FILTERS, ExpertFilters, expert_rows, order_by
from seconding.experts.services import Post, Study, cv_order
from seconding.extensions import db
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Course,
    Education,
    EducationLevel,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    PoolStatus,
    TrainingRecord,
    User,
)
from seconding.pause import cycle_collector_paused
from seconding.profiles.rules import FIELDS
from seconding.progress import Progress, counted
from seconding.register.columns import EDUCATION, EMPLOYMENT, NAMES, SHEETS, Sheet
from seconding.register.parse import escape
from seconding.register.xlsxstream import stream_xlsx
from seconding.spreadsheets import as_cell_value, finish_sheet
from seconding.training.queries import CHUNK

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to a text type

             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FILTER_FIELDS = ("q", "institution", "language", "min_level", "clearance", "expertise", "status", "available_on",
                 "training", "missing", "confirmation", "expiring", "sort")
PROFILE_FILTERS = {"missing": ("any", *FIELDS), "confirmation": ("outdated", "recent"),
                   "expiring": EXPIRING_FILTERS}


def filters_from_args(args: Mapping[str, str]) -> ExpertFilters:
    """The expert list's filters from query-string arguments; a value that makes no sense is ignored."""
    filters = ExpertFilters()
    for name in FILTER_FIELDS:
        value = (args.get(name) or "").strip()[:100]
        if not value:
            continue
        if name == "available_on":
            try:
                filters.available_on = date.fromisoformat(value)
            except ValueError:
                continue
        elif name == "min_level" and value not in CefrLevel.values():
            continue
        elif name == "clearance" and value not in ClearanceLevel.values():
            continue
        elif name == "status" and value not in PoolStatus.values():
            continue
        elif name == "training" and value not in TRAINING_FILTERS:
            continue
        elif name in PROFILE_FILTERS and value not in PROFILE_FILTERS[name]:
            continue
        else:
            setattr(filters, name, value)
    return filters


def expert_ids(user: User | None, filters: ExpertFilters, today: date, horizon_days: int) -> Select:
    """Ids of the experts to export: the expert list's own query (scope and filters); all for the command line."""
    if user is None:
        query = select(Expert.id)
    else:
        rows, _count = expert_rows(user, filters, today, horizon_days)
        query = rows.with_only_columns(Expert.id).order_by(None)
    return query.where(Expert.anonymised_at.is_(None))  # anonymised records are no longer part of the pool


def _joined(items: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Each expert's list cell: the (expert_id, item) pairs, in their order, joined with ";"."""
    groups: dict[int, list[str]] = defaultdict(list)
    for expert_id, item in items:
        groups[expert_id].append(item)
    return {expert_id: ";".join(cell) for expert_id, cell in groups.items()}


def _core(query, ids: list[int]) -> list:
    """The rows of the experts `ids`, read plainly through the session's connection (no ORM result processing:
    the whole pool is half a million rows)."""
    return db.session.connection().execute(query, {"ids": ids}).all()


def _date(value: date | None) -> date | str:
    # A date cell in the XLSX; the CSV writes it as YYYY-MM-DD.
    return value if value else ""


def ordered_ids(user: User | None, filters: ExpertFilters, today: date, horizon_days: int) -> list[int]:
    """The ids of the experts to export, in the list's order."""
    db.session.flush()  # the rows are read through the connection below, past the session's autoflush
    ids = expert_ids(user, filters, today, horizon_days)
    return list(db.session.scalars(select(Expert.id).where(Expert.id.in_(ids)).order_by(*order_by(filters.sort))
                                   .join(Institution, Institution.id == Expert.institution_id)))


def register_rows(user: User | None, filters: ExpertFilters, today: date, horizon_days: int,
                  ordered: list[int] | None = None) -> Iterator[list]:
    """The export's data rows in register column order (strings, dates, experience as int), in the list's order.

    The ordered ids come first; the rows are then read CHUNK experts at a time with their lists, so the whole pool
    is never held at once."""
    if ordered is None:
        ordered = ordered_ids(user, filters, today, horizon_days)
    for start in range(0, len(ordered), CHUNK):
        yield from _rows_of(ordered[start:start + CHUNK])


def sheet_rows(ordered: list[int], sheet: Sheet) -> Iterator[list]:
    """The rows of an extra sheet (education or employment) for these experts, in their order, each expert's
    entries most recent first (experts.services.cv_order, as the profile shows them); CHUNK experts at a time, one
    query each."""
    query, entry, cells = SHEET_QUERIES[sheet.name]
    for start in range(0, len(ordered), CHUNK):
        ids = ordered[start:start + CHUNK]
        keys: dict[int, tuple[str, str]] = {}
        entries: dict[int, list] = defaultdict(list)
        for expert_id, institution, external_id, *values in _core(query, ids):
            keys[expert_id] = (institution, external_id)
            entries[expert_id].append(entry(*values))
        for expert_id in ids:
            for item in cv_order(entries.get(expert_id, ())):
                yield [*keys[expert_id], *cells(item)]


IDS = bindparam("ids", expanding=True)  # one statement per need, whatever the chunk: compiled once
# Each list cell comes out of the database in the register's form and order ("code:level" by code; primary
# expertise first; trainings by course, then date).
LANGUAGES = (select(ExpertLanguage.expert_id, ExpertLanguage.code + ":" + stored_text(ExpertLanguage.level))
             .where(ExpertLanguage.expert_id.in_(IDS)).order_by(ExpertLanguage.expert_id, ExpertLanguage.code))
EXPERTISE = (select(ExpertExpertise.expert_id, ExpertiseArea.code)
             .join(ExpertiseArea, ExpertiseArea.id == ExpertExpertise.area_id)
             .where(ExpertExpertise.expert_id.in_(IDS))
             .order_by(ExpertExpertise.expert_id, ExpertExpertise.primary.desc(), ExpertiseArea.code))
TRAININGS = (select(TrainingRecord.expert_id, Course.code, TrainingRecord.completed_on)
             .join(Course, Course.id == TrainingRecord.course_id)
             .where(TrainingRecord.expert_id.in_(IDS))
             .order_by(TrainingRecord.expert_id, Course.code, TrainingRecord.completed_on))
EXPERTS = (select(Expert.id, Institution.code, Expert.external_id, Expert.given_name, Expert.family_name,
                  stored_text(Expert.sex), Expert.date_of_birth, Expert.email, Expert.phone, Expert.rank,
                  Expert.experience_years, stored_text(Expert.clearance_level), Expert.clearance_expires,
                  Expert.passport_expires, stored_text(Expert.driving_licence), Expert.available_from,
                  Expert.short_notice, stored_text(Expert.pool_status), Expert.notes)
           .join(Institution, Institution.id == Expert.institution_id)
           .where(Expert.id.in_(IDS)))


# Each entry read in the order of the expert's relationship (start descending, then id), which cv_order breaks
# ties in, as services._apply does: an export imports back unchanged.
EDUCATION_ROWS = (select(Education.expert_id, Institution.code, Expert.external_id, Education.level,
                         Education.organisation, Education.start, Education.end, Education.field, Education.country,
                         Education.degree)
                  .join(Expert, Expert.id == Education.expert_id)
                  .join(Institution, Institution.id == Expert.institution_id)
                  .where(Education.expert_id.in_(IDS))
                  .order_by(Education.expert_id, Education.start.desc(), Education.id))
EMPLOYMENT_ROWS = (select(Employment.expert_id, Institution.code, Expert.external_id, Employment.employer,
                          Employment.position, Employment.start, Employment.end, Employment.duties)
                   .join(Expert, Expert.id == Employment.expert_id)
                   .join(Institution, Institution.id == Expert.institution_id)
                   .where(Employment.expert_id.in_(IDS))
                   .order_by(Employment.expert_id, Employment.start.desc(), Employment.id))
# Per sheet: its query, the entry a row makes, and the entry's cells after the key (the sheet's column order).
SHEET_QUERIES = {
    EDUCATION.name: (EDUCATION_ROWS,
                     lambda level, organisation, start, end, field_, country, degree: Study(
                         level=EducationLevel(level), organisation=organisation, start=start, end=end,
                         field=field_ or "", country=country or "", degree=degree or ""),
                     lambda e: [e.level.value, e.field, e.organisation, e.country, e.start, _date(e.end), e.degree]),
    EMPLOYMENT.name: (EMPLOYMENT_ROWS,
                      lambda employer, position, start, end, duties: Post(
                          employer=employer, position=position, start=start, end=end, duties=duties or ""),
                      lambda e: [e.employer, e.position, e.start, _date(e.end), e.duties]),
}


def _rows_of(ids: list[int]) -> Iterator[list]:
    languages, expertise = _joined(_core(LANGUAGES, ids)), _joined(_core(EXPERTISE, ids))
    # Dates are written here: PostgreSQL's own date-to-text follows the session's DateStyle.
    trainings = _joined((expert_id, f"{code}:{day.isoformat()}") for expert_id, code, day in _core(TRAININGS, ids))
    by_id = {row[0]: row for row in _core(EXPERTS, ids)}
    for expert_id in ids:
        (_id, institution, external_id, given, family, sex, born, email, phone, rank, years, clearance,
         clearance_expires, passport, licence, available, short_notice, status, notes) = by_id[expert_id]
        yield [
            institution, external_id, given, family, sex, _date(born), email or "", phone or "", rank or "",
            expertise.get(expert_id, ""), years, languages.get(expert_id, ""), clearance, _date(clearance_expires),
            _date(passport), licence, _date(available), "yes" if short_notice else "no", status,
            trainings.get(expert_id, ""), notes or "",
        ]


def write_csv(rows: Iterable[list], header: Iterable[str] = NAMES) -> bytes:
    """UTF-8 with a BOM (so spreadsheet programs read the accents), comma, header row; formulas defused."""
    output = io.BytesIO()
    # Encoded as it is written: no second copy of the whole file as text.
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([escape(v) if isinstance(v, str) else v for v in row])
    text.flush()
    return output.getvalue()


def write_xlsx(rows: Iterable[list], header: Iterable[str] = NAMES, *, explanation: list[list] | None = None,
               title: str = "register", sheets: Iterable[tuple[str, Iterable[str], Iterable[list]]] = ()) -> bytes:
    """One sheet with the header and rows (every text cell stored as text, never as a formula; ISO dates as date
    cells), fitted for reading (see seconding.spreadsheets); then the (title, header, rows) `sheets` alike; the
    explanation, if any, on a last sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # the longest sheet name a workbook allows
    _fill(sheet, header, rows)
    for name, other_header, other_rows in sheets:
        _fill(workbook.create_sheet(name[:31]), other_header, other_rows)
    if explanation:
        bold = Font(bold=True)
        help_sheet = workbook.create_sheet("columns")
        for line in explanation:
            help_sheet.append([str(v) for v in line])
        for cell in help_sheet[1]:
            cell.font = bold
        finish_sheet(help_sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill(sheet, header: Iterable[str], rows: Iterable[list]) -> None:
    from openpyxl.cell.cell import ERROR_CODES, Cell
    from openpyxl.styles import Font

    sheet.append(list(header))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold

    def value(v):
        v = as_cell_value(v)
        if isinstance(v, str) and (v[:1] == "=" or v in ERROR_CODES):
            cell = Cell(sheet, value=v)
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            return cell
        return v

    # The cells are made before they are appended: reading a row back (sheet[n]) scans every cell of the sheet,
    # which made a whole-pool file quadratic.
    for row in rows:
        sheet.append([value(v) for v in row])
    finish_sheet(sheet)


def export_register(user: User | None, filters: ExpertFilters, fmt: str, *, today: date,
                    horizon_days: int, progress: Progress | None = None) -> tuple[bytes, int]:
    """The register file of the experts in scope and filters, and how many; the export is audited. `progress`
    hears ("writing", rows written, of how many) as the main sheet is written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    written = [0]
    ordered = ordered_ids(user, filters, today, horizon_days)

    def rows() -> Iterator[list]:
        for values in counted(register_rows(user, filters, today, horizon_days, ordered), progress, "writing",
                              len(ordered)):
            written[0] += 1
            yield values

    # The whole pool is a million cells: the XLSX is streamed (write_xlsx takes 5x longer; see xlsxstream). Its
    # extra sheets carry the CV's lists of the same experts (CSV has the main sheet only).
    with cycle_collector_paused():
        content = write_csv(rows()) if fmt == "csv" else stream_xlsx(
            [("register", rows(), NAMES)] + [(sheet.name, sheet_rows(ordered, sheet), sheet.names)
                                             for sheet in SHEETS])
    described = ", ".join(f"{k}={v}" for k, v in filters.as_args().items())
    summary = f"{written[0]} experts exported as {fmt.upper()}" + (f" (filters: {described})" if described else "")
    record("register_exported", object_type="register", actor=user,
           institution_id=user.institution_id if user is not None else None, summary=summary)
    return content, written[0]
