"""Reading one register cell: each function takes the trimmed text of a non-empty cell and returns its value,
or raises CellError with a reason a person can act on. The column table (columns.py) says which one reads what."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seconding.extensions import db
from seconding.languages import is_language_code
from seconding.models import (
    CefrLevel,
    ClearanceLevel,
    Course,
    DrivingLicence,
    EducationLevel,
    ExpertiseArea,
    Institution,
    PoolStatus,
    Sex,
)
from seconding.register.xlsxstream import ILLEGAL  # what an XLSX cannot carry

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER_RE = re.compile(r"^\d+$")
EARLIEST_BIRTH = date(1930, 1, 1)  # the same bounds as the expert form
MAX_EXPERIENCE_YEARS = 60
YES = {"yes", "y", "true", "1", "tak", "t"}
NO = {"no", "n", "false", "0", "nie"}


class CellError(ValueError):
    """The cell's value cannot be used; `message` (maybe lazy) says why."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Lookups:
    """Codes the register refers to, read once per file, and the importing user's scope."""

    institutions: dict[str, int]  # code -> id
    scope: set[int] | None  # institution ids the importer may write to; None = all (admin, command line)
    areas: frozenset[str]
    courses: dict[str, tuple[int, int | None]]  # code -> (id, validity in months)
    today: date
    default_institution: str | None = None  # code taken by rows with an empty institution
    codes_by_id: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, *, scope: set[int] | None, today: date, default_institution: str | None = None) -> Lookups:
        """Read the institutions, expertise areas and courses (three small queries)."""
        institutions = dict(db.session.execute(select(Institution.code, Institution.id)).all())
        areas = frozenset(db.session.scalars(select(ExpertiseArea.code)))
        courses = {code: (cid, validity) for code, cid, validity in
                   db.session.execute(select(Course.code, Course.id, Course.validity_months))}
        return cls(institutions=institutions, scope=scope, areas=areas, courses=courses, today=today,
                   default_institution=default_institution,
                   codes_by_id={i: c for c, i in institutions.items()})


SEPARATORS_RE = re.compile(r"[\s\-]+")


@lru_cache(maxsize=4096)  # a file repeats the same few codes in every row
def _code(value: str) -> str:
    """Codes forgive case and spaces or dashes between words: 'top secret' -> 'TOP_SECRET'."""
    return SEPARATORS_RE.sub("_", value.strip()).upper()


@cache
def _members(enum_cls) -> dict:
    """An enum's members by upper-case value (looked up for every cell of an import)."""
    return {member.value.upper(): member for member in enum_cls}


# What a choice is called in its error message (made once, not for every cell read).
LABELS = {"sex": _l("sex"), "clearance_level": _l("clearance level"), "driving_licence": _l("driving licence"),
          "status": _l("status"), "level": _l("education level")}


def _choice(value: str, enum_cls, label: object):
    member = _members(enum_cls).get(_code(value))
    if member is not None:
        return member
    allowed = ", ".join(m.value for m in enum_cls)
    raise CellError(_l("Unknown %(what)s %(value)s; use one of: %(allowed)s.", what=label, value=repr(value),
                       allowed=allowed))


def text(max_length: int):
    """A reader of free text up to max_length characters."""

    def read(value: str, lookups: Lookups) -> str:
        if ILLEGAL.search(value):
            raise CellError(_l("The text contains a control character; remove it."))
        if len(value) > max_length:
            raise CellError(_l("Too long: at most %(n)s characters (this has %(m)s).", n=max_length, m=len(value)))
        return value

    return read


def institution(value: str, lookups: Lookups) -> int:
    code = _code(value)
    if code not in lookups.institutions:
        raise CellError(_l("Unknown institution %(value)s; use one of: %(allowed)s.", value=repr(value),
                           allowed=", ".join(sorted(lookups.institutions))))
    if lookups.default_institution and code != lookups.default_institution:
        raise CellError(_l("This import is for %(code)s only; the row names %(other)s.",
                           code=lookups.default_institution, other=code))
    institution_id = lookups.institutions[code]
    if lookups.scope is not None and institution_id not in lookups.scope:
        raise CellError(_l("%(code)s is outside your scope; you may import only for your institution and "
                           "those below it.", code=code))
    return institution_id


def sex(value: str, lookups: Lookups) -> Sex:
    return _choice(value, Sex, LABELS["sex"])


def iso_date(value: str, lookups: Lookups | None = None) -> date:
    if not DATE_RE.match(value):
        raise CellError(_l("Write the date as YYYY-MM-DD, e.g. 2027-03-31 (got %(value)s).", value=repr(value)))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(_l("%(value)s is not a date in the calendar.", value=value)) from None


def date_of_birth(value: str, lookups: Lookups) -> date:
    born = iso_date(value)
    if not EARLIEST_BIRTH <= born <= lookups.today:
        raise CellError(_l("The date of birth must be in the past (and after 1930)."))
    return born


