"""Changing missions, CfCs and positions. Services check, flush and audit; the caller commits once."""
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from seconding.audit.services import record
from seconding.dates import EARLIEST, LATEST, in_range
from seconding.db import utcnow
from seconding.errors import Refusal, check_version, flush
from seconding.extensions import db
from seconding.languages import is_language_code
from seconding.models import (
    CefrLevel,
    Cfc,
    CfcKind,
    CfcStatus,
    ClearanceLevel,
    Course,
    DrivingLicence,
    ExpertiseArea,
    Mission,
    Position,
    PositionCategory,
    PositionCourse,
    PositionLanguage,
    Regime,
)

# Acronyms of EU military operations and training missions: out of scope (SPEC §11).
MILITARY_PREFIXES = ("EUFOR", "EUNAVFOR", "EUMAM", "EUTM", "EUMPM")
MAX_POSTS = 999
MAX_TOUR_MONTHS = 48




def english_outside_requests() -> AbstractContextManager:
    """Messages in English where no request chose a language (command line, scheduler, tests)."""
    return nullcontext() if has_request_context() else force_locale("en")


def clean(text: str | None) -> str:
    """Trim and collapse inner spaces (references and codes are compared this way)."""
    return " ".join((text or "").split())


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise Refusal(problems[0][1], problems[0][0])


