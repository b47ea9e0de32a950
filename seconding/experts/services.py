"""Changing experts: create, update with optimistic locking, pool status. Services flush; views commit."""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Refusal, check_version, same_moment
from seconding.extensions import db
from seconding.models import (
    SKILLS,
    CefrLevel,
    ClearanceLevel,
    DrivingLicence,
    Education,
    EducationLevel,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    MissionHistory,
    PoolStatus,
    Sex,
    Unavailability,
)


@dataclass
class Period:
    start: date
    end: date
    reason: str = ""


@dataclass
class History:
    mission: str
    host_country: str = ""
    role: str = ""
    start: date | None = None
    end: date | None = None
    csdp: bool = True


@dataclass(frozen=True)
class Study:
    """An entry of the CV's education."""

    level: EducationLevel
    organisation: str
    start: date
    end: date | None = None
    field: str = ""
    country: str = ""
    degree: str = ""

    def key(self) -> tuple:
        return (self.level, self.field, self.organisation, self.country, self.start, self.end, self.degree)


@dataclass(frozen=True)
class Post:
    """An entry of the CV's employment history."""

    employer: str
    position: str
    start: date
    end: date | None = None
    duties: str = ""

    def key(self) -> tuple:
        return (self.employer, self.position, self.start, self.end, self.duties)


def _study(row: Education) -> Study:
    return Study(level=row.level, organisation=row.organisation, start=row.start, end=row.end, field=row.field,
                 country=row.country, degree=row.degree)


def _post(row: Employment) -> Post:
    return Post(employer=row.employer, position=row.position, start=row.start, end=row.end, duties=row.duties)


def cv_order(entries):
    """Most recent first (the order the profile, the package and the register show), ties by their text."""
    return sorted(entries, key=lambda e: (-e.start.toordinal(), e.key()[:2]))


@dataclass(slots=True)  # a register import holds one per row
class ExpertData:
    """Everything a form or a register row says about an expert (lists None = leave as they are)."""

    institution_id: int
    external_id: str
    given_name: str
    family_name: str
    sex: Sex
    experience_years: int = 0
    date_of_birth: date | None = None
    email: str | None = None
    phone: str | None = None
    rank: str | None = None
    # Lists from a form; tuples from the register, shared by the rows that say the same.
    expertise: Sequence[str] = field(default_factory=list)  # area codes, the primary first
    languages: Sequence[tuple[str, CefrLevel]] = field(default_factory=list)
    clearance_level: ClearanceLevel = ClearanceLevel.NONE
    clearance_expires: date | None = None
    passport_expires: date | None = None
    driving_licence: DrivingLicence = DrivingLicence.NONE
    available_from: date | None = None
    short_notice: bool = False
    pool_status: PoolStatus = PoolStatus.ACTIVE
    consent_on: date | None = None
    notes: str = ""
    unavailability: list[Period] | None = None
    history: list[History] | None = None
    computer_skills: str = ""
    # The CV (None = leave as they are: the register's main sheet alone, say).
    education: list[Study] | None = None
    employment: list[Post] | None = None
    # Language code -> the five skills in SKILLS order, None where the overall level stands (None = leave).
    language_skills: dict[str, tuple[CefrLevel | None, ...]] | None = None


SCALARS = ("institution_id", "external_id", "given_name", "family_name", "sex", "experience_years", "date_of_birth",
           "email", "phone", "rank", "clearance_level", "clearance_expires", "passport_expires", "driving_licence",
           "available_from", "short_notice", "pool_status", "consent_on", "notes", "computer_skills")


