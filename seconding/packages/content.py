"""What goes into a nomination package: plain data assembled from a few queries, whatever the nominations' number.

The package is written for the EEAS (Goalkeeper), whose working language is English: the documents are English
whatever the reader's UI language; only the page around the download is translated. Which personal details go in
depends on the reader's role (`PERSONAL_DETAIL_ROLES`); internal fields (notes, personnel number, unavailability
and its reasons, pool status) never do.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from seconding.dates import WARSAW, today_in_warsaw
from seconding.extensions import db
from seconding.languages import language_names
from seconding.matches.loader import load_experts, mandatory_courses, position_facts
from seconding.matches.pair import weights
from seconding.matching import evaluate
from seconding.missions.queries import with_requirements
from seconding.models import (
    Cfc,
    ClearanceLevel,
    Deployment,
    Expert,
    ExpertExpertise,
    Position,
    Role,
    TrainingRecord,
    User,
)
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.nominations import Nomination
from seconding.packages.wording import CLEARANCE_NAMES, EDUCATION_NAMES, LICENCE_NAMES, REGIME_NAMES, SEX_NAMES

# Roles whose packages carry the date of birth and the phone: the coordinators who forward the nomination and
# fill in the application in Goalkeeper. HR officers check the CV they prepared; a file that leaves the app
# carries no more personal details than its reader needs (see docs/decisions.md).
PERSONAL_DETAIL_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Tours a CV lists: under way or ended; planned and pre-deployment ones have not happened yet.
TOUR_STATES = (DeploymentStatus.DEPLOYED, DeploymentStatus.COMPLETED, DeploymentStatus.CURTAILED)


@dataclass(frozen=True)
class LanguageLine:
    """One language of the CEFR grid; levels are A1..C2 or "native"; `skills` the five of the grid in SKILLS
    order (listening, reading, spoken interaction, spoken production, writing), the overall level where the expert
    assessed none."""

    code: str
    name: str
    level: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class EducationLine:
    """One entry of the education, with its level in words; `end` None: still studying."""

    level: str
    field: str
    organisation: str
    country: str
    start: date
    end: date | None
    degree: str


@dataclass(frozen=True)
class EmploymentLine:
    """One post; `end` None: the current post."""

    employer: str
    position: str
    start: date
    end: date | None
    duties: str


@dataclass(frozen=True)
class CourseLine:
    """The latest record of one course, with its validity on the package's date."""

    code: str
    name: str
    provider: str
    completed_on: date
    expires_on: date | None
    valid: bool
    mandatory: bool


@dataclass(frozen=True)
class TourLine:
    """An earlier or current tour: from a deployment in the app or a history record entered by hand."""

    mission: str
    country: str
    role: str
    start: date | None
    end: date | None
    csdp: bool
    status: str  # "completed", "deployed", ... for deployments; "" for history records


@dataclass(frozen=True)
class FindingLine:
    """A §6 finding as the evaluation gives it (rule code, outcome, English detail)."""

    rule: str
    outcome: str
    detail: str


@dataclass
class Package:
    """Everything one nomination's documents show; None means "not recorded" (listed in `missing`)."""

    nomination_id: int
    # The nomination sheet
    status: str
    cfc_ref: str
    mission: str
    position_ref: str
    position_title: str
    location: str
    regime: str
    available_on: date | None  # None: as soon as possible
    tour_months: int
    national_deadline: datetime
    endorsed_by: str | None
    endorsed_on: date | None
    goalkeeper_ref: str | None
    forwarded_on: date | None
    findings_as_of: date
    findings_status: str
    findings: list[FindingLine]
    # The CV
    given_name: str
    family_name: str
    sex: str
    personal_details: bool  # whether date of birth and phone are included for this reader
    date_of_birth: date | None
    email: str | None
    phone: str | None
    institution: str
    rank: str | None
    expertise_primary: str | None
    expertise_secondary: list[str]
    experience_years: int
    tours: list[TourLine]
    languages: list[LanguageLine]
    courses: list[CourseLine]
    clearance_level: str
    clearance_expires: date | None
    driving_licence: str
    # The CV as an EEAS CSDP application asks it (education and employment most recent first)
    education: list[EducationLine] = field(default_factory=list)
    employment: list[EmploymentLine] = field(default_factory=list)
    computer_skills: str | None = None
    motivation: str | None = None  # the nomination's: why this expert for this position
    missing: list[str] = field(default_factory=list)  # codes of MISSING_LABELS, in document order
    made_on: date = field(default_factory=today_in_warsaw)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def load_nominations(ids: Sequence[int]) -> list[Nomination]:
    """The nominations with their expert, position, call and history, in the order given (one query)."""
    found = {n.id: n for n in db.session.scalars(
        select(Nomination).where(Nomination.id.in_(list(ids)))
        .options(joinedload(Nomination.expert).joinedload(Expert.institution),
                 joinedload(Nomination.position).joinedload(Position.cfc).joinedload(Cfc.mission),
                 selectinload(Nomination.history))).unique()}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def _experts_details(expert_ids: list[int]) -> None:
    """Load the experts' languages, expertise, history records, education and employment into the session in
    five queries."""
    db.session.scalars(select(Expert).where(Expert.id.in_(expert_ids)).options(
        selectinload(Expert.languages), selectinload(Expert.mission_history),
        selectinload(Expert.expertise).joinedload(ExpertExpertise.area),
        selectinload(Expert.education), selectinload(Expert.employment))).all()


