"""What one recipient's digest says (SPEC §9), every item limited to the recipient's scope through access.py.

Content depends only on the scope and on whether the recipient may see personal data, so a run builds it once per
distinct (scope, personal) pair and shares it between recipients (viewers get counts, never names).

Sections come in order of urgency (SECTIONS): calls whose national deadline is near and nominations waiting first,
the long expiry lists after. A list shows its LIST_LIMIT most urgent lines (soonest first); a longer one says how many
more there are, with a link to the full list in the app (`Listing.more`)."""
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import and_, func, select

from seconding.access import scope_filter, scope_ids, sees_personal_data
from seconding.dates import WARSAW, to_utc
from seconding.extensions import db
from seconding.models import (
    Cfc,
    CfcStatus,
    ClearanceLevel,
    Course,
    Deployment,
    Expert,
    Institution,
    Mission,
    Nomination,
    NominationEvent,
    PoolStatus,
    Position,
    TrainingRecord,
    User,
)
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, NominationStatus
from seconding.nip.compliance import AT_RISK, OVERDUE, STALE
from seconding.nip.queries import action_rows
from seconding.nip.targets import SECONDED_KEY_TARGET, Snapshot, deployed_on, target_of
from seconding.profiles.forms import FIELD_LABELS
from seconding.profiles.queries import Counts, overview
from seconding.profiles.rules import confirmation_cutoff
from seconding.training.queries import NEVER, mandatory_course_ids

TOURS_DAYS = 60
DEADLINE_DAYS = 30
SUBMITTED_DAYS = 14
FORWARDED_DAYS = 60
LIST_LIMIT = 10  # rows shown per list, the most urgent; the count says how many there are in all
# The sections, most urgent first (the templates render them in this order).
SECTIONS = ("deadlines", "waiting", "nip", "tours", "expiry", "profiles")


@dataclass
class Listing:
    """A count and the first rows (rows are empty for recipients who see aggregates only), and the app's page with
    the full list: (endpoint, URL values)."""

    count: int = 0
    rows: list = field(default_factory=list)
    more: tuple[str, dict] | None = None

    @property
    def hidden(self) -> int:
        """How many lines the digest leaves out (none when it shows no line at all)."""
        return self.count - len(self.rows) if self.rows else 0


@dataclass
class Content:
    as_of: date
    personal: bool
    nip: dict[str, Listing] = field(default_factory=dict)
    clearances: Listing = field(default_factory=Listing)
    passports: Listing = field(default_factory=Listing)
    courses: Listing = field(default_factory=Listing)
    tours: Listing = field(default_factory=Listing)
    deadlines: list = field(default_factory=list)  # every call due, with its positions lacking a nomination
    calls: Listing = field(default_factory=Listing)  # those with such positions, as the digest lists them
    submitted: Listing = field(default_factory=Listing)
    forwarded: Listing = field(default_factory=Listing)
    figures: Snapshot | None = None
    previous: Snapshot | None = None
    target: object = None
    key_target: int = SECONDED_KEY_TARGET  # the Compact's 100 % seconded in management, operational and key posts
    profiles: Counts = field(default_factory=Counts)  # completeness of the active pool in scope (counts only)
    profile_months: int = 6

    @property
    def sections(self) -> list[str]:
        """The sections with something to say, most urgent first."""
        said = {"deadlines": self.calls.count, "waiting": self.submitted.count or self.forwarded.count,
                "nip": any(x.count for x in self.nip.values()), "tours": self.tours.count,
                "expiry": self.clearances.count or self.passports.count or self.courses.count,
                "profiles": self.profiles.incomplete or self.profiles.not_confirmed}
        return [name for name in SECTIONS if said[name]]

    @property
    def nothing_to_report(self) -> bool:
        return not self.sections

    def most_common_missing(self) -> tuple[str, int] | None:
        """The field missing most often in scope, labelled in the language being rendered, with its count."""
        top = self.profiles.most_common(1)
        return (str(FIELD_LABELS[top[0][0]]), top[0][1]) if top else None


def _listing(query, count_query, personal: bool, more: tuple[str, dict]) -> Listing:
    count = db.session.scalar(count_query) or 0
    rows = db.session.execute(query.limit(LIST_LIMIT)).all() if personal and count else []
    return Listing(count, rows, more)


