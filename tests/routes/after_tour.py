"""Routes of the after-the-tour records: a tour's debrief and appraisal, the returned experts of a year."""
from tests.routes.common import PERSONAL


def extend_ctx(ctx):
    from datetime import date

    from sqlalchemy import select

    from seconding.deployments.services import record_deployment
    from seconding.extensions import db
    from seconding.models import Mission
    from seconding.models.enums import DeploymentStatus

    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    returned = ctx["make_expert"]("POLICE", external_id="P-RETURNED")
    tour = record_deployment(expert=returned, mission=mission, start=date(2024, 1, 8), end=date(2024, 12, 20),
                             status=DeploymentStatus.COMPLETED)
    db.session.commit()
    ctx.update(ended_tour=tour)


def debrief_form(ctx) -> dict:
    return {"version": "0", "held_on": "2025-01-15", "held_by": "", "held_by_name": "Anna Nowak", "go_again": "yes",
            "lessons": "Bring winter boots; the patrols start at six.", "notes": "Tired but well."}


def appraisal_form(ctx) -> dict:
    return {"version": "0", "received_on": "2025-02-03", "assessment": "A reliable monitor.",
            "rating_professional_knowledge": "exceeds", "rating_teamwork": "meets"}


def _tour(ctx) -> dict:
    return {"deployment_id": ctx["ended_tour"].id}


ROUTES = {
    "debrief.debrief": (("GET", "POST"), PERSONAL, _tour, debrief_form),
    "debrief.appraisal": (("GET", "POST"), PERSONAL, _tour, appraisal_form),
    # Viewers get nothing of it: who came back, and how the tour went, is personal data.
    "debrief.returned": (("GET",), PERSONAL, lambda ctx: {"year": 2024}, None),
    "debrief.returned_xlsx": (("GET",), PERSONAL, lambda ctx: {"year": 2024}, None),
}

SCOPED = {"debrief.debrief", "debrief.appraisal"}
