"""The positions import of SPEC §8 (a CfC's annex): parse -> validate -> apply, all or nothing.

One row per position. CfC columns repeat on every row of the same CfC and must agree. An existing CfC
(by reference) and its existing positions (by reference code) are updated; the rest is created.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.dates import BRUSSELS, WARSAW, in_range, parse_moment, range_message
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.missions import services
from seconding.missions.requirements import (
    parse_category,
    parse_clearance,
    parse_codes,
    parse_languages,
    parse_licence,
    parse_regime,
)
from seconding.models import Cfc, CfcKind, CfcStatus, Mission, Position, PositionCategory
from seconding.progress import Progress, counted
from seconding.register.tables import CsvFormat, Table, TableError, read_table

COLUMNS = (
    "mission", "cfc_ref", "cfc_kind", "eeas_deadline", "national_deadline", "position_ref", "title", "location",
    "regime", "posts", "available_on", "tour_months", "clearance_level", "min_experience_years",
    "languages_essential", "languages_desirable", "expertise", "driving_licence", "courses_required",
    "courses_desirable", "category",
)
REQUIRED = frozenset({"mission", "cfc_ref", "cfc_kind", "eeas_deadline", "national_deadline", "position_ref",
                      "title", "regime", "posts", "available_on"})
OPTIONAL_EXTRA = ("published_on",)  # not in the SPEC's list, but a field of the CfC; accepted when present
CFC_COLUMNS = ("mission", "cfc_kind", "eeas_deadline", "national_deadline", "published_on")
# PositionData field -> annex column, for messages from the shared position rules.
FIELD_COLUMNS = {"reference": "position_ref"}
# The widths of the columns these values are stored in (seconding/models/missions.py).
MAX_LENGTHS = {"cfc_ref": 60, "position_ref": 40, "title": 200, "location": 100}
# Rows an annex may have: the largest call has a few hundred positions. A file far beyond it is refused while it is
# read (seconds), not after 100,000 rows (the register's limit, half a minute).
MAX_ROWS = 5_000


@dataclass(frozen=True)
class AnnexError:
    """One problem: spreadsheet row (header = 1), column and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        with services.english_outside_requests():
            return _("row %(row)s, column %(column)s: %(message)s", row=self.row, column=self.column or "-",
                     message=self.message)


@dataclass
class CfcRow:
    """A CfC as the annex describes it; `existing` is the stored CfC it updates, if any."""

    row: int
    mission: Mission
    data: services.CfcData
    existing: Cfc | None = None
    positions: list[PositionRow] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)  # the CfC columns as read from its first row


@dataclass
class PositionRow:
    """A position as one annex row describes it; `existing` is the stored position it updates, if any."""

    row: int
    data: services.PositionData
    existing: Position | None = None


@dataclass
class AnnexResult:
    """What the file holds (or why it cannot be imported), and what was or would be created and updated."""

    errors: list[AnnexError] = field(default_factory=list)
    cfcs: list[CfcRow] = field(default_factory=list)
    applied: bool = False
    csv_format: CsvFormat | None = None  # how a CSV file was read (separator, encoding); None for an XLSX

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def positions(self) -> list[PositionRow]:
        return [p for c in self.cfcs for p in c.positions]

    def counts(self) -> dict[str, int]:
        """CfCs and positions created and updated (or to be, before apply)."""
        return {
            "cfcs_created": sum(1 for c in self.cfcs if c.existing is None),
            "cfcs_updated": sum(1 for c in self.cfcs if c.existing is not None),
            "positions_created": sum(1 for p in self.positions if p.existing is None),
            "positions_updated": sum(1 for p in self.positions if p.existing is not None),
        }


# --- parse ----------------------------------------------------------------------------------------


def read_annex(source: str | os.PathLike | IO[bytes], filename: str | None = None) -> Table:
    """The file as a table (CSV separated by "," or ";", in UTF-8 or Windows-1250; or the first sheet of an XLSX)."""
    return read_table(source, filename, max_rows=MAX_ROWS)


