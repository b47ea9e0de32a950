"""The dashboard's to-do list: what the user has to act on, soonest first, each line with its deadline and a link to
the page where it is done, and "and N more" links to the filtered lists.

A fixed number of queries whatever the number of items: one per kind of item, each limited to the lines that can be
shown and carrying its totals as window counts; NIP actions (a small table) are read with their lead and partners.
Everything is limited to the user's scope through access.py; viewers act on nothing and get no list."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, url_for
from flask_babel import get_locale
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from seconding.access import COORDINATING_ROLES, concerns_scope, scope_filter
from seconding.dates import BRUSSELS, WARSAW, local, to_utc
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import (
    Cfc,
    CfcStatus,
    ClearanceLevel,
    Deployment,
    Expert,
    Institution,
    Mission,
    NipAction,
    Nomination,
    NominationEvent,
    PoolStatus,
    Position,
    Role,
    User,
)
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, NominationStatus
from seconding.nip.compliance import CLOSED
from seconding.reference import institution_short_name

LIMIT = 10  # lines shown; the rest are counted, with a link to the list they are on
CALL_DAYS = 30  # calls whose national deadline falls within this many days
TOUR_DAYS = 60  # tours ending within this many days (the deployments page's "ending soon")
NIP_DAYS = 30  # NIP actions due within this many days, and those overdue

# Ties on the same day: calls and nominations first (they have a deadline that closes), then the rest.
KINDS = ("call", "draft", "submitted", "endorsed", "nip_overdue", "nip_due", "tour", "clearance", "passport",
         "training_expired", "training_expiring")


@dataclass
class Item:
    """One line: its kind (what the template says), the day it is due (Warsaw), a link, and what to show."""

    kind: str
    day: date
    url: str
    values: dict = field(default_factory=dict)
    moment: datetime | None = None  # a deadline with its time, as wall-clock time in its zone
    zone: str = ""  # "warsaw" or "brussels" for a moment
    days_left: int = 0

    def key(self) -> tuple:
        return (self.day, self.moment.time() if self.moment else time(23, 59), KINDS.index(self.kind),
                self.values.get("sort", ""))


@dataclass
class More:
    kind: str
    count: int
    url: str


@dataclass
class ToDo:
    items: list[Item] = field(default_factory=list)
    more: list[More] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def _name(row) -> str:
    return f"{row.family_name}, {row.given_name}"


def _institution(row, locale: str) -> str:
    return row.name_pl if locale == "pl" else row.name_en


def _active_experts(user: User):
    return Expert.pool_status == PoolStatus.ACTIVE, scope_filter(user, Expert.institution_id)


def _calls(user: User, today: date) -> tuple[list[Item], dict[str, int]]:
    """Open calls whose national deadline is still ahead, within CALL_DAYS, with positions that have no live
    nomination (not rejected or withdrawn) of an expert in the user's scope."""
    live = [s for s in NominationStatus if s not in (NominationStatus.REJECTED, NominationStatus.WITHDRAWN)]
    nominated = (select(Nomination.position_id).join(Expert, Nomination.expert_id == Expert.id)
                 .where(Nomination.status.in_(live), scope_filter(user, Expert.institution_id)))
    limit = to_utc(today + timedelta(days=CALL_DAYS), time(23, 59), WARSAW)
    rows = db.session.execute(
        select(Cfc.id, Cfc.reference, Cfc.national_deadline, Mission.acronym,
               func.count(Position.id).label("open"), func.count().over().label("total"))
        .join(Mission, Cfc.mission_id == Mission.id).join(Position, Position.cfc_id == Cfc.id)
        .where(Cfc.status == CfcStatus.OPEN, Cfc.national_deadline >= utcnow(), Cfc.national_deadline <= limit,
               Position.id.not_in(nominated))
        .group_by(Cfc.id, Cfc.reference, Cfc.national_deadline, Mission.acronym)
        .order_by(Cfc.national_deadline, Cfc.reference).limit(LIMIT)).all()
    items = [Item("call", local(r.national_deadline, WARSAW).date(), url_for("missions.cfc", cfc_id=r.id),
                  {"call": r.reference, "mission": r.acronym, "num": r.open, "sort": r.reference},
                  moment=local(r.national_deadline, WARSAW), zone="warsaw") for r in rows]
    return items, {"call": rows[0].total if rows else 0}


