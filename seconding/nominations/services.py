"""Creating nominations and moving them through the workflow; selection creates the deployment."""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from seconding.access import in_scope
from seconding.audit.services import record
from seconding.db import utcnow
from seconding.deployments.services import plan_deployment
from seconding.errors import Race, Refusal, StaleEdit
from seconding.extensions import db
from seconding.missions.deadlines import WARSAW
from seconding.models import CfcStatus, Expert, Position, Role, User
from seconding.models.enums import NominationStatus, PoolStatus
from seconding.models.nominations import Nomination, NominationEvent
from seconding.nominations.workflow import TRANSITIONS


@dataclass
class Decision:
    """What a user sends with an action (only some actions use each field)."""

    comment: str = ""
    forwarded_on: date | None = None
    goalkeeper_ref: str = ""
    feedback: str = ""


def _check_actor(actor: User, expert: Expert) -> None:
    if actor.role not in (Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER) or not in_scope(actor, expert.institution_id):
        raise Refusal(_("This expert is not in your scope."))


def active_nominations(expert_id: int, cfc_id: int) -> int:
    """Active nominations of the expert in the CfC."""
    return db.session.scalar(
        select(func.count(Nomination.id)).join(Position, Position.id == Nomination.position_id)
        .where(Nomination.expert_id == expert_id, Position.cfc_id == cfc_id,
               Nomination.status.in_(NominationStatus.active())))


def _history(nomination: Nomination, actor: User | None, old: NominationStatus | None, comment: str) -> None:
    nomination.history.append(NominationEvent(
        from_status=old, to_status=nomination.status, actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "command line", comment=comment, at=utcnow()))


def create_nomination(position: Position, expert: Expert, actor: User, *, consent_on: date | None = None,
                      comment: str = "") -> Nomination:
    """A draft nomination of an expert in the actor's scope; one active per position."""
    _check_actor(actor, expert)
    if position.cfc.status != CfcStatus.OPEN:
        raise Refusal(_("The call %(cfc)s is closed.", cfc=position.cfc.reference))
    if expert.pool_status != PoolStatus.ACTIVE:
        raise Refusal(_("%(name)s is not active in the pool.", name=expert.name))
    duplicate = db.session.scalar(select(Nomination.id).where(
        Nomination.expert_id == expert.id, Nomination.position_id == position.id,
        Nomination.status.in_(NominationStatus.active())))
    if duplicate is not None:
        raise Refusal(_("%(name)s already has an active nomination for %(position)s.", name=expert.name,
                                position=position.reference))
    limit = current_app.config["MAX_ACTIVE_NOMINATIONS_PER_CFC"]
    if active_nominations(expert.id, position.cfc_id) >= limit:
        raise Refusal(_("%(name)s already holds %(n)d active nominations in %(cfc)s.", name=expert.name,
                                n=limit, cfc=position.cfc.reference))
    nomination = Nomination(position=position, expert=expert, created_by=actor, status=NominationStatus.DRAFT,
                            consent_on=consent_on or expert.consent_on, comment=comment.strip())
    db.session.add(nomination)
    _history(nomination, actor, None, comment.strip())
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent duplicate; the caller rolls back
        raise Race(_("%(name)s already has an active nomination for %(position)s.", name=expert.name,
                                position=position.reference)) from exc
    record("nomination_created", object_type="nomination", object_id=nomination.id,
           institution_id=expert.institution_id, actor=actor,
           summary=f"{expert.external_id} for {position.cfc.reference} / {position.reference}")
    return nomination


def submission_problems(nomination: Nomination, actor: User, now: datetime, as_of: date) -> list[str]:
    """Why the nomination may not be submitted now (empty when it may)."""
    from seconding.matches.facts import load_experts, mandatory_courses, position_facts
    from seconding.matches.results import weights
    from seconding.matches.sentences import finding_text
    from seconding.matching import evaluate

    problems = []
    position, expert = nomination.position, nomination.expert
    if actor.role == Role.HR_OFFICER and position.cfc.national_deadline < now:
        problems.append(_("The national deadline of this call has passed; only a coordinator may still accept it."))
    if nomination.consent_on is None:
        problems.append(_("The expert's consent must be recorded before submitting."))
    facts = load_experts([Expert.id == expert.id])
    if not facts:
        problems.append(_("%(name)s is not in the pool.", name=expert.name))
    else:
        evaluation = evaluate(facts[0], position_facts([position])[0], as_of=as_of,
                              mandatory_courses=mandatory_courses(), weights=weights())
        problems += [_("Not eligible (%(rule)s): %(detail)s", rule=b.rule, detail=finding_text(b))
                     for b in evaluation.blockers]
    return problems


