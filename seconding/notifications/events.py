"""Who is told what, when something happens: the events of the workflow and the scheduler's reminders (SPEC §14).

Recipients are only users whose scope covers the expert or the call; the one who acted is not told about their own
step. Each event has a key that names it once for all its recipients, so a reminder computed twice (two workers,
a restart) is written once per recipient."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, cast, literal, select, true

from seconding.access import institutions_in_scope, scope_filter
from seconding.dates import WARSAW, format_moment
from seconding.extensions import db
from seconding.models import Cfc, CfcStatus, Expert, NipAction, NipStatus, Notification, Position, Role, User
from seconding.models.deployments import Deployment
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES, NominationStatus
from seconding.models.nominations import Nomination
from seconding.notifications.queue import covering, notify, users_with_roles
from seconding.tracker.queries import qualifying

EEAS_STEPS = {"forward", "shortlist", "interview", "select", "reserve", "not_select"}
DEADLINE_DAYS = (7, 2)  # national deadline reminders
TOUR_DAYS = (60, 30)  # tour ending reminders
NIP_DAYS = 30  # an NIP action due within this many days, or overdue by at most a week
NIP_OVERDUE_DAYS = 7
NEW_CALL_DAYS = 7  # a call opened within this many days is announced once it has positions


def _submitter(nomination: Nomination) -> User | None:
    """Who submitted the nomination to the coordinators last (the service's HR officer, as a rule)."""
    for event in reversed(nomination.history):
        if event.to_status == NominationStatus.SUBMITTED and event.actor_id is not None:
            return db.session.get(User, event.actor_id)
    return None


def nomination_moved(nomination: Nomination, action: str, actor: User | None, comment: str) -> None:
    """Tell the people concerned about one step of a nomination's workflow."""
    expert, position = nomination.expert, nomination.position
    coordinators = covering(users_with_roles(Role.COORDINATOR), expert.institution_id)
    submitter = [u for u in [_submitter(nomination)] if u is not None]
    if action == "submit":
        kind, users = "nomination_submitted", coordinators
    elif action in ("return", "reject"):
        kind, users = "nomination_returned", submitter
    elif action in EEAS_STEPS:
        kind, users = "nomination_eeas", submitter + (coordinators if action == "select" else [])
    else:
        return
    last = nomination.history[-1]
    params = {"nomination": nomination.id, "expert": expert.name, "position": position.reference,
              "cfc": position.cfc.reference, "action": action, "from": last.from_status.value,
              "status": nomination.status.value, "comment": last.comment, "actor": actor.name if actor else "",
              "day": last.on_date.isoformat() if last.on_date else None}
    notify(kind, f"nomination:{nomination.id}:{action}:{last.id}", users, params,
           thread=f"nomination-{nomination.id}", exclude=actor)


def calls_opened(today: date) -> int:
    """Tell the HR officers about each call opened in the last week that has its positions, once: with how many of
    their experts qualify for each position (the matching pages' counts)."""
    since = datetime.combine(today - timedelta(days=NEW_CALL_DAYS), time(), WARSAW)
    told = select(Notification.id).where(Notification.event_key == literal("cfc:") + cast(Cfc.id, String) + ":opened")
    calls = db.session.scalars(select(Cfc).where(Cfc.status == CfcStatus.OPEN, Cfc.created_at >= since,
                                                 Cfc.positions.any(), ~told.exists())).all()
    officers, written = users_with_roles(Role.HR_OFFICER), 0
    for cfc in calls:
        counts: dict[frozenset, list] = {}
        for officer in officers:
            scope = frozenset(i.id for i in institutions_in_scope(officer))
            if scope not in counts:  # the pool read once per scope, screened once per position
                found = qualifying(cfc.positions, scope=scope_filter(officer, Expert.institution_id), as_of=today)
                counts[scope] = [[p.reference, p.title, found[p.id][0]] for p in cfc.positions]
        written += notify("cfc_opened", f"cfc:{cfc.id}:opened", officers, _call_params(cfc, counts))
    return written


def _call_params(cfc: Cfc, counts: dict[frozenset, list]):
    national = format_moment(cfc.national_deadline, WARSAW)

    def params(officer: User) -> dict:
        return {"cfc": cfc.id, "reference": cfc.reference, "mission": cfc.mission.acronym, "national": national,
                "positions": counts[frozenset(i.id for i in institutions_in_scope(officer))]}

    return params


def _window(days_left: int, marks: tuple[int, ...]) -> int | None:
    """The reminder a day falls in: the largest mark at or above `days_left`, down to the next mark (8 days -> none,
    7..3 -> 7, 2..0 -> 2). A reminder missed on its day (the app was down) goes out on the next."""
    due = [mark for mark in marks if 0 <= days_left <= mark]
    return min(due) if due else None


def remind(today: date) -> int:
    """Queue the calls opened and the reminders due today (deadlines, tours ending, NIP actions); returns the rows
    written. Run by the scheduler several times a day; a second run writes nothing new."""
    written = calls_opened(today)
    people = users_with_roles(Role.HR_OFFICER, Role.COORDINATOR)
    calls = db.session.scalars(select(Cfc).where(Cfc.status == CfcStatus.OPEN)).all()
    for cfc in calls:
        days = (cfc.national_deadline.astimezone(WARSAW).date() - today).days
        mark = _window(days, DEADLINE_DAYS)
        if mark is None:
            continue
        nominated = db.session.execute(
            select(Nomination.position_id, Expert.institution_id).join(Expert, Expert.id == Nomination.expert_id)
            .join(Position, Position.id == Nomination.position_id)
            .where(Position.cfc_id == cfc.id, Nomination.status != NominationStatus.WITHDRAWN)).all()
        national = format_moment(cfc.national_deadline, WARSAW)
        for user in people:
            scope = {i.id for i in institutions_in_scope(user)}
            covered = {position_id for position_id, institution_id in nominated if institution_id in scope}
            open_positions = [p.reference for p in cfc.positions if p.id not in covered]
            if open_positions:
                written += notify("deadline", f"deadline:{cfc.id}:{mark}d", [user],
                                  {"cfc": cfc.id, "reference": cfc.reference, "national": national, "days": days,
                                   "positions": open_positions})
    coordinators = users_with_roles(Role.COORDINATOR)
    officers = users_with_roles(Role.HR_OFFICER)
    tours = db.session.scalars(select(Deployment).where(
        Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES), Deployment.end_date >= today,
        Deployment.end_date <= today + timedelta(days=max(TOUR_DAYS)))).all()
    for tour in tours:
        days = (tour.end_date - today).days
        mark = _window(days, TOUR_DAYS)
        users = covering(officers, tour.expert.institution_id) + coordinators
        written += notify("tour_ending", f"tour:{tour.id}:{tour.end_date.isoformat()}:{mark}d", users,
                          {"deployment": tour.id, "expert": tour.expert.name, "mission": tour.mission.acronym,
                           "end": tour.end_date.isoformat(), "days": days})
    actions = db.session.scalars(select(NipAction).where(
        NipAction.status.not_in([NipStatus.COMPLETED, NipStatus.CANCELLED]),
        NipAction.due_on >= today - timedelta(days=NIP_OVERDUE_DAYS),
        NipAction.due_on <= today + timedelta(days=NIP_DAYS))).all()
    everyone = list(db.session.scalars(select(User).where(User.active.is_(True), true())))
    for action in actions:
        days = (action.due_on - today).days
        institutions = {action.lead_institution_id} | {p.id for p in action.partners}
        users = [u for u in everyone if u.institution_id in institutions]
        stage = "overdue" if days < 0 else "due"
        written += notify("nip_due", f"nip:{action.id}:{action.due_on.isoformat()}:{stage}", users,
                          {"action": action.id, "code": action.code, "title": action.title,
                           "due": action.due_on.isoformat(), "days": days})
    return written