EXAMPLE_ROWS = (
    ("EUMM Georgia", "EUMM Georgia 9-2030", "regular", "2030-03-02 17:00", "2030-02-23 12:00", "GEO ZM 31", "Monitor",
     "Zugdidi Field Office", "seconded", "2", "ASAP", "12", "RESTRICTED", "5", "en:B2", "ru:B1;ka:A2", "monitoring",
     "B_4X4", "", "CSDP_OC", "operational"),
    ("EUMM Georgia", "EUMM Georgia 9-2030", "regular", "2030-03-02 17:00", "2030-02-23 12:00", "GEO HQ 08",
     "Human Rights Adviser", "Tbilisi, Mission HQ", "seconded", "1", "2030-06-01", "12", "SECRET", "8", "en:C1",
     "ru:B2", "human_rights", "B", "", "EHEST", "key"),
)


def example_csv() -> str:
    """A small annex in the import format (fictional references), with the header row."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


# --- validate -------------------------------------------------------------------------------------


class _Row:
    """Reads one row's cells, collecting an error per bad cell instead of stopping at the first."""

    def __init__(self, number: int, values: dict[str, str], errors: list[AnnexError]):
        self.number, self.values, self.errors = number, values, errors

    def text(self, column: str) -> str:
        return services.clean(self.values.get(column, ""))

    def bounded(self, column: str) -> str:
        """Text that must fit its database column; too long is an error, not a crash at confirmation."""
        value = self.text(column)
        if len(value) > MAX_LENGTHS[column]:
            self.error(column, _("at most %(n)d characters, this has %(m)d", n=MAX_LENGTHS[column], m=len(value)))
        return value

    def error(self, column: str, message: str) -> None:
        self.errors.append(AnnexError(self.number, column, message))

    def parse(self, column: str, parser: Callable[[str], object], default=None):
        value = self.text(column)
        if not value:
            if column in REQUIRED:
                self.error(column, _("a value is required"))
            return default
        try:
            return parser(value)
        except (Refusal, ValueError) as exc:
            self.error(column, str(exc))
            return default


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError as exc:
            raise ValueError(_("“%(value)s” is not a whole number", value=text)) from exc
        if not low <= number <= high:
            raise ValueError(_("%(value)s is outside %(low)s to %(high)s", value=number, low=low, high=high))
        return number

    return parse


def _plausible(day: date, text: str) -> date:
    if not in_range(day):
        raise ValueError(_("“%(value)s”: %(hint)s", value=text, hint=range_message()))
    return day


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a date: use YYYY-MM-DD", value=text)) from exc
    return _plausible(day, text)


def _available_on(text: str) -> date | None:
    if text.upper() == "ASAP":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is neither a date (YYYY-MM-DD) nor ASAP", value=text)) from exc
    return _plausible(day, text)


def _kind(text: str) -> CfcKind:
    value = text.lower()
    if value not in CfcKind.values():
        raise ValueError(_("unknown kind “%(value)s”: use regular or extraordinary", value=text))
    return CfcKind(value)


def _moment(zone) -> Callable[[str], datetime]:
    def parse(text: str) -> datetime:
        return parse_moment(text, zone)

    return parse


def _check_header(table: Table, errors: list[AnnexError]) -> None:
    known = set(COLUMNS) | set(OPTIONAL_EXTRA)
    seen: set[str] = set()
    for raw, name in zip(table.raw_header, table.header):
        if not name:
            continue
        if name in seen:
            errors.append(AnnexError(1, raw, _("this column appears twice")))
        elif name not in known:
            errors.append(AnnexError(1, raw, _("unknown column; the columns are: %(columns)s",
                                               columns=", ".join(COLUMNS))))
        seen.add(name)
    for name in COLUMNS:
        if name in REQUIRED and name not in seen:
            errors.append(AnnexError(1, name, _("this column is missing")))


