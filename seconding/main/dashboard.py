"""The dashboard's counts row (below the to-do list of seconding/main/todo.py): what needs the user's action,
counted within their scope (a query per card)."""
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from seconding.access import scope_filter, scope_ids
from seconding.dates import WARSAW, to_utc
from seconding.db import count_if, utcnow
from seconding.extensions import db
from seconding.models import Cfc, CfcStatus, Deployment, Expert, Mission, Nomination, Role, User
from seconding.models.enums import (
    ACTIVE_DEPLOYMENT_STATES,
    ClearanceLevel,
    DeploymentStatus,
    NominationStatus,
    PoolStatus,
)
from seconding.training.queries import mandatory_course_ids, training_condition


@dataclass
class Card:
    figure: int
    label: object
    url: str | None = None


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _nominations(user: User, status: NominationStatus) -> int:
    return _count(select(func.count(Nomination.id)).join(Nomination.expert)
                  .where(Nomination.status == status, scope_filter(user, Expert.institution_id)))


def cards(user: User, today: date) -> list[Card]:
    """The cards for this user's role."""
    horizon = current_app.config["TRAINING_EXPIRING_DAYS"]
    result: list[Card] = []
    if user.role in (Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER):
        course_ids = mandatory_course_ids()
        soon = today + timedelta(days=horizon)
        # The three counts over the active experts in one pass over them, not three.
        expired, expiring, clearance = db.session.execute(
            select(count_if(training_condition("expired", course_ids, today, horizon)),
                   count_if(training_condition("expiring", course_ids, today, horizon)),
                   count_if(and_(Expert.clearance_level != ClearanceLevel.NONE, Expert.clearance_expires <= soon)))
            .where(scope_filter(user, Expert.institution_id), Expert.pool_status == PoolStatus.ACTIVE)).one()
        result.append(Card(expired, _l("active experts with mandatory training expired or missing"),
                           url_for("experts.index", status="active", training="expired")))
        result.append(Card(expiring,
                           _l("active experts whose mandatory training expires within %(days)d days", days=horizon),
                           url_for("experts.index", status="active", training="expiring")))
        result.append(Card(clearance, _l("active experts whose clearance expires within %(days)d days or has expired",
                                         days=horizon),
                           url_for("experts.index", status="active", expiring="clearance")))
        if user.role == Role.HR_OFFICER:
            result.append(Card(_nominations(user, NominationStatus.DRAFT), _l("draft nominations to submit"),
                               url_for("nominations.board", status="draft")))
        else:
            result.append(Card(_nominations(user, NominationStatus.SUBMITTED),
                               _l("nominations waiting for endorsement"),
                               url_for("nominations.board", status="submitted")))
            result.append(Card(_nominations(user, NominationStatus.ENDORSED), _l("endorsed nominations to forward"),
                               url_for("nominations.board", status="endorsed")))
        result.append(Card(_count(select(func.count(Deployment.id)).join(Deployment.expert).where(
            scope_filter(user, Expert.institution_id), Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES),
            Deployment.end_date <= today + timedelta(days=60))), _l("tours ending within 60 days"),
            url_for("deployments.index")))
    deadline_limit = to_utc(today + timedelta(days=30), time(23, 59), WARSAW)
    result.append(Card(_count(select(func.count(Cfc.id)).where(
        Cfc.status == CfcStatus.OPEN, Cfc.national_deadline >= utcnow(), Cfc.national_deadline <= deadline_limit)),
        _l("open calls with a national deadline within 30 days"), url_for("missions.cfcs")))
    deployed = select(func.count(Deployment.id)).where(Deployment.status == DeploymentStatus.DEPLOYED)
    # The report behind the national figure is national only for those whose report figures are (root, viewers).
    national = user.role == Role.VIEWER or scope_ids(user) is None
    result.append(Card(_count(deployed), _l("experts deployed now (all institutions)"),
                       url_for("reports.show", slug="deployed") if national else None))
    return result


def deployed_by_mission() -> list[tuple[str, int]]:
    """Aggregate for everyone, viewers included: experts deployed now per mission."""
    return db.session.execute(
        select(Mission.acronym, func.count(Deployment.id)).join(Deployment, Deployment.mission_id == Mission.id)
        .where(Deployment.status == DeploymentStatus.DEPLOYED).group_by(Mission.acronym)
        .order_by(func.count(Deployment.id).desc(), Mission.acronym)).all()