def _latest_records(expert_ids: list[int]) -> dict[int, list[TrainingRecord]]:
    """Each expert's latest record of every course, by course code."""
    latest: dict[tuple[int, int], TrainingRecord] = {}
    for record in db.session.scalars(select(TrainingRecord).where(TrainingRecord.expert_id.in_(expert_ids))
                                     .order_by(TrainingRecord.completed_on)):
        latest[(record.expert_id, record.course_id)] = record
    by_expert: dict[int, list[TrainingRecord]] = {}
    for record in sorted(latest.values(), key=lambda r: r.course.code):
        by_expert.setdefault(record.expert_id, []).append(record)
    return by_expert


def _tours(expert_ids: list[int]) -> dict[int, list[TourLine]]:
    """Tours tracked in the app that started (under way or ended), by expert."""
    tours: dict[int, list[TourLine]] = {}
    for d in db.session.scalars(select(Deployment).where(Deployment.expert_id.in_(expert_ids),
                                                         Deployment.status.in_(TOUR_STATES))
                                .options(joinedload(Deployment.mission), joinedload(Deployment.position))):
        role = d.role or (d.position.title if d.position else "")
        tours.setdefault(d.expert_id, []).append(TourLine(d.mission.acronym, d.mission.host_country, role, d.start,
                                                          d.end_date, True, d.status.value))
    return tours


def _findings(nominations: list[Nomination]) -> dict[int, tuple[date, str, list[FindingLine]]]:
    """§6 status and blockers/gaps per nomination, as of its forwarding date (today when not forwarded)."""
    experts = {f.id: f for f in load_experts([Expert.id.in_(sorted({n.expert_id for n in nominations}))])}
    positions = {f.id: f for f in position_facts(_positions_with_requirements({n.position_id for n in nominations}))}
    courses, w = mandatory_courses(), weights()
    result = {}
    for n in nominations:
        as_of = n.forwarded_on or today_in_warsaw()
        facts = experts.get(n.expert_id)
        if facts is None:  # not in the pool any more (anonymised): nothing to evaluate
            result[n.id] = (as_of, "unknown", [])
            continue
        evaluation = evaluate(facts, positions[n.position_id], as_of=as_of, mandatory_courses=courses, weights=w)
        result[n.id] = (as_of, evaluation.status, [FindingLine(f.rule, f.outcome, _package_detail(f))
                                                   for f in evaluation.findings if f.outcome != "met"])
    return result


# Findings whose sentence would carry internal data into a file sent to the EEAS (the reason of a leave, the pool
# status, another selection): the package states the fact without it.
PACKAGE_WORDING = {
    "unavailable.period": "unavailable from {start} to {end}",
    "pool_status.other": "not in the active national pool",
    "busy.selection": "selected for another position from {start} to {end}",
}


def _package_detail(finding) -> str:
    """The English sentence of a finding as a package may show it."""
    template = PACKAGE_WORDING.get(finding.sentence)
    if template is None:
        return finding.detail
    return template.format(**{k: v.isoformat() if isinstance(v, date) else v for k, v in finding.args.items()})


def _positions_with_requirements(position_ids: set[int]) -> list[Position]:
    return list(db.session.scalars(with_requirements(select(Position).where(Position.id.in_(position_ids)))))


def _endorsement(nomination: Nomination) -> tuple[str | None, date | None]:
    """Who endorsed the nomination and on which Warsaw day (the latest endorsement; its comment stays internal)."""
    event = next((e for e in reversed(nomination.history) if e.to_status == NominationStatus.ENDORSED), None)
    if event is None:
        return None, None
    return event.actor_label, event.at.astimezone(WARSAW).date()