def act(nomination: Nomination, action: str, actor: User, decision: Decision, *, version: int | None,
        now: datetime | None = None) -> Nomination:
    """Apply one transition of the workflow table, with its checks, history, audit and side effects."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Refusal(_("Unknown action “%(action)s”.", action=action))
    if version is not None and version != nomination.version:
        raise StaleEdit(_("Someone else acted on this nomination in the meantime. Nothing was changed; "
                                "look at its new state and decide again."))
    if actor.role not in transition.roles:
        raise Refusal(_("Your role may not do this to nominations: %(action)s.",
                                action=action.replace("_", " ")))
    _check_actor(actor, nomination.expert)
    if nomination.status not in transition.sources:
        raise Refusal(_("A nomination that is %(status)s cannot be %(target)s (%(action)s).",
                                status=nomination.status.value, target=transition.target.value.replace("_", " "),
                                action=action.replace("_", " ")))
    comment = decision.comment.strip()
    if transition.needs_comment and not comment:
        raise Refusal(_("Give a reason: it is kept in the nomination's history and sent back to the service."))
    if transition.needs_forwarding and (decision.forwarded_on is None or not decision.goalkeeper_ref.strip()):
        raise Refusal(_("Forwarding needs the date and the Goalkeeper reference."))
    now = now or utcnow()
    today = now.astimezone(WARSAW).date()  # the users' calendar day, as everywhere in the app
    if action == "submit":
        problems = submission_problems(nomination, actor, now, today)
        if problems:
            raise Refusal(" ".join(problems))
    old = nomination.status
    try:  # any flush from here on may find that someone else changed the row first
        nomination.status = transition.target
        nomination.updated_at = now
        if transition.needs_forwarding:
            nomination.forwarded_on = decision.forwarded_on
            nomination.goalkeeper_ref = decision.goalkeeper_ref.strip()
        if decision.feedback.strip():
            nomination.eeas_feedback = decision.feedback.strip()
        _history(nomination, actor, old, comment)
        db.session.flush()
    except StaleDataError as exc:
        raise StaleEdit(_("Someone else acted on this nomination at the same moment. Nothing was changed.")) \
            from exc
    record(f"nomination_{action}", object_type="nomination", object_id=nomination.id, actor=actor,
           institution_id=nomination.expert.institution_id,
           summary=f"{old.value} -> {nomination.status.value}" + (f": {comment}" if comment else ""))
    if action == "select":
        _on_selection(nomination, actor, today)
    return nomination


def _on_selection(nomination: Nomination, actor: User, today: date) -> None:
    """Create the planned deployment and withdraw the expert's other active nominations (same transaction)."""
    try:
        plan_deployment(nomination, today=today)
    except Refusal as exc:
        raise Refusal(str(exc)) from exc
    reason = f"selected for {nomination.position.reference}"
    others = db.session.scalars(select(Nomination).where(
        Nomination.expert_id == nomination.expert_id, Nomination.id != nomination.id,
        Nomination.status.in_(NominationStatus.active())))
    for other in others:
        old = other.status
        other.status = NominationStatus.WITHDRAWN
        _history(other, actor, old, reason)
        record("nomination_withdraw", object_type="nomination", object_id=other.id, actor=actor,
               institution_id=other.expert.institution_id, summary=f"{old.value} -> withdrawn: {reason}")
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleEdit(_("Someone else acted on this nomination at the same moment. Nothing was changed.")) \
            from exc


def nominations_from_plan(assignments, actor: User) -> tuple[list[Nomination], list[str]]:
    """Draft nominations for (position, expert) pairs of a staffing plan; returns those made and why others not."""
    made, skipped = [], []
    for position, expert in assignments:
        try:  # create_nomination checks everything before it adds anything, so a refusal leaves no trace
            made.append(create_nomination(position, expert, actor, comment="from the staffing plan"))
        except Refusal as exc:
            skipped.append(f"{position.reference}: {exc}")
    return made, skipped
