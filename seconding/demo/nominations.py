"""Demo nominations in every state and deployments (current, ending soon, finished), for `seed-demo`."""
from datetime import timedelta

from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.deployments.services import plan_deployment, record_deployment
from seconding.extensions import db
from seconding.models import Cfc, CfcStatus, Expert, Mission, Position, Role, User
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus, NominationStatus, PoolStatus
from seconding.models.nominations import Nomination, NominationEvent

# The path each demo nomination has walked, from draft to where it stands.
PATHS = {
    NominationStatus.DRAFT: [],
    NominationStatus.SUBMITTED: ["submitted"],
    NominationStatus.ENDORSED: ["submitted", "endorsed"],
    NominationStatus.FORWARDED: ["submitted", "endorsed", "forwarded"],
    NominationStatus.SHORTLISTED: ["submitted", "endorsed", "forwarded", "shortlisted"],
    NominationStatus.INTERVIEWED: ["submitted", "endorsed", "forwarded", "shortlisted", "interviewed"],
    NominationStatus.SELECTED: ["submitted", "endorsed", "forwarded", "interviewed", "selected"],
    NominationStatus.RESERVE: ["submitted", "endorsed", "forwarded", "reserve"],
    NominationStatus.NOT_SELECTED: ["submitted", "endorsed", "forwarded", "not_selected"],
    NominationStatus.REJECTED: ["submitted", "rejected"],
    NominationStatus.WITHDRAWN: ["submitted", "withdrawn"],
}


def seed_demo_data() -> list[str]:
    """Add demo nominations and deployments once (nothing when nominations exist)."""
    if db.session.scalar(select(func.count(Nomination.id))):
        return ["Nominations: exist already, none added"]
    positions = db.session.scalars(select(Position).join(Position.cfc).where(Cfc.status == CfcStatus.OPEN)
                                   .order_by(Position.id)).all()
    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR).order_by(User.id))
    experts = db.session.scalars(select(Expert).where(Expert.pool_status == PoolStatus.ACTIVE,
                                                      Expert.consent_on.is_not(None))
                                 .order_by(Expert.id).limit(40)).all()
    if not positions or coordinator is None or len(experts) < 20:
        return ["Nominations: no open positions or too few experts, none added"]
    today, now = today_in_warsaw(), utcnow()
    pool = iter(experts)
    for n, status in enumerate(PATHS):
        expert, position = next(pool), positions[n % len(positions)]
        # Every nomination but the draft was submitted, so it carries its motivation.
        motivation = "" if status == NominationStatus.DRAFT else (
            f"{expert.experience_years} years of service in the expert's field, and the languages the position asks "
            "for; a good fit for the team.")
        nomination = Nomination(position=position, expert=expert, created_by=coordinator, consent_on=expert.consent_on,
                                status=status, comment="", motivation=motivation)
        db.session.add(nomination)
        previous = NominationStatus.DRAFT
        nomination.history.append(NominationEvent(from_status=None, to_status=previous, actor_id=coordinator.id,
                                                  actor_label=coordinator.email, at=now - timedelta(days=20)))
        for step, value in enumerate(PATHS[status]):
            day = today - timedelta(days=18 - 3 * step)  # the EEAS's steps carry their day, as the pages record
            dated = value in ("forwarded", "shortlisted", "interviewed", "selected", "reserve", "not_selected")
            nomination.history.append(NominationEvent(
                from_status=previous, to_status=NominationStatus(value), actor_id=coordinator.id,
                actor_label=coordinator.email, at=now - timedelta(days=18 - 3 * step), on_date=day if dated else None,
                comment="demo" if value in ("rejected", "withdrawn") else ""))
            if value == "forwarded":
                nomination.forwarded_on, nomination.goalkeeper_ref = day, f"GK-DEMO-{n:03d}"
            elif value == "interviewed":
                nomination.interviewed_on = day
            elif dated and value != "shortlisted":
                nomination.decided_on = day
            previous = NominationStatus(value)
        db.session.flush()
        if status == NominationStatus.SELECTED:
            plan_deployment(nomination, today=today)
    missions = {m.acronym: m for m in db.session.scalars(select(Mission))}
    tours = (("EULEX Kosovo", -300, 120, DeploymentStatus.DEPLOYED), ("EUAM Ukraine", -340, 25,
             DeploymentStatus.DEPLOYED), ("EUMM Georgia", -200, 45, DeploymentStatus.DEPLOYED),
             ("EUMA", -700, -335, DeploymentStatus.COMPLETED), ("EUMM Georgia", -1200, -900,
             DeploymentStatus.CURTAILED))
    for acronym, start, end, status in tours:
        record_deployment(expert=next(pool), mission=missions[acronym], start=today + timedelta(days=start),
                          end=today + timedelta(days=end), status=status, role="Monitor",
                          end_reason="family reasons" if status == DeploymentStatus.CURTAILED else "")
    count = db.session.scalar(select(func.count(Deployment.id)))
    return [f"Nominations: {len(PATHS)} (one in every state); deployments: {count}"]