def build_packages(nominations: list[Nomination], reader: User, *, today: date | None = None) -> list[Package]:
    """The package data of each nomination, for this reader's role (the caller has checked scope)."""
    today = today or today_in_warsaw()
    expert_ids = sorted({n.expert_id for n in nominations})
    _experts_details(expert_ids)
    records, tours, findings = _latest_records(expert_ids), _tours(expert_ids), _findings(nominations)
    names = language_names("en")
    personal = reader.role in PERSONAL_DETAIL_ROLES
    mandatory = mandatory_courses()
    packages = []
    for n in nominations:
        e, p = n.expert, n.position
        endorsed_by, endorsed_on = _endorsement(n)
        as_of, status, found = findings[n.id]
        history = [TourLine(h.mission, h.host_country, h.role, h.start, h.end, h.csdp, "")
                   for h in e.mission_history]
        package = Package(
            nomination_id=n.id, status=n.status.value, cfc_ref=p.cfc.reference, mission=p.cfc.mission.acronym,
            position_ref=p.reference, position_title=p.title, location=p.location, regime=REGIME_NAMES[p.regime],
            available_on=p.available_on, tour_months=p.tour_months, national_deadline=p.cfc.national_deadline,
            endorsed_by=endorsed_by, endorsed_on=endorsed_on,
            goalkeeper_ref=n.goalkeeper_ref or None, forwarded_on=n.forwarded_on,
            findings_as_of=as_of, findings_status=status, findings=found,
            given_name=e.given_name, family_name=e.family_name, sex=SEX_NAMES[e.sex], personal_details=personal,
            date_of_birth=e.date_of_birth if personal else None, email=e.email or None,
            phone=(e.phone or None) if personal else None, institution=e.institution.name_en, rank=e.rank or None,
            expertise_primary=e.primary_expertise.name_en if e.primary_expertise else None,
            expertise_secondary=sorted(a.name_en for a in e.secondary_expertise),
            experience_years=e.experience_years,
            tours=sorted(tours.get(e.id, []) + history, key=lambda t: (t.start or date.min, t.mission)),
            languages=[LanguageLine(lang.code, names.get(lang.code, lang.code), lang.level.value,
                                    tuple(skill.value for skill in lang.skills()))
                       for lang in e.languages],
            courses=[CourseLine(r.course.code, r.course.name, r.course.provider, r.completed_on, r.expires_on,
                                r.expires_on is None or r.expires_on >= today, r.course.mandatory)
                     for r in records.get(e.id, [])],
            clearance_level=CLEARANCE_NAMES[e.clearance_level], clearance_expires=e.clearance_expires,
            driving_licence=LICENCE_NAMES[e.driving_licence], made_on=today,
            education=[EducationLine(EDUCATION_NAMES[s.level], s.field, s.organisation, s.country, s.start, s.end,
                                     s.degree) for s in e.education],
            employment=[EmploymentLine(j.employer, j.position, j.start, j.end, _lines(j.duties))
                        for j in e.employment],
            computer_skills=_lines(e.computer_skills) or None, motivation=_lines(n.motivation) or None,
        )
        package.missing = missing_items(package, mandatory=mandatory)
        packages.append(package)
    return packages


def _lines(value: str | None) -> str:
    """Free text as typed in a form, with plain line ends ("\\n") and no blank edges."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def missing_items(package: Package, *, mandatory: Sequence[str]) -> list[str]:
    """Codes of what the documents show as missing (the page lists them before the download)."""
    checks = [
        ("date_of_birth", package.personal_details and package.date_of_birth is None),
        ("email", package.email is None),
        ("phone", package.personal_details and package.phone is None),
        ("rank", package.rank is None),
        ("expertise", package.expertise_primary is None),
        ("languages", not package.languages),
        ("education", not package.education),
        ("employment", not package.employment),
        ("computer_skills", package.computer_skills is None),
        ("clearance_expiry", package.clearance_level != CLEARANCE_NAMES[ClearanceLevel.NONE]
         and package.clearance_expires is None),
        ("motivation", package.motivation is None),
        ("endorsement", package.endorsed_by is None),
        ("goalkeeper_ref", package.goalkeeper_ref is None),
    ]
    missing = [code for code, absent in checks if absent]
    held = {c.code for c in package.courses}
    missing += [f"course:{code}" for code in mandatory if code not in held]
    return missing
