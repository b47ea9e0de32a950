"""Read queries for deployments."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from seconding.access import scope_filter, sees_personal_data
from seconding.extensions import db
from seconding.models import Expert, User
from seconding.models.deployments import Deployment
from seconding.models.enums import ACTIVE_DEPLOYMENT_STATES


def current_for_mission(user: User, mission_id: int) -> tuple[int, list[Deployment]]:
    """How many tours are active in the mission (everyone may know), and those in the user's scope (names)."""
    active = (Deployment.mission_id == mission_id, Deployment.status.in_(ACTIVE_DEPLOYMENT_STATES))
    total = db.session.scalar(select(func.count(Deployment.id)).where(*active)) or 0
    if not sees_personal_data(user):
        return total, []
    rows = db.session.scalars(
        select(Deployment).join(Deployment.expert).where(*active, scope_filter(user, Expert.institution_id))
        .options(joinedload(Deployment.expert).joinedload(Expert.institution))
        .order_by(Deployment.end_date)).all()
    return total, list(rows)
