"""Creating nominations and moving them through the workflow; selection creates the deployment."""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from seconding.access import in_scope
from seconding.audit.services import record
from seconding.dates import WARSAW
from seconding.db import utcnow
from seconding.deployments.services import plan_deployment
from seconding.errors import Race, Refusal, check_version, flush, same_moment
from seconding.extensions import db
from seconding.labels import RULE_LABELS
from seconding.matches.pair import evaluate_pair
from seconding.matches.sentences import finding_text
from seconding.models import CfcStatus, Expert, Position, Role, User
from seconding.models.enums import NominationStatus, PoolStatus
from seconding.models.expert_link import EXPERT_THROUGH_LINK
from seconding.models.nominations import Nomination, NominationEvent
from seconding.nominations.workflow import ACTION_LABELS, NOMINATION_STATUS_LABELS, TRANSITIONS, Transition
from seconding.notifications.events import nomination_moved


@dataclass
class Decision:
    """What a user sends with an action (only some actions use each field)."""

    comment: str = ""
    forwarded_on: date | None = None
    goalkeeper_ref: str = ""
    feedback: str = ""
    on: date | None = None  # the day an EEAS step happened (shortlisted, interviewed, decided); today when not given
    late: bool = False  # forwarded after the CfC's EEAS deadline, and the coordinator says so
    note: str = ""  # kept in the step's history after the comment, e.g. the shortlist warnings confirmed


def _check_actor(actor: User, expert: Expert) -> None:
    if actor.role not in (Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER) or not in_scope(actor, expert.institution_id):
        raise Refusal(_("This expert is not in your scope."))


def active_nominations(expert_id: int, cfc_id: int) -> int:
    """Active nominations of the expert in the CfC."""
    return db.session.scalar(
        select(func.count(Nomination.id)).join(Position, Position.id == Nomination.position_id)
        .where(Nomination.expert_id == expert_id, Position.cfc_id == cfc_id,
               Nomination.status.in_(NominationStatus.active())))


def _history(nomination: Nomination, actor: User | None, old: NominationStatus | None, comment: str, *,
             on_date: date | None = None, late: bool = False, at: datetime | None = None,
             label: str | None = None) -> None:
    nomination.history.append(NominationEvent(
        from_status=old, to_status=nomination.status, actor_id=actor.id if actor else None,
        actor_label=label or (actor.email if actor else "command line"), comment=comment, at=at or utcnow(),
        on_date=on_date, late=late))


def create_nomination(position: Position, expert: Expert, actor: User, *, consent_on: date | None = None,
                      comment: str = "", motivation: str = "") -> Nomination:
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
    consent_on = consent_on or expert.consent_on
    nomination = Nomination(position=position, expert=expert, created_by=actor, status=NominationStatus.DRAFT,
                            consent_on=consent_on, consent_by=CONSENT_ON_PAPER if consent_on else None,
                            comment=comment.strip(), motivation=motivation.strip())
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


@dataclass(frozen=True)
class Problem:
    """Why a nomination may not be submitted, and where it is mended: "consent" (the nomination's consent),
    "motivation" (its motivation), "expert" (the expert's profile) or "" (nothing to mend here)."""

    text: str
    mend: str = ""


def blockers(expert: Expert, position: Position, as_of: date) -> list[Problem]:
    """The matching rules that block this expert for this position, each named and said in a sentence."""
    pair = evaluate_pair(expert.id, position, as_of=as_of)
    if pair is None:
        return [Problem(_("%(name)s is not in the pool.", name=expert.name), "expert")]
    return [Problem(_("Not eligible (%(rule)s): %(detail)s", rule=RULE_LABELS.get(b.rule, b.rule),
                      detail=finding_text(b)), "expert") for b in pair.evaluation.blockers]