def _apply(expert: Expert, data: ExpertData) -> list[str]:
    """Copy the data onto the expert; returns the names of what changed."""
    changed = []
    for name in SCALARS:
        value = getattr(data, name)
        if getattr(expert, name) != value:
            setattr(expert, name, value)
            changed.append(name)
    expert.search_text = Expert.search_key(expert.family_name, expert.given_name, expert.external_id)
    if _sync_languages(expert, dict(data.languages), data.language_skills):
        changed.append("languages")
    if _sync_expertise(expert, data.expertise):
        changed.append("expertise")
    if data.unavailability is not None:
        current = [(p.start, p.end, p.reason) for p in expert.unavailability]
        wanted_periods = sorted((p.start, p.end, p.reason) for p in data.unavailability)
        if sorted(current) != wanted_periods:
            expert.unavailability = [Unavailability(start=s, end=e, reason=r) for s, e, r in wanted_periods]
            changed.append("unavailability")
    if data.history is not None:
        current_h = [(h.mission, h.host_country, h.role, h.start, h.end, h.csdp) for h in expert.mission_history]
        wanted_h = [(h.mission, h.host_country, h.role, h.start, h.end, h.csdp) for h in data.history]
        if current_h != wanted_h:
            expert.mission_history = [MissionHistory(mission=m, host_country=c, role=r, start=s, end=e, csdp=x)
                                      for m, c, r, s, e, x in wanted_h]
            changed.append("mission history")
    if data.education is not None:
        wanted_s = cv_order(data.education)
        if cv_order(_study(e) for e in expert.education) != wanted_s:
            expert.education = [Education(level=e.level, organisation=e.organisation, start=e.start, end=e.end,
                                          field=e.field, country=e.country, degree=e.degree) for e in wanted_s]
            changed.append("education")
    if data.employment is not None:
        wanted_p = cv_order(data.employment)
        if cv_order(_post(e) for e in expert.employment) != wanted_p:
            expert.employment = [Employment(employer=e.employer, position=e.position, start=e.start, end=e.end,
                                            duties=e.duties) for e in wanted_p]
            changed.append("employment")
    return changed


def _sync_languages(expert: Expert, wanted: dict[str, CefrLevel],
                    skills: dict[str, tuple[CefrLevel | None, ...]] | None = None) -> bool:
    """Update rows in place (the (expert, code) pair is unique, so delete-and-insert would clash); with `skills`,
    the five-skill assessment too (a skill equal to the overall level is stored as "the overall level")."""
    changed = _sync_skills(expert, wanted, skills) if skills is not None else False
    for lang in list(expert.languages):
        if lang.code not in wanted:
            expert.languages.remove(lang)
            changed = True
        elif lang.level != wanted[lang.code]:
            lang.level = wanted[lang.code]
            changed = True
    held = {lang.code for lang in expert.languages}
    for code, level in wanted.items():
        if code not in held:
            own = _own_skills(level, (skills or {}).get(code))
            expert.languages.append(ExpertLanguage(code=code, level=level, **dict(zip(SKILLS, own, strict=True))))
            changed = True
    return changed


def _own_skills(level: CefrLevel, given: tuple[CefrLevel | None, ...] | None) -> tuple[CefrLevel | None, ...]:
    return tuple(None if skill in (None, level) else skill for skill in (given or (None,) * len(SKILLS)))


def _sync_skills(expert: Expert, wanted: dict[str, CefrLevel], skills: dict[str, tuple]) -> bool:
    """The five skills of the languages the expert keeps."""
    changed = False
    for lang in expert.languages:
        if lang.code in wanted:
            own = _own_skills(wanted[lang.code], skills.get(lang.code))
            if lang.own_skills() != own:
                for name, value in zip(SKILLS, own, strict=True):
                    setattr(lang, name, value)
                changed = True
    return changed


def _sync_expertise(expert: Expert, codes: list[str]) -> bool:
    """Areas in place as well; the first code is the primary one."""
    wanted = {code: i == 0 for i, code in enumerate(dict.fromkeys(codes))}
    changed = False
    for link in list(expert.expertise):
        if link.area.code not in wanted:
            expert.expertise.remove(link)
            changed = True
        elif link.primary != wanted[link.area.code]:
            link.primary = wanted[link.area.code]
            changed = True
    held = {link.area.code for link in expert.expertise}
    missing = [code for code in wanted if code not in held]
    if missing:
        areas = {a.code: a for a in db.session.scalars(select(ExpertiseArea).where(ExpertiseArea.code.in_(missing)))}
        for code in missing:
            expert.expertise.append(ExpertExpertise(area=areas[code], primary=wanted[code]))
        changed = True
    return changed