def _set(obj, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


# --- missions -------------------------------------------------------------------------------------


@dataclass
class MissionData:
    acronym: str
    name: str
    host_country: str
    hq_city: str = ""
    start_year: int | None = None
    mandate_end: date | None = None
    active: bool = True


def check_mission(data: MissionData, mission_id: int | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs for what is wrong with the mission's data."""
    problems = []
    acronym = clean(data.acronym)
    if not acronym:
        problems.append(("acronym", _("Give the mission's acronym.")))
    elif acronym.upper().startswith(MILITARY_PREFIXES):
        problems.append(("acronym", _("Military operations are out of scope: only civilian CSDP missions are "
                                      "recorded.")))
    else:
        query = select(Mission.id).where(func.upper(Mission.acronym) == acronym.upper())
        if mission_id is not None:
            query = query.where(Mission.id != mission_id)
        if db.session.scalar(query) is not None:
            problems.append(("acronym", _("A mission with this acronym already exists.")))
    if not clean(data.name):
        problems.append(("name", _("Give the mission's full name.")))
    if not clean(data.host_country):
        problems.append(("host_country", _("Give the host country.")))
    return problems


def _mission_values(data: MissionData) -> dict:
    return {"acronym": clean(data.acronym), "name": clean(data.name), "host_country": clean(data.host_country),
            "hq_city": clean(data.hq_city), "start_year": data.start_year, "mandate_end": data.mandate_end,
            "active": data.active}


def create_mission(data: MissionData) -> Mission:
    """Add a civilian mission."""
    _raise_first(check_mission(data))
    mission = Mission(**_mission_values(data))
    db.session.add(mission)
    db.session.flush()
    record("mission_created", object_type="mission", object_id=mission.id, summary=mission.acronym)
    return mission


def update_mission(mission: Mission, data: MissionData, *, version: int | None) -> list[str]:
    """Save changes to a mission unless someone else saved it since `version`; returns what changed."""
    check_version(mission, version)
    _raise_first(check_mission(data, mission.id))
    changed = _set(mission, _mission_values(data))
    if changed:
        flush()
        record("mission_updated", object_type="mission", object_id=mission.id,
               summary=f"{mission.acronym}: changed " + ", ".join(changed))
    return changed


# --- calls for contributions ----------------------------------------------------------------------


@dataclass
class CfcData:
    mission_id: int
    reference: str
    kind: CfcKind
    eeas_deadline: datetime  # UTC
    national_deadline: datetime  # UTC
    published_on: date | None = None
    status: CfcStatus = CfcStatus.OPEN


def check_cfc(data: CfcData, cfc_id: int | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs for what is wrong with the CfC's data."""
    problems = []
    reference = clean(data.reference)
    if not reference:
        problems.append(("reference", _("Give the CfC's reference, e.g. EUMM Georgia 2-2026.")))
    else:
        query = select(Cfc.id).where(func.upper(Cfc.reference) == reference.upper())
        if cfc_id is not None:
            query = query.where(Cfc.id != cfc_id)
        if db.session.scalar(query) is not None:
            problems.append(("reference", _("A CfC with this reference already exists.")))
    mission = db.session.get(Mission, data.mission_id) if data.mission_id else None
    if mission is None:
        problems.append(("mission_id", _("Choose the mission.")))
    if data.national_deadline > data.eeas_deadline:
        problems.append(("national_deadline", _("The national deadline must not be after the EEAS deadline.")))
    return problems


def _cfc_values(data: CfcData) -> dict:
    return {"mission_id": data.mission_id, "reference": clean(data.reference), "kind": CfcKind(data.kind),
            "published_on": data.published_on, "eeas_deadline": data.eeas_deadline,
            "national_deadline": data.national_deadline, "status": CfcStatus(data.status)}


def create_cfc(data: CfcData) -> Cfc:
    """Record a new call for contributions."""
    _raise_first(check_cfc(data))
    cfc = Cfc(**_cfc_values(data))
    db.session.add(cfc)
    db.session.flush()
    record("cfc_created", object_type="cfc", object_id=cfc.id, summary=cfc.reference)
    return cfc


def update_cfc(cfc: Cfc, data: CfcData, *, version: int | None) -> list[str]:
    """Save changes to a CfC unless someone else saved it since `version`; returns what changed."""
    check_version(cfc, version)
    _raise_first(check_cfc(data, cfc.id))
    changed = _set(cfc, _cfc_values(data))
    if changed:
        flush()
        record("cfc_updated", object_type="cfc", object_id=cfc.id,
               summary=f"{cfc.reference}: changed " + ", ".join(changed))
    return changed


# --- positions ------------------------------------------------------------------------------------


@dataclass
class PositionData:
    """Everything a form or an annex row says about a position; `available_on` None = ASAP."""

    reference: str
    title: str
    regime: Regime
    posts: int
    available_on: date | None = None
    location: str = ""
    tour_months: int = 12
    clearance_level: ClearanceLevel = ClearanceLevel.NONE
    min_experience_years: int = 0
    languages_essential: list[tuple[str, CefrLevel]] = field(default_factory=list)
    languages_desirable: list[tuple[str, CefrLevel]] = field(default_factory=list)
    expertise: str | None = None  # area code
    driving_licence: DrivingLicence = DrivingLicence.NONE
    courses_required: list[str] = field(default_factory=list)
    courses_desirable: list[str] = field(default_factory=list)
    category: PositionCategory = PositionCategory.OTHER


def check_position(data: PositionData, *, known_courses: set[str], known_areas: set[str],
                   mandatory_courses: set[str] = frozenset()) -> list[tuple[str, str]]:
    """Rules every position keeps, whatever the entry point: (field, message) pairs."""
    problems = []
    if not clean(data.reference):
        problems.append(("reference", _("Give the position's reference code, e.g. GEO ZM 12.")))
    if not clean(data.title):
        problems.append(("title", _("Give the position's title.")))
    if data.posts is None or not 1 <= data.posts <= MAX_POSTS:
        problems.append(("posts", _("The number of posts must be between 1 and %(max)s.", max=MAX_POSTS)))
    if data.tour_months is None or not 1 <= data.tour_months <= MAX_TOUR_MONTHS:
        problems.append(("tour_months", _("The tour must last between 1 and %(max)s months.", max=MAX_TOUR_MONTHS)))
    if not in_range(data.available_on):
        problems.append(("available_on", _("Use a date from %(a)s to %(b)s.", a=EARLIEST.isoformat(),
                                           b=LATEST.isoformat())))
    if data.min_experience_years is None or not 0 <= data.min_experience_years <= 60:
        problems.append(("min_experience_years", _("Years of experience must be between 0 and 60.")))
    for name in ("languages_essential", "languages_desirable"):
        codes = [code for code, _level in getattr(data, name)]
        if any(not is_language_code(code) for code in codes):
            problems.append((name, _("Use two-letter ISO 639-1 language codes, e.g. en.")))
        elif len(codes) != len(set(codes)):
            problems.append((name, _("Each language may be listed once.")))
    if data.expertise and data.expertise not in known_areas:
        problems.append(("expertise", _("Unknown expertise area %(code)s.", code=data.expertise)))
    for name in ("courses_required", "courses_desirable"):
        unknown = [c for c in getattr(data, name) if c not in known_courses]
        if unknown:
            problems.append((name, _("Unknown course code %(code)s.", code=unknown[0])))
    both = sorted(set(data.courses_required) & set(data.courses_desirable))
    needed = sorted(set(data.courses_desirable) & set(mandatory_courses))
    if needed:
        problems.append(("courses_desirable", _("%(code)s is needed for every deployment, so it cannot be only "
                                                "desirable.", code=needed[0])))
    elif both:
        problems.append(("courses_desirable", _("%(code)s is already required; a course is either required or "
                                                "desirable.", code=both[0])))
    return problems


def known_codes() -> tuple[dict[str, Course], dict[str, ExpertiseArea]]:
    """Courses and expertise areas by code (two small reads)."""
    courses = {c.code: c for c in db.session.scalars(select(Course))}
    areas = {a.code: a for a in db.session.scalars(select(ExpertiseArea))}
    return courses, areas


def _position_reference_taken(cfc_id: int, reference: str, except_id: int | None) -> bool:
    query = select(Position.id).where(Position.cfc_id == cfc_id,
                                      func.upper(Position.reference) == clean(reference).upper())
    if except_id is not None:
        query = query.where(Position.id != except_id)
    return db.session.scalar(query) is not None


def _apply_position(position: Position, data: PositionData, courses: dict[str, Course],
                    areas: dict[str, ExpertiseArea]) -> list[str]:
    changed = []
    wanted_langs = sorted([(c, CefrLevel(lv), True) for c, lv in data.languages_essential]
                          + [(c, CefrLevel(lv), False) for c, lv in data.languages_desirable])
    current_langs = sorted((lang.code, CefrLevel(lang.level), lang.essential) for lang in position.languages)
    if wanted_langs != current_langs:
        if position.languages:
            # Delete the old rows first: the unit of work would insert the new ones before deleting.
            position.languages.clear()
            db.session.flush()
        position.languages.extend(PositionLanguage(code=c, level=lv, essential=e) for c, lv, e in wanted_langs)
        changed.append("languages")
    wanted_courses = sorted([(c, True) for c in data.courses_required] + [(c, False) for c in data.courses_desirable])
    current_courses = sorted((pc.course.code, pc.required) for pc in position.courses)
    if wanted_courses != current_courses:
        if position.courses:
            position.courses.clear()
            db.session.flush()
        position.courses.extend(PositionCourse(course=courses[c], required=r) for c, r in wanted_courses)
        changed.append("courses")
    area = areas.get(data.expertise) if data.expertise else None
    return _set(position, {
        "reference": clean(data.reference), "title": clean(data.title), "location": clean(data.location),
        "regime": Regime(data.regime), "category": PositionCategory(data.category), "posts": data.posts,
        "available_on": data.available_on,
        "tour_months": data.tour_months, "clearance_level": ClearanceLevel(data.clearance_level),
        "min_experience_years": data.min_experience_years, "driving_licence": DrivingLicence(data.driving_licence),
        "expertise_area_id": area.id if area else None,
    }) + changed


def create_position(cfc: Cfc, data: PositionData, *, codes=None, audit: bool = True) -> Position:
    """Add a position to a CfC; `codes` = known_codes() when the caller already read them."""
    courses, areas = codes or known_codes()
    _raise_first(check_position(data, known_courses=set(courses), known_areas=set(areas),
                                mandatory_courses={c for c, course in courses.items() if course.mandatory}))
    if _position_reference_taken(cfc.id, data.reference, None):
        raise Refusal(_("This CfC already has a position with this reference."), "reference")
    position = Position(cfc=cfc)
    db.session.add(position)
    _apply_position(position, data, courses, areas)
    db.session.flush()
    if audit:
        record("position_created", object_type="position", object_id=position.id,
               summary=f"{cfc.reference} / {position.reference}: {position.title}")
    return position


def update_position(position: Position, data: PositionData, *, version: int | None, codes=None,
                    audit: bool = True) -> list[str]:
    """Save changes to a position unless someone else saved it since `version`; returns what changed."""
    check_version(position, version)
    courses, areas = codes or known_codes()
    _raise_first(check_position(data, known_courses=set(courses), known_areas=set(areas),
                                mandatory_courses={c for c, course in courses.items() if course.mandatory}))
    if _position_reference_taken(position.cfc_id, data.reference, position.id):
        raise Refusal(_("This CfC already has a position with this reference."), "reference")
    changed = _apply_position(position, data, courses, areas)
    if changed:
        position.updated_at = utcnow()  # moves the version even when only the lists changed
        flush()
        if audit:
            record("position_updated", object_type="position", object_id=position.id,
                   summary=f"{position.cfc.reference} / {position.reference}: changed " + ", ".join(changed))
    return changed
