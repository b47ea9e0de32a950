"""The register's columns (SPEC §7): the one table that drives the parser, the export order, the downloadable
template's explanation sheet and the page's documentation."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from seconding.models import ClearanceLevel, DrivingLicence, EducationLevel, PoolStatus
from seconding.register import cells


@dataclass(frozen=True)
class Column:
    """One register column: its header name, whether a value is required, its format, help and reader."""

    name: str
    required: bool
    format: object  # a lazy string, translated when shown
    help: object
    read: Callable[[str, cells.Lookups], object]
    empty: object = None  # the value of an empty cell (optional columns)
    example: str = ""
    # Its values repeat from row to row (names, dates, codes): a file's rows share one value per distinct text,
    # read once. The readers of these columns return values nobody changes (text, dates, tuples, members).
    repeats: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("institution", True, _l("institution code"),
           _l("The expert's home institution: MFA, MIA, MF, MJ, MND, MCNH, POLICE, BORDER_GUARD, NRA, PRISON or "
              "INDEPENDENT. It must be your institution or one below it."),
           cells.institution, example="POLICE"),
    Column("external_id", True, _l("text, up to 64 characters"),
           _l("The service's personnel number, unique within the institution. A row whose institution and "
              "external_id match an expert already in the pool updates that expert; otherwise a new expert is "
              "created."),
           cells.text(64), example="KGP-0001", repeats=False),
    Column("given_name", True, _l("text, up to 100 characters"), _l("Given name."), cells.text(100),
           example="Anna"),
    Column("family_name", True, _l("text, up to 100 characters"), _l("Family name."), cells.text(100),
           example="Przykładowa"),
    Column("sex", True, "F, M, X", _l("F (female), M (male) or X (other or not stated)."), cells.sex,
           example="F"),
    Column("date_of_birth", False, "YYYY-MM-DD", _l("Date of birth."), cells.date_of_birth,
           example="1984-05-17"),
    Column("email", False, _l("e-mail address"), _l("E-mail address."), cells.email, example="anna@example.org",
           repeats=False),
    Column("phone", False, _l("text, up to 40 characters"), _l("Phone number."), cells.text(40),
           example="+48 600 100 200", repeats=False),
    Column("rank", False, _l("text, up to 100 characters"), _l("Rank or grade."), cells.text(100),
           example="komisarz"),
    Column("expertise", False, _l("codes separated by ;"),
           _l("Expertise area codes separated by semicolons, the primary area first, e.g. "
              "community_policing;human_rights."),
           cells.expertise, empty=(), example="community_policing;human_rights"),
    Column("experience_years", True, _l("whole number, 0 or more"), _l("Years of relevant experience."),
           cells.whole_number, example="12"),
    Column("languages", False, "code:LEVEL;…",
           _l("Languages as ISO 639-1 code and level, separated by semicolons: levels A1, A2, B1, B2, C1, C2 or "
              "native, e.g. en:C1;ru:B2;pl:native."),
           cells.languages, empty=(), example="en:C1;pl:native"),
    Column("clearance_level", False, ", ".join(c.value for c in ClearanceLevel),
           _l("Security clearance level; empty means NONE."),
           cells.clearance_level, empty=ClearanceLevel.NONE, example="SECRET"),
    Column("clearance_expires", False, "YYYY-MM-DD",
           _l("Last day the clearance is valid; required when the level is not NONE."),
           cells.iso_date, example="2029-12-31"),
    Column("passport_expires", False, "YYYY-MM-DD", _l("Last day the passport is valid."), cells.iso_date,
           example="2031-03-31"),
    Column("driving_licence", False, ", ".join(d.value for d in DrivingLicence),
           _l("NONE, B, or B_4X4 (B with off-road experience); empty means NONE."),
           cells.driving_licence, empty=DrivingLicence.NONE, example="B_4X4"),
    Column("available_from", False, "YYYY-MM-DD", _l("First day the expert is available; empty means now."),
           cells.iso_date, example=""),
    Column("short_notice", False, "yes, no", _l("yes when deployable within 30 days; empty means no."),
           cells.yes_no, empty=False, example="yes"),
    Column("status", False, ", ".join(s.value for s in PoolStatus),
           _l("Pool status: active, suspended or left (left the pool); empty means active."),
           cells.pool_status, empty=PoolStatus.ACTIVE, example="active"),
    Column("trainings", False, "COURSE_CODE:YYYY-MM-DD;…",
           _l("Completed courses as course code and completion date, separated by semicolons, e.g. "
              "PDT:2024-05-17;HEAT:2025-02-03. Courses not yet recorded are added; none is ever removed."),
           cells.trainings, empty=(), example="PDT:2024-05-17;HEAT:2025-02-03"),
    Column("notes", False, _l("text, up to 5000 characters"), _l("Notes."), cells.text(5000), empty="",
           example="", repeats=False),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}


# The CV's lists, as extra sheets of an XLSX register (docs/register.md, "Extra sheets"): one row per entry, keyed
# like the main sheet. Schools, employers, positions and dates repeat from row to row; ids and duties do not.
def _key_columns(example_id: str) -> tuple[Column, Column]:
    return (
        Column("institution", True, _l("institution code"),
               _l("The expert's institution, as on the expert's row of the main sheet."), cells.institution,
               example="POLICE"),
        Column("external_id", True, _l("text, up to 64 characters"),
               _l("The expert's external_id, as on the expert's row of the main sheet."), cells.text(64),
               example=example_id, repeats=False),
    )


def _dates(what: object, end_help: object, start: str, end: str) -> tuple[Column, Column]:
    return (
        Column("start", True, "YYYY-MM-DD", what, cells.iso_date, example=start),
        Column("end", False, "YYYY-MM-DD", end_help, cells.iso_date, example=end),
    )


@dataclass(frozen=True)
class Sheet:
    """An extra sheet of the XLSX register: its name, what it holds and its columns."""

    name: str
    help: object
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


EDUCATION = Sheet("education", _l(
    "The expert's education, one row per school, university or academy. When the sheet is in the file, its rows "
    "are the whole list of every expert of the main sheet (an expert with no row here has none); without the "
    "sheet, the lists are left as they are."), (
    *_key_columns("KGP-0001"),
    Column("level", True, ", ".join(level.value for level in EducationLevel),
           _l("The level: secondary, post_secondary (post-secondary or vocational), bachelor, master, doctorate or "
              "other."),
           cells.education_level, example="master"),
    Column("field", False, _l("text, up to 200 characters"), _l("Field of study."), cells.text(200), empty="",
           example="Law"),
    Column("organisation", True, _l("text, up to 200 characters"), _l("The school, university or academy."),
           cells.text(200), example="University of Warsaw"),
    Column("country", False, _l("text, up to 100 characters"), _l("Country."), cells.text(100), empty="",
           example="Poland"),
    *_dates(_l("First day of the studies."), _l("Last day of the studies; empty while still studying."),
           "2004-10-01", "2009-06-30"),
    Column("degree", False, _l("text, up to 200 characters"), _l("Degree or title obtained."), cells.text(200),
           empty="", example="magister prawa"),
))

EMPLOYMENT = Sheet("employment", _l(
    "The expert's employment history, one row per post, the home service's posts included. When the sheet is in "
    "the file, its rows are the whole list of every expert of the main sheet (an expert with no row here has "
    "none); without the sheet, the lists are left as they are."), (
    *_key_columns("KGP-0001"),
    Column("employer", True, _l("text, up to 200 characters"), _l("Employer."), cells.text(200),
           example="Komenda Główna Policji"),
    Column("position", True, _l("text, up to 200 characters"), _l("Position held."), cells.text(200),
           example="Senior specialist"),
    *_dates(_l("First day in the post."), _l("Last day in the post; empty for the current post."),
           "2015-02-01", ""),
    Column("duties", False, _l("text, up to 2000 characters"), _l("Main duties, in a few lines."),
           cells.text(2000), empty="", example="Community policing projects.", repeats=False),
))

SHEETS: tuple[Sheet, ...] = (EDUCATION, EMPLOYMENT)