def _position(row: _Row, courses: set[str], areas: set[str]) -> services.PositionData:
    area = row.parse("expertise", lambda t: t.lower().replace(" ", "_"))
    if area is not None and area not in areas:
        row.error("expertise", _("unknown expertise area “%(value)s”", value=row.text("expertise")))
        area = None
    return services.PositionData(
        reference=row.bounded("position_ref"),
        title=row.bounded("title"),
        location=row.bounded("location"),
        regime=row.parse("regime", parse_regime),
        posts=row.parse("posts", _int(1, services.MAX_POSTS)),
        available_on=row.parse("available_on", _available_on),
        tour_months=row.parse("tour_months", _int(1, services.MAX_TOUR_MONTHS), 12),
        clearance_level=row.parse("clearance_level", parse_clearance, parse_clearance("")),
        min_experience_years=row.parse("min_experience_years", _int(0, 60), 0),
        languages_essential=row.parse("languages_essential", parse_languages, []),
        languages_desirable=row.parse("languages_desirable", parse_languages, []),
        expertise=area,
        driving_licence=row.parse("driving_licence", parse_licence, parse_licence("")),
        courses_required=row.parse("courses_required", lambda t: parse_codes(t, courses, _("course code")), []),
        courses_desirable=row.parse("courses_desirable", lambda t: parse_codes(t, courses, _("course code")), []),
        # None when the column is absent or empty: a stored position keeps its category, a new one is "other".
        category=row.parse("category", parse_category),
    )


def validate(table: Table, progress: Progress | None = None) -> AnnexResult:
    """Check every row against the reference data and the database; nothing is written."""
    result = AnnexResult()
    errors = result.errors
    _check_header(table, errors)
    if errors:
        return result
    if not table.rows:
        errors.append(AnnexError(2, "", _("the file has no positions below the header")))
        return result
    missions = {m.acronym.upper(): m for m in db.session.scalars(select(Mission))}
    courses, areas = services.known_codes()
    mandatory = {code for code, course in courses.items() if course.mandatory}
    refs = {services.clean(values.get("cfc_ref", "")).upper() for _n, values in table.rows}
    existing = {c.reference.upper(): c for c in db.session.scalars(
        select(Cfc).where(func.upper(Cfc.reference).in_(sorted(refs))))}
    stored_positions = {(p.cfc_id, p.reference.upper()): p for p in db.session.scalars(
        select(Position).where(Position.cfc_id.in_([c.id for c in existing.values()])))}
    by_ref: dict[str, CfcRow] = {}
    for number, values in counted(table.rows, progress, "checking", len(table.rows)):
        row = _Row(number, values, errors)
        if values.get(""):
            row.error("", _("values beyond the last named column: %(values)s", values=values[""]))
        mission = row.parse("mission", lambda t: missions.get(t.upper(), False))
        if mission is False:
            row.error("mission", _("unknown mission “%(value)s”", value=row.text("mission")))
            mission = None
        elif mission is not None and not mission.active:
            row.error("mission", _("mission %(value)s is marked inactive", value=mission.acronym))
        cfc_ref = row.parse("cfc_ref", services.clean)
        row.bounded("cfc_ref")
        parsed = {
            "mission": mission,
            "cfc_kind": row.parse("cfc_kind", _kind),
            "eeas_deadline": row.parse("eeas_deadline", _moment(BRUSSELS)),
            "national_deadline": row.parse("national_deadline", _moment(WARSAW)),
            "published_on": row.parse("published_on", _date),
        }
        eeas, national = parsed["eeas_deadline"], parsed["national_deadline"]
        if eeas and national and national > eeas:
            row.error("national_deadline", _("the national deadline is after the EEAS deadline"))
        data = _position(row, set(courses), set(areas))
        for field_name, message in services.check_position(data, known_courses=set(courses), known_areas=set(areas),
                                                           mandatory_courses=mandatory):
            column = FIELD_COLUMNS.get(field_name, field_name)
            if not any(e.row == number and e.column == column for e in errors):
                row.error(column, message)
        if not cfc_ref:
            continue
        key = cfc_ref.upper()
        cfc = by_ref.get(key)
        if cfc is None:
            stored = existing.get(key)
            if stored is not None and mission is not None and stored.mission_id != mission.id:
                row.error("mission", _("CfC %(ref)s already exists for %(mission)s", ref=stored.reference,
                                       mission=stored.mission.acronym))
            if stored is not None and stored.status == CfcStatus.CLOSED:
                row.error("cfc_ref", _("CfC %(ref)s is closed; reopen it before importing", ref=stored.reference))
            if any(parsed[c] is None for c in ("mission", "cfc_kind", "eeas_deadline", "national_deadline")):
                continue
            published = parsed["published_on"] or (stored.published_on if stored else None)
            cfc = CfcRow(number, mission, services.CfcData(
                mission_id=mission.id, reference=stored.reference if stored else cfc_ref,
                kind=parsed["cfc_kind"], eeas_deadline=eeas, national_deadline=national, published_on=published,
                status=stored.status if stored else CfcStatus.OPEN), stored)
            cfc.parsed = parsed
            by_ref[key] = cfc
            result.cfcs.append(cfc)
        else:
            for column in CFC_COLUMNS:
                reported = any(e.row == number and e.column == column for e in errors)
                if parsed[column] is not None and parsed[column] != cfc.parsed[column] and not reported:
                    row.error(column, _("differs from row %(row)s for the same CfC", row=cfc.row))
        ref = services.clean(data.reference).upper()
        clash = next((p for p in cfc.positions if services.clean(p.data.reference).upper() == ref), None)
        if clash is not None:
            row.error("position_ref", _("%(ref)s appears twice for CfC %(cfc)s (rows %(a)s and %(b)s)",
                                        ref=data.reference, cfc=cfc_ref, a=clash.row, b=number))
            continue
        stored_position = stored_positions.get((cfc.existing.id, ref)) if cfc.existing else None
        if data.category is None:
            data.category = stored_position.category if stored_position else PositionCategory.OTHER
        cfc.positions.append(PositionRow(number, data, stored_position))
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return result