def _capped(rows: list, more: tuple[str, dict]) -> Listing:
    """A list already read (not personal data), cut to its most urgent lines."""
    return Listing(len(rows), rows[:LIST_LIMIT], more)


def _counted(query) -> object:
    return select(func.count()).select_from(query.order_by(None).subquery())


def _expert_columns():
    return (Expert.id, Expert.given_name, Expert.family_name, Institution.code.label("institution"))


def _active_experts(user: User):
    return and_(Expert.pool_status == PoolStatus.ACTIVE, scope_filter(user, Expert.institution_id, personal=False))


def _expiry(user: User, as_of: date, personal: bool) -> tuple[Listing, Listing, Listing]:
    horizon = as_of + timedelta(days=current_app.config["TRAINING_EXPIRING_DAYS"])  # 90 by default
    base = select(*_expert_columns()).join(Institution, Expert.institution_id == Institution.id)
    clearances = (base.add_columns(Expert.clearance_level, Expert.clearance_expires)
                  .where(_active_experts(user), Expert.clearance_level != ClearanceLevel.NONE,
                         Expert.clearance_expires <= horizon)
                  .order_by(Expert.clearance_expires, Expert.family_name, Expert.id))
    passports = (base.add_columns(Expert.passport_expires)
                 .where(_active_experts(user), Expert.passport_expires <= horizon)
                 .order_by(Expert.passport_expires, Expert.family_name, Expert.id))
    best = (select(TrainingRecord.expert_id, TrainingRecord.course_id,
                   func.max(func.coalesce(TrainingRecord.expires_on, NEVER)).label("expires"))
            .where(TrainingRecord.course_id.in_(mandatory_course_ids()))
            .group_by(TrainingRecord.expert_id, TrainingRecord.course_id).subquery())
    courses = (base.add_columns(Course.code.label("course"), best.c.expires)
               .join(best, best.c.expert_id == Expert.id).join(Course, Course.id == best.c.course_id)
               .where(_active_experts(user), best.c.expires <= horizon)
               .order_by(best.c.expires, Expert.family_name, Expert.id, Course.code))
    active = {"status": PoolStatus.ACTIVE.value}
    return (_listing(clearances, _counted(clearances), personal, ("experts.index", active | {"expiring": "clearance"})),
            _listing(passports, _counted(passports), personal, ("experts.index", active | {"expiring": "passport"})),
            _listing(courses, _counted(courses), personal, ("training.matrix", active)))


def _tours(user: User, as_of: date, personal: bool) -> Listing:
    query = (select(Deployment.id, Deployment.end_date, Mission.acronym.label("mission"), *_expert_columns())
             .join(Expert, Deployment.expert_id == Expert.id).join(Mission, Deployment.mission_id == Mission.id)
             .join(Institution, Expert.institution_id == Institution.id)
             .where(Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES), Deployment.end_date >= as_of,
                    Deployment.end_date <= as_of + timedelta(days=TOURS_DAYS),
                    scope_filter(user, Expert.institution_id, personal=False))
             .order_by(Deployment.end_date, Expert.family_name, Deployment.id))
    return _listing(query, _counted(query), personal, ("deployments.index", {}))


def _deadlines(user: User, as_of: date) -> list[dict]:
    """Open calls whose national deadline falls in the next 30 days, with their positions that have no active or
    forwarded nomination of an expert in the recipient's scope (not personal data: positions only)."""
    start, end = to_utc(as_of, time(0, 0), WARSAW), to_utc(as_of + timedelta(days=DEADLINE_DAYS), time(23, 59), WARSAW)
    calls = db.session.execute(
        select(Cfc.id, Cfc.reference, Cfc.national_deadline).where(
            Cfc.status == CfcStatus.OPEN, Cfc.national_deadline >= start, Cfc.national_deadline <= end)
        .order_by(Cfc.national_deadline, Cfc.reference)).all()
    if not calls:
        return []
    live = [s for s in NominationStatus if s not in (NominationStatus.REJECTED, NominationStatus.WITHDRAWN)]
    nominated = (select(Nomination.position_id).join(Expert, Nomination.expert_id == Expert.id)
                 .where(Nomination.status.in_(live), scope_filter(user, Expert.institution_id, personal=False)))
    positions = db.session.execute(
        select(Position.id, Position.cfc_id, Position.reference, Position.title)
        .where(Position.cfc_id.in_([c.id for c in calls]), Position.id.not_in(nominated))
        .order_by(Position.reference)).all()
    return [{"cfc": c, "open": [p for p in positions if p.cfc_id == c.id]} for c in calls]


