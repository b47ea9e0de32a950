"""The duty of care in a data subject's export and in anonymisation. Emergency contacts carry the expert's id, so the
export's sweep of such tables finds them; a tour's checklist and incidents hang on the tour, so they are read here."""
from sqlalchemy import delete, select, update

from seconding.extensions import db
from seconding.models.care import CHECKLIST_ITEMS, DeploymentCare, EmergencyContact, Incident
from seconding.models.deployments import Deployment


def _tours(expert_id: int):
    return select(Deployment.id).where(Deployment.expert_id == expert_id)


def records_of(expert_id: int) -> dict:
    """The checklists and incidents of the expert's tours, as plain JSON values."""
    checklists = db.session.scalars(select(DeploymentCare).where(DeploymentCare.deployment_id.in_(_tours(expert_id)))
                                    .order_by(DeploymentCare.deployment_id))
    incidents = db.session.scalars(select(Incident).where(Incident.deployment_id.in_(_tours(expert_id)))
                                   .order_by(Incident.occurred_on, Incident.id))
    return {
        "checklists": [{"deployment_id": c.deployment_id, "location": c.location.name if c.location else None,
                        **{item: {"done_on": c.done_on(item).isoformat() if c.done_on(item) else None,
                                  "note": c.note(item)} for item in CHECKLIST_ITEMS},
                        "override_reason": c.override_reason,
                        "override_at": c.override_at.isoformat() if c.override_at else None}
                       for c in checklists],
        "incidents": [{"deployment_id": i.deployment_id, "occurred_on": i.occurred_on.isoformat(),
                       "kind": i.kind.value, "description": i.description, "follow_up": i.follow_up,
                       "informed": i.informed} for i in incidents],
    }


def erase(expert_id: int) -> None:
    """Anonymisation: the emergency contacts go (other people's data, of no use once the expert left); incidents and
    checklists keep their dates and kinds (statistics) and lose every written word about the person."""
    db.session.execute(delete(EmergencyContact).where(EmergencyContact.expert_id == expert_id))
    db.session.execute(update(Incident).where(Incident.deployment_id.in_(_tours(expert_id)))
                       .values(description="", follow_up="", informed=""))
    db.session.execute(update(DeploymentCare).where(DeploymentCare.deployment_id.in_(_tours(expert_id)))
                       .values(override_reason="", **{f"{item}_note": "" for item in CHECKLIST_ITEMS}))