def submission_problems(nomination: Nomination, actor: User, now: datetime, as_of: date) -> list[Problem]:
    """Why the nomination may not be submitted now (empty when it may)."""
    problems = []
    position, expert = nomination.position, nomination.expert
    if actor.role == Role.HR_OFFICER and position.cfc.national_deadline < now:
        problems.append(Problem(_("The national deadline of this call has passed; only a coordinator may still "
                                  "accept it.")))
    if nomination.consent_refused_at is not None:
        problems.append(Problem(_("The expert refused consent to this nomination through their personal link."),
                                "consent"))
    elif nomination.consent_withdrawn_at is not None:
        problems.append(Problem(_("The expert withdrew their consent to this nomination."), "consent"))
    elif nomination.consent_on is None:
        problems.append(Problem(_("The expert's consent must be recorded before submitting."), "consent"))
    if current_app.config["NOMINATION_MOTIVATION_REQUIRED"] and not nomination.motivation.strip():
        problems.append(Problem(_("Write why this expert suits this position (the motivation) before submitting: "
                                  "it closes the CV sent to the EEAS."), "motivation"))
    return problems + blockers(expert, position, as_of)


# Until the nomination goes to the EEAS, its motivation may be rewritten (the coordinator may polish it too).
MOTIVATION_EDITABLE = (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.ENDORSED)


def set_motivation(nomination: Nomination, text: str, actor: User, *, version: int | None = None) -> bool:
    """Write the nomination's motivation (before it is forwarded); returns whether it changed. Audited."""
    _check_actor(actor, nomination.expert)
    check_version(nomination, version, _("Someone else changed this nomination after you opened the page. Nothing "
                                         "was saved: the page now shows their version."))
    if nomination.status not in MOTIVATION_EDITABLE:
        raise Refusal(_("The motivation is written before the nomination goes to the EEAS; this nomination is "
                        "%(status)s.", status=NOMINATION_STATUS_LABELS[nomination.status.value]), "motivation")
    text = text.strip()
    if text == nomination.motivation:
        return False
    nomination.motivation = text
    nomination.updated_at = utcnow()
    flush(_("Someone else acted on this nomination at the same moment. Nothing was changed."))
    record("nomination_motivation", object_type="nomination", object_id=nomination.id, actor=actor,
           institution_id=nomination.expert.institution_id,
           summary=f"motivation {'written' if text else 'removed'} ({len(text)} characters)")
    return True


def record_consent(nomination: Nomination, day: date, actor: User, *, today: date) -> None:
    """Record the day the expert consented to this nomination (a draft's); never in the future."""
    _check_actor(actor, nomination.expert)
    if nomination.status != NominationStatus.DRAFT:
        raise Refusal(_("Consent is recorded on a draft; this nomination is %(status)s.",
                        status=NOMINATION_STATUS_LABELS[nomination.status.value]), "consent_on")
    if day > today:
        raise Refusal(_("The date cannot be in the future (today is %(today)s).", today=today.isoformat()),
                      "consent_on")
    nomination.consent_on = day
    nomination.consent_by = CONSENT_ON_PAPER
    # The signed form is the expert's newer word: it replaces a refusal given through the link.
    refused_before = nomination.consent_refused_at is not None
    nomination.consent_refused_at = None
    flush(_("Someone else acted on this nomination at the same moment. Nothing was changed."))
    record("nomination_consent", object_type="nomination", object_id=nomination.id, actor=actor,
           institution_id=nomination.expert.institution_id,
           summary=f"consent given on {day.isoformat()} (on paper)"
           + ("; it replaces the refusal given through the personal link" if refused_before else ""))


# --- the expert's own word, through the personal link (seconding/expert_link) ------------------------------------

CONSENT_ON_PAPER = "hr"
CONSENT_THROUGH_LINK = "expert"
# Until forwarding the expert may withdraw consent; the nomination is then withdrawn.
CONSENT_WITHDRAWABLE = (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.ENDORSED)
STALE_FOR_EXPERT = _l("The nomination changed after you opened the page. Nothing was saved: look at it again.")
SAME_MOMENT = _l("Someone else acted on this nomination at the same moment. Nothing was changed.")


def expert_answer(nomination: Nomination, given: bool, *, now: datetime, version: int | None) -> None:
    """The expert gives (or refuses) consent to a draft nomination through the personal link. Audited."""
    check_version(nomination, version, str(STALE_FOR_EXPERT))
    if nomination.status != NominationStatus.DRAFT:
        raise Refusal(_("Consent is given while the nomination is a draft; this nomination is %(status)s.",
                        status=NOMINATION_STATUS_LABELS[nomination.status.value]), "answer")
    if given:
        nomination.consent_on = now.astimezone(WARSAW).date()
        nomination.consent_by = CONSENT_THROUGH_LINK
        nomination.consent_refused_at = None
    else:
        nomination.consent_on = nomination.consent_by = None
        nomination.consent_refused_at = now
    nomination.updated_at = now
    flush(str(SAME_MOMENT))
    record("nomination_consent" if given else "nomination_consent_refused", object_type="nomination",
           object_id=nomination.id, institution_id=nomination.expert.institution_id, actor_label=EXPERT_THROUGH_LINK,
           summary=(f"consent given on {nomination.consent_on.isoformat()}" if given else "consent refused")
           + " by the expert, through the personal link")


