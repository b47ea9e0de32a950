"""Deployments: planned on selection or entered by hand, moved through their states, extended, ended."""
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.care.services import check_ready
from seconding.dates import add_months, asap_start
from seconding.errors import Refusal, check_version
from seconding.extensions import db
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.matches.pair import evaluate_pair
from seconding.matching import GAP_RULES
from seconding.matching.findings import Finding
from seconding.models.deployments import Deployment, DeploymentExtension
from seconding.models.enums import DeploymentStatus as D

# Moves of a tour towards its start; it ends by `end_tour`: completed (on or after its planned end) or curtailed
# (before it, with the reason; possible from any active state, also before the tour began).
ADVANCES = {D.PLANNED: D.PRE_DEPLOYMENT, D.PRE_DEPLOYMENT: D.DEPLOYED}
ENDINGS = (D.COMPLETED, D.CURTAILED)


def _flush(deployment: Deployment) -> None:
    name = deployment.expert.name  # read before the flush: after a failed one the session must roll back
    try:
        db.session.flush()
    except IntegrityError as exc:
        # The partial unique index on active tours (PostgreSQL names it; SQLite names its column).
        if not re.search(r"one_active_per_expert|UNIQUE constraint failed: deployments\.expert_id", str(exc.orig)):
            raise  # another rule of the database: a defect, not a message for the user
        raise Refusal(_("%(name)s already has an active deployment; an expert can be on one tour at a time.",
                                name=name)) from exc


def _stale() -> str:
    return _("Someone else changed this deployment in the meantime. Nothing was changed.")


def plan_deployment(nomination, *, today: date) -> Deployment:
    """The planned deployment of a selected nomination: start = available-on (ASAP: today + 30), end = + tour."""
    position = nomination.position
    start = position.available_on or asap_start(today)
    deployment = Deployment(expert=nomination.expert, mission=position.cfc.mission, position=position,
                            nomination_id=nomination.id, role=position.title, status=D.PLANNED,
                            planned_start=start, end_date=add_months(start, position.tour_months))
    db.session.add(deployment)
    _flush(deployment)
    record("deployment_planned", object_type="deployment", object_id=deployment.id,
           institution_id=nomination.expert.institution_id,
           summary=f"{nomination.expert.external_id} to {position.cfc.mission.acronym} "
                   f"{start.isoformat()} – {deployment.end_date.isoformat()}")
    return deployment


def record_deployment(*, expert, mission, start: date, end: date, status: D, role: str = "",
                      end_reason: str = "", today: date | None = None) -> Deployment:
    """A deployment entered by hand (e.g. an earlier tour). With `today` (the pages), a tour that has ended
    cannot end in the future, nor one under way start in it."""
    if today is not None and status in ENDINGS and end > today:
        raise Refusal(_("A %(status)s tour cannot end in the future (today is %(today)s).",
                        status=DEPLOYMENT_STATUS_LABELS[status.value], today=today.isoformat()), "end")
    if today is not None and status == D.DEPLOYED and start > today:
        raise Refusal(_("A tour under way cannot start in the future (today is %(today)s).",
                        today=today.isoformat()), "start")
    if end < start:
        raise Refusal(_("The tour must end on or after its start."), "end")
    if status == D.CURTAILED and not end_reason.strip():
        raise Refusal(_("A curtailed tour needs the reason."), "end_reason")
    deployment = Deployment(expert=expert, mission=mission, role=role.strip(), status=status, planned_start=start,
                            actual_start=start if status not in (D.PLANNED, D.PRE_DEPLOYMENT) else None,
                            end_date=end, end_reason=end_reason.strip())
    db.session.add(deployment)
    _flush(deployment)
    record("deployment_recorded", object_type="deployment", object_id=deployment.id,
           institution_id=expert.institution_id,
           summary=f"{expert.external_id} in {mission.acronym} {start.isoformat()} – {end.isoformat()} "
                   f"({status.value})")
    return deployment


def _not_after_today(on: date, today: date, field: str = "on") -> None:
    if on > today:
        raise Refusal(_("The date cannot be in the future (today is %(today)s).", today=today.isoformat()), field)


