"""Deployments: planned on selection or entered by hand, moved through their states, extended, ended."""
import re
from dataclasses import replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.dates import add_months, asap_start
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.matching.findings import Finding
from seconding.models import Expert
from seconding.models.deployments import Deployment, DeploymentExtension
from seconding.models.enums import DeploymentStatus as D

# Forward moves of a tour; curtailing (ending early) is possible from any active state.
ADVANCES = {D.PLANNED: D.PRE_DEPLOYMENT, D.PRE_DEPLOYMENT: D.DEPLOYED, D.DEPLOYED: D.COMPLETED}


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
                      end_reason: str = "") -> Deployment:
    """A deployment entered by hand (e.g. an earlier tour)."""
    if end < start:
        raise Refusal(_("The tour must end on or after its start."))
    if status == D.CURTAILED and not end_reason.strip():
        raise Refusal(_("A curtailed tour needs the reason."))
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


def _check_version(deployment: Deployment, version: int | None) -> None:
    if version is not None and version != deployment.version:
        raise Refusal(_("Someone else changed this deployment in the meantime. Nothing was changed."))


def advance(deployment: Deployment, *, on: date, version: int | None) -> Deployment:
    """Move a tour to its next state; starting the tour records the actual start."""
    _check_version(deployment, version)
    target = ADVANCES.get(deployment.status)
    if target is None:
        raise Refusal(_("A %(status)s tour has no next step.", status=deployment.status.value))
    if target == D.DEPLOYED and on > deployment.end_date:
        raise Refusal(_("A tour cannot start after its end (%(end)s).", end=deployment.end_date.isoformat()))
    old = deployment.status
    deployment.status = target
    if target == D.DEPLOYED:
        deployment.actual_start = on
    if target == D.COMPLETED:
        deployment.end_date = on if on >= deployment.start else deployment.end_date
    _flush(deployment)
    record("deployment_" + target.value, object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id, summary=f"{old.value} -> {target.value}")
    return deployment


def curtail(deployment: Deployment, *, on: date, reason: str, version: int | None) -> Deployment:
    """End an active tour early, with the reason."""
    _check_version(deployment, version)
    if not deployment.status.active:
        raise Refusal(_("A %(status)s tour cannot be curtailed.", status=deployment.status.value))
    if not reason.strip():
        raise Refusal(_("Give the reason for ending the tour early."))
    if on < deployment.start:
        raise Refusal(_("The end date cannot be before the start of the tour."))
    old = deployment.status
    deployment.status, deployment.end_date, deployment.end_reason = D.CURTAILED, on, reason.strip()
    _flush(deployment)
    record("deployment_curtailed", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id, summary=f"{old.value} -> curtailed: {reason.strip()}")
    return deployment


def extend(deployment: Deployment, *, new_end: date, decided_on: date, note: str, version: int | None) -> Deployment:
    """Extend an active tour; every extension is kept."""
    _check_version(deployment, version)
    if not deployment.status.active:
        raise Refusal(_("A %(status)s tour cannot be extended.", status=deployment.status.value))
    if new_end <= deployment.end_date:
        raise Refusal(_("The new end must be after the current end (%(end)s).",
                                end=deployment.end_date.isoformat()))
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
    from seconding.matches.facts import load_experts, mandatory_courses, position_facts
    from seconding.matches.results import weights
    from seconding.matching import GAP_RULES, evaluate

    facts = load_experts([Expert.id == deployment.expert_id])
    if not facts:
        return []
    position = position_facts([deployment.position])[0]
    # Evaluated as of the tour's own start, whatever the position said then.
    position = replace(position, available_on=deployment.start)
    evaluation = evaluate(facts[0], position, as_of=deployment.start, mandatory_courses=mandatory_courses(),
                          weights=weights())
    return [f for f in evaluation.findings if f.rule in GAP_RULES]