# --- apply ----------------------------------------------------------------------------------------


def apply(result: AnnexResult, *, source: str = "", progress: Progress | None = None) -> AnnexResult:
    """Write a validated annex (flushes; the caller commits). Refuses a result with errors."""
    if result.errors:
        raise ValueError("an annex with errors cannot be applied")
    codes = services.known_codes()
    saved: dict[int, Cfc] = {}  # the CfCs (a few) first, then their positions (the rows, told to `progress`)
    for cfc_row in result.cfcs:
        if cfc_row.existing is None:
            saved[id(cfc_row)] = services.create_cfc(cfc_row.data)
        else:
            saved[id(cfc_row)] = cfc_row.existing
            services.update_cfc(cfc_row.existing, cfc_row.data, version=None)
    rows = [(cfc_row, position_row) for cfc_row in result.cfcs for position_row in cfc_row.positions]
    for cfc_row, position_row in counted(rows, progress, "applying", len(rows)):
        if position_row.existing is None:
            services.create_position(saved[id(cfc_row)], position_row.data, codes=codes)
        else:
            services.update_position(position_row.existing, position_row.data, version=None, codes=codes)
    counts = result.counts()
    record("annex_imported", object_type="cfc", object_id=",".join(c.data.reference for c in result.cfcs),
           summary=(f"{os.path.basename(source)}: " if source else "")
           + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items()))
    result.applied = True
    return result


def import_annex(source: str | os.PathLike | IO[bytes], filename: str | None = None, *,
                 dry_run: bool = False, progress: Progress | None = None) -> AnnexResult:
    """Read, validate and (unless a dry run, or any error) apply an annex file; the caller commits. Messages in
    the request's language, in English outside requests (command line, tests). `progress` is told the rows
    checked and applied (seconding/progress.py)."""
    with services.english_outside_requests():
        return check_and_apply(source, filename, dry_run=dry_run, progress=progress)


def check_and_apply(source: str | os.PathLike | IO[bytes], filename: str | None, *, dry_run: bool = False,
                    progress: Progress | None = None) -> AnnexResult:
    """`import_annex` in the language already chosen: a job's, which speaks its user's."""
    if progress is not None:
        progress("reading", 0, None)
    try:
        table = read_annex(source, filename)
    except TableError as exc:
        return AnnexResult(errors=[AnnexError(0, "", str(exc.message))])
    result = validate(table, progress)
    result.csv_format = table.csv_format
    if result.ok and not dry_run:
        name = filename or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "")
        try:
            apply(result, source=name, progress=progress)
        except Refusal as exc:  # a rule the checks above missed: report it, change nothing
            db.session.rollback()
            result.errors.append(AnnexError(0, exc.field, str(exc)))
            result.applied = False
        except IntegrityError:  # someone saved the same CfC or position meanwhile
            db.session.rollback()
            result.errors.append(AnnexError(0, "", _("Someone else saved the same call or position meanwhile; "
                                                     "nothing was imported. Check the file again.")))
            result.applied = False
    return result