def _waiting(user: User, as_of: date, personal: bool) -> tuple[Listing, Listing]:
    submitted_at = (select(NominationEvent.nomination_id, func.max(NominationEvent.at).label("at"))
                    .where(NominationEvent.to_status == NominationStatus.SUBMITTED)
                    .group_by(NominationEvent.nomination_id).subquery())
    columns = (Nomination.id.label("nomination_id"), Position.reference.label("position"),
               Cfc.reference.label("cfc"), *_expert_columns())

    def base():
        return (select(*columns).join(Expert, Nomination.expert_id == Expert.id)
                .join(Institution, Expert.institution_id == Institution.id)
                .join(Position, Nomination.position_id == Position.id).join(Cfc, Position.cfc_id == Cfc.id)
                .where(scope_filter(user, Expert.institution_id, personal=False)))

    cutoff = to_utc(as_of - timedelta(days=SUBMITTED_DAYS - 1), time(0, 0), WARSAW)  # submitted on day ≤ A - 14
    submitted = (base().add_columns(submitted_at.c.at).join(submitted_at, submitted_at.c.nomination_id == Nomination.id)
                 .where(Nomination.status == NominationStatus.SUBMITTED, submitted_at.c.at < cutoff)
                 .order_by(submitted_at.c.at, Nomination.id))
    waiting = (NominationStatus.FORWARDED, NominationStatus.SHORTLISTED, NominationStatus.INTERVIEWED)
    forwarded = (base().add_columns(Nomination.forwarded_on)
                 .where(Nomination.status.in_(waiting),
                        Nomination.forwarded_on <= as_of - timedelta(days=FORWARDED_DAYS))
                 .order_by(Nomination.forwarded_on, Nomination.id))
    return (_listing(submitted, _counted(submitted), personal, ("nominations.board", {"status": "submitted"})),
            _listing(forwarded, _counted(forwarded), personal, ("nominations.board", {})))


def previous_month_start(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def build(user: User, as_of: date) -> Content:
    """The digest content for this recipient as of a day (the first day of the period)."""
    personal = sees_personal_data(user)
    content = Content(as_of=as_of, personal=personal)
    rows = action_rows(as_of, user=user)
    content.nip = {flag: _capped([r.action for r in rows if flag in r.flags], ("nip.index", {"flag": flag}))
                   for flag in (OVERDUE, AT_RISK, STALE)}
    content.clearances, content.passports, content.courses = _expiry(user, as_of, personal)
    content.profile_months = current_app.config["PROFILE_CONFIRM_MONTHS"]
    _rows, content.profiles = overview(user, as_of, confirmation_cutoff(as_of, content.profile_months),
                                       personal=False)
    content.tours = _tours(user, as_of, personal)
    content.deadlines = _deadlines(user, as_of)
    content.calls = _capped([d for d in content.deadlines if d["open"]], ("missions.cfcs", {}))
    content.submitted, content.forwarded = _waiting(user, as_of, personal)
    content.figures = deployed_on(as_of)
    content.previous = deployed_on(previous_month_start(as_of))
    content.target = target_of(as_of.year)
    return content


def scope_key(user: User) -> tuple:
    """Recipients with the same key get the same content."""
    ids = scope_ids(user)
    return (None if ids is None else frozenset(ids), sees_personal_data(user))


class ContentCache:
    """Content built once per (scope, personal) and as-of day within one run."""

    def __init__(self):
        self._built: dict[tuple, Content] = {}

    def get(self, user: User, as_of: date) -> Content:
        key = (*scope_key(user), as_of)
        if key not in self._built:
            self._built[key] = build(user, as_of)
        return self._built[key]