def _nominations(user: User) -> tuple[list[Item], dict[str, int]]:
    """Nominations waiting for this user: drafts (returned or not yet submitted) for HR officers, by the call's national
    deadline; submitted ones to endorse and endorsed ones to forward for coordinators, by the EEAS deadline."""
    if user.role == Role.HR_OFFICER:
        statuses, deadline, zone = (NominationStatus.DRAFT,), Cfc.national_deadline, WARSAW
    else:
        statuses, deadline, zone = (NominationStatus.SUBMITTED, NominationStatus.ENDORSED), Cfc.eeas_deadline, BRUSSELS
    returned = exists().where(NominationEvent.nomination_id == Nomination.id,
                              NominationEvent.from_status == NominationStatus.SUBMITTED,
                              NominationEvent.to_status == NominationStatus.DRAFT)
    totals = [func.sum(case((Nomination.status == s, 1), else_=0)).over().label(s.value) for s in statuses]
    rows = db.session.execute(
        select(Nomination.id, Nomination.status, Expert.given_name, Expert.family_name,
               Position.reference.label("position"), Cfc.reference.label("call"), deadline.label("deadline"),
               returned.label("returned"), *totals)
        .join(Expert, Nomination.expert_id == Expert.id).join(Position, Nomination.position_id == Position.id)
        .join(Cfc, Position.cfc_id == Cfc.id)
        .where(Nomination.status.in_(statuses), scope_filter(user, Expert.institution_id))
        .order_by(deadline, Nomination.id).limit(LIMIT)).all()
    items = [Item(r.status.value, local(r.deadline, zone).date(),
                  url_for("nominations.detail", nomination_id=r.id),
                  {"name": _name(r), "call": r.call, "position": r.position, "returned": bool(r.returned),
                   "sort": _name(r)}, moment=local(r.deadline, zone), zone="warsaw" if zone is WARSAW else "brussels")
             for r in rows]
    return items, {s.value: int(getattr(rows[0], s.value) or 0) if rows else 0 for s in statuses}


def _nip(user: User, today: date) -> tuple[list[Item], dict[str, int]]:
    """NIP actions overdue or due within NIP_DAYS, not completed or cancelled: HR officers those their institution
    leads or takes part in, coordinators every one (as the NIP pages)."""
    actions = db.session.scalars(
        select(NipAction).options(joinedload(NipAction.lead), selectinload(NipAction.partners))
        .where(NipAction.status.not_in(CLOSED), NipAction.due_on <= today + timedelta(days=NIP_DAYS))
        .order_by(NipAction.due_on, NipAction.code)).unique().all()
    if user.role == Role.HR_OFFICER:
        actions = [a for a in actions if concerns_scope(user, a.institution_ids)]
    items = [Item("nip_overdue" if a.due_on < today else "nip_due", a.due_on,
                  url_for("nip.action", action_id=a.id),
                  {"code": a.code, "title": a.title, "lead": institution_short_name(a.lead), "progress": a.progress,
                   "sort": a.code})
             for a in actions]
    overdue = sum(1 for i in items if i.kind == "nip_overdue")
    return items[:LIMIT], {"nip_overdue": overdue, "nip_due": len(items) - overdue}


def _tours(user: User, today: date, locale: str) -> tuple[list[Item], dict[str, int]]:
    """Tours under way or planned that end within TOUR_DAYS (or should have ended): to extend, hand over or close."""
    rows = db.session.execute(
        select(Deployment.id, Deployment.end_date, Mission.acronym, Expert.given_name, Expert.family_name,
               Institution.name_en, Institution.name_pl, func.count().over().label("total"))
        .join(Expert, Deployment.expert_id == Expert.id).join(Mission, Deployment.mission_id == Mission.id)
        .join(Institution, Expert.institution_id == Institution.id)
        .where(Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES),
               Deployment.end_date <= today + timedelta(days=TOUR_DAYS), scope_filter(user, Expert.institution_id))
        .order_by(Deployment.end_date, Expert.family_name, Deployment.id).limit(LIMIT)).all()
    items = [Item("tour", r.end_date, url_for("deployments.detail", deployment_id=r.id),
                  {"name": _name(r), "institution": _institution(r, locale), "mission": r.acronym, "sort": _name(r)})
             for r in rows]
    return items, {"tour": rows[0].total if rows else 0}