def advance(deployment: Deployment, *, on: date, version: int | None, today: date, override: str = "") -> Deployment:
    """Move a tour towards its start: planned -> pre-deployment -> deployed (recording the actual start); a tour
    starts with its duty-of-care checklist complete, or a coordinator's reason to go ahead without it (`override`,
    recorded). Ending a tour is `complete` or `curtail`, each confirmed by the user first."""
    check_version(deployment, version, _stale())
    target = ADVANCES.get(deployment.status)
    if target is None:
        raise Refusal(_("A %(status)s tour has no next step here.",
                        status=DEPLOYMENT_STATUS_LABELS[deployment.status.value]))
    _not_after_today(on, today)
    if target == D.DEPLOYED and on > deployment.end_date:
        raise Refusal(_("A tour cannot start after its end (%(end)s).", end=deployment.end_date.isoformat()), "on")
    if target == D.DEPLOYED:
        check_ready(deployment, override=override)
    old = deployment.status
    deployment.status = target
    if target == D.DEPLOYED:
        deployment.actual_start = on
    _flush(deployment)
    record("deployment_" + target.value, object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id, summary=f"{old.value} -> {target.value} on {on}")
    return deployment


def check_end(deployment: Deployment, kind: D, *, on: date, reason: str, version: int | None, today: date) -> None:
    """Refuse an end of the tour that would write a false record. Completing is for a tour under way, on or after
    its planned end (the last extension's); ending before that is a curtailment, with its reason. Neither is in
    the future, nor before the tour's actual start."""
    check_version(deployment, version, _stale())
    if kind == D.COMPLETED:
        if deployment.status != D.DEPLOYED:
            raise Refusal(_("Only a tour under way can be completed; this one is %(status)s. A tour that will not "
                            "take place is curtailed, with the reason.",
                            status=DEPLOYMENT_STATUS_LABELS[deployment.status.value]), "on")
        if on < deployment.end_date:
            raise Refusal(_("The tour is planned to end on %(end)s. Ending it before is a curtailment: use “End "
                            "early” and give the reason.", end=deployment.end_date.isoformat()), "on")
    else:
        if not deployment.status.active:
            raise Refusal(_("A %(status)s tour cannot be curtailed.",
                            status=DEPLOYMENT_STATUS_LABELS[deployment.status.value]))
        if not reason.strip():
            raise Refusal(_("Give the reason for ending the tour early."), "reason")
        if on >= deployment.end_date:
            raise Refusal(_("The tour is planned to end on %(end)s: on that day or later it is completed, not "
                            "curtailed.", end=deployment.end_date.isoformat()), "on")
    _not_after_today(on, today)
    if deployment.actual_start is not None and on < deployment.actual_start:
        raise Refusal(_("The end cannot be before the tour's actual start (%(start)s).",
                        start=deployment.actual_start.isoformat()), "on")


def end_tour(deployment: Deployment, kind: D, *, on: date, reason: str = "", version: int | None,
             today: date) -> Deployment:
    """Complete or curtail a tour (`check_end` says when each may be done)."""
    check_end(deployment, kind, on=on, reason=reason, version=version, today=today)
    old = deployment.status
    deployment.status, deployment.end_date = kind, on
    if kind == D.CURTAILED:
        deployment.end_reason = reason.strip()
    _flush(deployment)
    record("deployment_" + kind.value, object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id,
           summary=f"{old.value} -> {kind.value} on {on}" + (f": {reason.strip()}" if kind == D.CURTAILED else ""))
    return deployment


def extend(deployment: Deployment, *, new_end: date, decided_on: date, note: str, version: int | None,
           today: date) -> Deployment:
    """Extend an active tour; every extension is kept."""
    check_version(deployment, version, _stale())
    if not deployment.status.active:
        raise Refusal(_("A %(status)s tour cannot be extended.",
                        status=DEPLOYMENT_STATUS_LABELS[deployment.status.value]))
    if new_end <= deployment.end_date:
        raise Refusal(_("The new end must be after the current end (%(end)s).",
                        end=deployment.end_date.isoformat()), "new_end")
    _not_after_today(decided_on, today, "decided_on")
    deployment.extensions.append(DeploymentExtension(previous_end=deployment.end_date, new_end=new_end,
                                                     decided_on=decided_on, note=note.strip()))
    old_end, deployment.end_date = deployment.end_date, new_end
    _flush(deployment)
    record("deployment_extended", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id,
           summary=f"end {old_end.isoformat()} -> {new_end.isoformat()}")
    return deployment


def checklist(deployment: Deployment) -> list[Finding]:
    """Pre-deployment checklist: every gap rule of SPEC §6 evaluated at the tour's start, each finding "met" or
    "gap" (pages render its sentence per locale). Empty for a tour without a position (entered by hand)."""
    if deployment.position is None or not deployment.status.active:
        return []
    # Evaluated as of the tour's own start, whatever the position said then.
    pair = evaluate_pair(deployment.expert_id, deployment.position, as_of=deployment.start, start=deployment.start)
    if pair is None:
        return []
    return [f for f in pair.evaluation.findings if f.rule in GAP_RULES]