def expert_withdraw(nomination: Nomination, *, now: datetime, version: int | None) -> None:
    """The expert withdraws their consent (however it was given) until the nomination is forwarded: the nomination
    is withdrawn, by the workflow's own transition, with that reason. Audited."""
    check_version(nomination, version, str(STALE_FOR_EXPERT))
    transition = TRANSITIONS["withdraw"]
    if nomination.status not in CONSENT_WITHDRAWABLE or nomination.status not in transition.sources:
        raise Refusal(_("This nomination is %(status)s: consent can be withdrawn here only until it is forwarded to "
                        "the EEAS. Contact your HR officer.",
                        status=NOMINATION_STATUS_LABELS[nomination.status.value]), "confirm")
    if nomination.consent_on is None:
        raise Refusal(_("You have not given consent to this nomination: there is nothing to withdraw."), "confirm")
    old = nomination.status
    with same_moment(str(SAME_MOMENT)):
        nomination.status = transition.target
        nomination.consent_withdrawn_at = now
        nomination.updated_at = now
        _history(nomination, None, old, WITHDRAWN_BY_EXPERT, at=now, label=EXPERT_THROUGH_LINK)
        db.session.flush()
    record("nomination_withdraw", object_type="nomination", object_id=nomination.id,
           institution_id=nomination.expert.institution_id, actor_label=EXPERT_THROUGH_LINK,
           summary=f"{old.value} -> {nomination.status.value}: {WITHDRAWN_BY_EXPERT}")
    nomination_moved(nomination, "withdraw", None, WITHDRAWN_BY_EXPERT)


WITHDRAWN_BY_EXPERT = "consent withdrawn by the expert"


def expert_motivation(nomination: Nomination, text: str, *, now: datetime, version: int | None) -> bool:
    """The expert writes the nomination's motivation while it is a draft; returns whether it changed. Audited."""
    check_version(nomination, version, str(STALE_FOR_EXPERT))
    if nomination.status != NominationStatus.DRAFT:
        raise Refusal(_("The motivation can be written here while the nomination is a draft; this nomination is "
                        "%(status)s.", status=NOMINATION_STATUS_LABELS[nomination.status.value]), "motivation")
    text = text.strip()
    if text == nomination.motivation:
        return False
    nomination.motivation = text
    nomination.updated_at = now
    flush(str(SAME_MOMENT))
    record("nomination_motivation", object_type="nomination", object_id=nomination.id,
           institution_id=nomination.expert.institution_id, actor_label=EXPERT_THROUGH_LINK,
           summary=f"motivation {'written' if text else 'removed'} by the expert, through the personal link "
                   f"({len(text)} characters)")
    return True


def _previous_step_day(nomination: Nomination) -> date | None:
    """The day of the nomination's latest step: its own date where it has one (forwarded on, interviewed on...),
    else the Warsaw day it was recorded (endorsed on)."""
    if not nomination.history:
        return None
    last = nomination.history[-1]
    return last.on_date or last.at.astimezone(WARSAW).date()


def _step_day(nomination: Nomination, transition: Transition, decision: Decision, today: date) -> date | None:
    """The day a dated step happened, bounded: never in the future, never before the step before it, and a
    forwarding after the CfC's EEAS deadline only when the coordinator says it was late (`decision.late`)."""
    if not transition.dated:
        return None
    field = "forwarded_on" if transition.needs_forwarding else "on"
    day = decision.forwarded_on if transition.needs_forwarding else (decision.on or today)
    if day is None:
        raise Refusal(_("Give the date it was forwarded to the EEAS."), field)
    if day > today:
        raise Refusal(_("The date cannot be in the future (today is %(today)s).", today=today.isoformat()), field)
    previous = _previous_step_day(nomination)
    if previous is not None and day < previous:
        raise Refusal(_("The date cannot be before the nomination's previous step (%(status)s on %(day)s).",
                        status=NOMINATION_STATUS_LABELS[nomination.status.value], day=previous.isoformat()), field)
    if transition.needs_forwarding and day > _eeas_deadline_day(nomination) and not decision.late:
        raise Refusal(_("%(day)s is after the EEAS deadline of %(cfc)s (%(deadline)s). If the EEAS accepted the "
                        "nomination late, tick “Forwarded after the EEAS deadline”: it is kept in the history.",
                        day=day.isoformat(), cfc=nomination.position.cfc.reference,
                        deadline=_eeas_deadline_day(nomination).isoformat()), "late")
    return day


