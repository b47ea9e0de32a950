"""The after-the-tour records in a data subject's export, and what anonymisation erases of them.

They hang on the expert's tours (deployments), not on the expert, so the export's generic sweep of tables with an
`expert_id` does not find them: seconding/register/subject.py asks here. Anonymisation erases the texts about the
person (the debrief's notes, the mission's assessment); it keeps the lessons for the next expert to the mission
(about the mission, and the form says to write nothing personal there), the dates, whether the expert would go
again and the ratings, which identify nobody once the name is gone and serve the statistics."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from seconding.extensions import db
from seconding.models import Deployment, Mission
from seconding.models.debrief import Appraisal, Debrief


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _tours(expert_id: int):
    return select(Deployment.id).where(Deployment.expert_id == expert_id)


def records_of(expert_id: int) -> dict:
    """The debriefs and appraisals of the expert's tours, as plain JSON values."""
    debriefs = db.session.execute(
        select(Debrief, Mission.acronym).join(Deployment, Deployment.id == Debrief.deployment_id)
        .join(Mission, Mission.id == Deployment.mission_id).where(Deployment.expert_id == expert_id)
        .order_by(Debrief.held_on, Debrief.id)).all()
    appraisals = db.session.execute(
        select(Appraisal, Mission.acronym).join(Deployment, Deployment.id == Appraisal.deployment_id)
        .join(Mission, Mission.id == Deployment.mission_id).where(Deployment.expert_id == expert_id)
        .order_by(Appraisal.id)).all()
    return {
        "debriefs": [{"deployment_id": d.deployment_id, "mission": mission, "held_on": _plain(d.held_on),
                      "held_by": d.held_by_label, "would_go_again": d.go_again.value, "lessons": d.lessons,
                      "notes": d.notes, "recorded_at": _plain(d.created_at), "changed_at": _plain(d.updated_at)}
                     for d, mission in debriefs],
        "appraisals": [{"deployment_id": a.deployment_id, "mission": mission,
                        "assessment_received_on": _plain(a.received_on), "assessment": a.assessment,
                        "ratings": {r.competency: r.rating.value for r in a.ratings},
                        "recorded_at": _plain(a.created_at), "changed_at": _plain(a.updated_at)}
                       for a, mission in appraisals],
    }


def erase(expert_id: int) -> None:
    """Erase the texts about the person: the debriefs' notes and the mission's assessments (see the docstring).
    The versions move on, so a form opened before cannot write them back unnoticed."""
    tours = _tours(expert_id)
    db.session.execute(update(Debrief).where(Debrief.deployment_id.in_(tours))
                       .values(notes="", version=Debrief.version + 1).execution_options(synchronize_session=False))
    db.session.execute(update(Appraisal).where(Appraisal.deployment_id.in_(tours))
                       .values(assessment="", version=Appraisal.version + 1)
                       .execution_options(synchronize_session=False))