# Plain ASCII addresses (jan.kowalski@policja.gov.pl), a subset of what email_validator accepts (a property test
# checks it): these skip the full check (IDNA, quoting; a third of the time of importing 50,000 rows).
PLAIN_EMAIL_RE = re.compile(r"[A-Za-z0-9_%+-]{1,64}(?:\.[A-Za-z0-9_%+-]{1,64})*@"
                            r"(?:[A-Za-z0-9]{1,63}(?:-[A-Za-z0-9]{1,62})*\.)+([A-Za-z]{2,63})")
SPECIAL_USE_DOMAINS = frozenset(("arpa", "invalid", "local", "localhost", "onion", "test"))


def plain_email(value: str) -> bool:
    """The address is a plain one that the full check would accept as it is."""
    match = PLAIN_EMAIL_RE.fullmatch(value)
    return (match is not None and len(value) <= 254 and len(value.partition("@")[0]) <= 64
            and match.group(1).lower() not in
            SPECIAL_USE_DOMAINS and all(len(label) <= 63 for label in value.rpartition("@")[2].split(".")))


def email(value: str, lookups: Lookups) -> str:
    if len(value) > 254:
        raise CellError(_l("Too long: at most %(n)s characters (this has %(m)s).", n=254, m=len(value)))
    if plain_email(value):
        return value
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise CellError(_l("%(value)s is not an e-mail address.", value=repr(value))) from None
    return value  # kept as written, so an export imports back unchanged


def whole_number(value: str, lookups: Lookups) -> int:
    if not INTEGER_RE.match(value):
        raise CellError(_l("Give a whole number of years, 0 or more (got %(value)s).", value=repr(value)))
    number = int(value)
    if number > MAX_EXPERIENCE_YEARS:
        raise CellError(_l("At most %(n)s years.", n=MAX_EXPERIENCE_YEARS))
    return number


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def expertise(value: str, lookups: Lookups) -> tuple[str, ...]:
    codes = tuple(item.lower().replace(" ", "_") for item in _items(value))
    unknown = [c for c in codes if c not in lookups.areas]
    if unknown:
        raise CellError(_l("Unknown expertise %(codes)s; use codes such as %(examples)s.",
                           codes=", ".join(repr(c) for c in unknown), examples=", ".join(sorted(lookups.areas)[:4])))
    if len(codes) != len(set(codes)):
        raise CellError(_l("Each expertise area may be listed once."))
    return codes


def languages(value: str, lookups: Lookups) -> tuple[tuple[str, CefrLevel], ...]:
    result = []
    for item in _items(value):
        code, sep, level = (part.strip() for part in item.partition(":"))
        if not sep or not code or not level:
            raise CellError(_l("Write each language as code:LEVEL, e.g. en:C1;pl:native (got %(item)s).",
                               item=repr(item)))
        if len(code) != 2 or not is_language_code(code):
            raise CellError(_l("Unknown language code %(code)s; use ISO 639-1 codes such as en, fr, ru.",
                               code=repr(code)))
        result.append((code.lower(), _level(level)))
    codes = [c for c, _ in result]
    if len(codes) != len(set(codes)):
        raise CellError(_l("Each language may be listed once."))
    return tuple(result)


def _level(value: str) -> CefrLevel:
    member = _members(CefrLevel).get(value.upper())
    if member is not None:
        return member
    raise CellError(_l("Unknown language level %(value)s; use A1, A2, B1, B2, C1, C2 or native.",
                       value=repr(value)))


def clearance_level(value: str, lookups: Lookups) -> ClearanceLevel:
    return _choice(value, ClearanceLevel, LABELS["clearance_level"])


def driving_licence(value: str, lookups: Lookups) -> DrivingLicence:
    return _choice(value.replace("+", "_"), DrivingLicence, LABELS["driving_licence"])


def yes_no(value: str, lookups: Lookups) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise CellError(_l("Write yes or no (got %(value)s).", value=repr(value)))


def pool_status(value: str, lookups: Lookups) -> PoolStatus:
    return _choice(value, PoolStatus, LABELS["status"])


def education_level(value: str, lookups: Lookups) -> EducationLevel:
    """secondary, post_secondary, bachelor, master, doctorate or other ("Post secondary" forgiven)."""
    return _choice(value, EducationLevel, LABELS["level"])


def trainings(value: str, lookups: Lookups) -> tuple[tuple[str, date], ...]:
    result = []
    for item in _items(value):
        code, sep, completed = (part.strip() for part in item.partition(":"))
        if not sep or not code or not completed:
            raise CellError(_l("Write each training as COURSE_CODE:YYYY-MM-DD, e.g. PDT:2024-05-17 (got %(item)s).",
                               item=repr(item)))
        code = _code(code)
        if code not in lookups.courses:
            raise CellError(_l("Unknown course %(code)s; use one of: %(allowed)s.", code=repr(code),
                               allowed=", ".join(sorted(lookups.courses))))
        day = iso_date(completed)
        if day > lookups.today:
            raise CellError(_l("%(code)s completed on %(day)s is in the future.", code=code, day=day.isoformat()))
        result.append((code, day))
    if len(result) != len(set(result)):
        raise CellError(_l("Each training may be listed once."))
    return tuple(result)