def _eeas_deadline_day(nomination: Nomination) -> date:
    return nomination.position.cfc.eeas_deadline.astimezone(WARSAW).date()


def act(nomination: Nomination, action: str, actor: User, decision: Decision, *, version: int | None,
        now: datetime | None = None) -> Nomination:
    """Apply one transition of the workflow table, with its checks, history, audit and side effects."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Refusal(_("Unknown action “%(action)s”.", action=action))
    check_version(nomination, version, _("Someone else acted on this nomination in the meantime. Nothing was "
                                         "changed; look at its new state and decide again."))
    if actor.role not in transition.roles:
        raise Refusal(_("Your role may not do this to nominations: %(action)s.", action=ACTION_LABELS[action]))
    _check_actor(actor, nomination.expert)
    if nomination.status not in transition.sources:
        raise Refusal(_("A nomination that is %(status)s cannot be moved on this way (%(action)s).",
                        status=NOMINATION_STATUS_LABELS[nomination.status.value], action=ACTION_LABELS[action]))
    comment = decision.comment.strip()
    if transition.needs_comment and not comment:
        raise Refusal(_("Give a reason: it is kept in the nomination's history and sent back to the service."),
                      "comment")
    if transition.needs_forwarding and not decision.goalkeeper_ref.strip():
        raise Refusal(_("Give the Goalkeeper reference of the nomination."), "goalkeeper_ref")
    now = now or utcnow()
    today = now.astimezone(WARSAW).date()  # the users' calendar day, as everywhere in the app
    day = _step_day(nomination, transition, decision, today)
    if action == "submit":
        problems = submission_problems(nomination, actor, now, today)
        if problems:
            raise Refusal(" ".join(p.text for p in problems))
    old = nomination.status
    feedback = decision.feedback.strip()
    with same_moment(_("Someone else acted on this nomination at the same moment. Nothing was changed.")):
        nomination.status = transition.target
        nomination.updated_at = now
        if transition.needs_forwarding:
            nomination.forwarded_on = day
            nomination.goalkeeper_ref = decision.goalkeeper_ref.strip()
        elif action == "interview":
            nomination.interviewed_on = day
        elif transition.dated and action != "shortlist":
            nomination.decided_on = day
        if feedback:
            nomination.eeas_feedback = feedback
        late = transition.needs_forwarding and day > _eeas_deadline_day(nomination)
        _history(nomination, actor, old, " — ".join(t for t in (comment, feedback, decision.note.strip()) if t),
                 on_date=day, late=late, at=now)
        db.session.flush()
    record(f"nomination_{action}", object_type="nomination", object_id=nomination.id, actor=actor,
           institution_id=nomination.expert.institution_id,
           summary=f"{old.value} -> {nomination.status.value}" + (f" on {day.isoformat()}" if day else "")
           + (" (after the EEAS deadline)" if late else "") + (f": {comment}" if comment else ""))
    if action == "select":
        _on_selection(nomination, actor, day or today)
    nomination_moved(nomination, action, actor, comment)  # e-mails go out after the commit, or not at all
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
    flush(_("Someone else acted on this nomination at the same moment. Nothing was changed."))


def nominations_from_plan(assignments, actor: User) -> tuple[list[Nomination], list[str]]:
    """Draft nominations for (position, expert) pairs of a staffing plan; returns those made and why others not."""
    made, skipped = [], []
    for position, expert in assignments:
        try:  # create_nomination checks everything before it adds anything, so a refusal leaves no trace
            made.append(create_nomination(position, expert, actor, comment="from the staffing plan"))
        except Refusal as exc:
            skipped.append(f"{position.reference}: {exc}")
    return made, skipped