def check(data: ExpertData) -> list[tuple[str, str]]:
    """Rules that hold for every expert, whatever the entry point: (field, message) pairs."""
    problems = []
    if data.clearance_level != ClearanceLevel.NONE and data.clearance_expires is None:
        problems.append(("clearance_expires", _("A clearance level needs its expiry date.")))
    if data.experience_years < 0:
        problems.append(("experience_years", _("Years of experience cannot be negative.")))
    codes = [code for code, _ in data.languages]
    if len(codes) != len(set(codes)):
        problems.append(("languages", _("Each language may be listed once.")))
    if len(data.expertise) != len(set(data.expertise)):
        problems.append(("expertise", _("Each expertise area may be listed once.")))
    for period in data.unavailability or []:
        if period.end < period.start:
            problems.append(("unavailability", _("An unavailability period must end on or after its start.")))
    for entry in data.history or []:
        if entry.start and entry.end and entry.end < entry.start:
            problems.append(("history", _("A mission must end on or after its start.")))
    for study in data.education or []:
        if study.end and study.end < study.start:
            problems.append(("education", _("An education entry must end on or after its start.")))
    for post in data.employment or []:
        if post.end and post.end < post.start:
            problems.append(("employment", _("A post must end on or after its start.")))
    return problems


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field_name, message = problems[0]
        raise Refusal(message, field_name)


def _external_id_taken(institution_id: int, external_id: str, except_id: int | None = None) -> bool:
    query = select(Expert.id).where(Expert.institution_id == institution_id, Expert.external_id == external_id)
    if except_id is not None:
        query = query.where(Expert.id != except_id)
    return db.session.scalar(query) is not None


DUPLICATE = _l("An expert with this personnel number already exists in this institution.")


def create_expert(data: ExpertData, *, audit: bool = True) -> Expert:
    """Create an expert; the (institution, external id) pair must be new."""
    _raise_first(check(data))
    if _external_id_taken(data.institution_id, data.external_id):
        raise Refusal(str(DUPLICATE), "external_id")
    expert = Expert(notes="", short_notice=False)
    db.session.add(expert)
    _apply(expert, data)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same pair; the caller rolls back
        raise Refusal(str(DUPLICATE), "external_id") from exc
    if audit:
        record("expert_created", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
               summary=f"{expert.name} ({expert.external_id})")
    return expert


def update_expert(expert: Expert, data: ExpertData, *, version: int | None, audit: bool = True,
                  flush: bool = True) -> list[str]:
    """Save changes unless the record changed since `version` was read; returns what changed.

    With flush=False the caller flushes many experts at once (the register import) and answers a StaleDataError
    itself: the UPDATE still checks each expert's version."""
    check_version(expert, version, _("Someone else changed this expert after you opened the form. Nothing was saved: "
                                     "the form now shows their version; make your change again."))
    _raise_first(check(data))
    # Unchanged, the key is this expert's own (the unique constraint says no other has it): no query.
    moved = (data.institution_id, data.external_id) != (expert.institution_id, expert.external_id)
    if moved and _external_id_taken(data.institution_id, data.external_id, except_id=expert.id):
        raise Refusal(str(DUPLICATE), "external_id")
    # A writer that saved first makes our UPDATE match no row: the flush says so.
    with same_moment(_("Someone else changed this expert at the same moment. Nothing was saved.")):
        with db.session.no_autoflush:  # loading the lists must not flush early: one UPDATE, one version step
            changed = _apply(expert, data)
        if changed:
            # Touch the row even when only lists changed, so the version moves and concurrent edits are caught.
            expert.updated_at = utcnow()
            if flush:
                db.session.flush()
    if changed and audit:
        record("expert_updated", object_type="expert", object_id=expert.id,
               institution_id=expert.institution_id, summary="changed: " + ", ".join(changed))
    return changed


def change_pool_status(expert: Expert, status: PoolStatus, *, version: int | None, reason: str = "") -> bool:
    """Move an expert between active, suspended and left the pool."""
    check_version(expert, version, _("Someone else changed this expert after you opened the page. Nothing was saved."))
    if expert.pool_status == status:
        return False
    old = expert.pool_status
    expert.pool_status = status
    db.session.flush()
    record("expert_status_changed", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           summary=f"{old.value} -> {status.value}" + (f": {reason}" if reason else ""))
    return True