def _expiries(user: User, today: date, locale: str) -> tuple[list[Item], dict[str, int]]:
    """Active experts whose clearance, passport or mandatory training (the earliest course to lapse) has expired or
    expires within the training warning period: three queries, one per document."""
    from seconding.experts.forms import CLEARANCE_LABELS

    soon = today + timedelta(days=current_app.config["TRAINING_EXPIRING_DAYS"])
    people = (Expert.id, Expert.given_name, Expert.family_name, Institution.name_en, Institution.name_pl)
    items: list[Item] = []
    totals: dict[str, int] = {}

    def read(column, *conditions, extra=(), counts=None):
        counts = counts or [func.count().over().label("total")]
        return db.session.execute(
            select(*people, column.label("day"), *extra, *counts)
            .join(Institution, Expert.institution_id == Institution.id)
            .where(*_active_experts(user), column <= soon, *conditions)
            .order_by(column, Expert.family_name, Expert.id).limit(LIMIT)).all()

    def line(kind, r, **values):
        return Item(kind, r.day, url_for("experts.detail", expert_id=r.id),
                    {"name": _name(r), "institution": _institution(r, locale), "sort": _name(r), **values})

    rows = read(Expert.clearance_expires, Expert.clearance_level != ClearanceLevel.NONE,
                extra=(Expert.clearance_level,))
    items += [line("clearance", r, level=CLEARANCE_LABELS.get(r.clearance_level, "")) for r in rows]
    totals["clearance"] = rows[0].total if rows else 0

    rows = read(Expert.passport_expires)
    items += [line("passport", r) for r in rows]
    totals["passport"] = rows[0].total if rows else 0

    until = Expert.training_valid_until  # the day the first mandatory course lapses (kept by training/summary.py)
    rows = read(until, counts=[func.count().over().label("total"),
                               func.sum(case((until < today, 1), else_=0)).over().label("expired")])
    items += [line("training_expired" if r.day < today else "training_expiring", r) for r in rows]
    totals["training_expired"] = int(rows[0].expired or 0) if rows else 0
    totals["training_expiring"] = rows[0].total - totals["training_expired"] if rows else 0
    return items, totals


def more_url(kind: str) -> str:
    """The list holding every item of a kind."""
    return {
        "call": lambda: url_for("missions.cfcs"),
        "draft": lambda: url_for("nominations.board", status="draft"),
        "submitted": lambda: url_for("nominations.board", status="submitted"),
        "endorsed": lambda: url_for("nominations.board", status="endorsed"),
        "nip_overdue": lambda: url_for("nip.index", flag="overdue"),
        "nip_due": lambda: url_for("nip.index"),
        "tour": lambda: url_for("deployments.index"),
        "clearance": lambda: url_for("experts.index", status="active", expiring="clearance"),
        "passport": lambda: url_for("experts.index", status="active", expiring="passport"),
        "training_expired": lambda: url_for("experts.index", status="active", training="expired"),
        "training_expiring": lambda: url_for("experts.index", status="active", training="expiring"),
    }[kind]()


def todo(user: User, today: date, limit: int = LIMIT) -> ToDo | None:
    """The user's to-do list: the `limit` most urgent lines (overdue first), and how many more of each kind; None
    for viewers, who act on nothing."""
    if user.role not in (*COORDINATING_ROLES, Role.HR_OFFICER):
        return None
    locale = str(get_locale() or "en")
    items: list[Item] = []
    totals: dict[str, int] = {}
    for found, counted in (_calls(user, today), _nominations(user), _nip(user, today), _tours(user, today, locale),
                           _expiries(user, today, locale)):
        items += found
        totals |= counted
    items.sort(key=Item.key)
    shown = items[:limit]
    for item in shown:
        item.days_left = (item.day - today).days
    more = []
    for kind in KINDS:
        hidden = totals.get(kind, 0) - sum(1 for i in shown if i.kind == kind)
        if hidden > 0:
            more.append(More(kind, hidden, more_url(kind)))
    return ToDo(shown, more, totals)
