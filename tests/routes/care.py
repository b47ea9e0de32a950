"""Routes of the duty of care: an expert's emergency contacts, a mission's locations, a tour's checklist and
incidents. Contacts and incidents are personal data (viewers refused; another service's HR officer finds nothing)."""
from tests.routes.common import ALL, COORD, PERSONAL


def extend_ctx(ctx):
    from datetime import date

    from sqlalchemy import select

    from seconding.deployments.services import record_deployment
    from seconding.extensions import db
    from seconding.models import Mission
    from seconding.models.care import (
        DeploymentCare,
        EmergencyContact,
        Incident,
        IncidentKind,
        MissionLocation,
        RiskLevel,
    )
    from seconding.models.enums import DeploymentStatus

    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
    place = MissionLocation(mission=mission, name="Gori", risk_level=RiskLevel.MODERATE, contact_name="Duty officer",
                            contact_phone="+995 32 200 0000")
    db.session.add(place)
    expert = ctx["make_expert"]("POLICE", external_id="P-CARE")
    contact = EmergencyContact(expert=expert, name="Jan Kowalski", relation="spouse", phone="+48 600 100 200",
                               next_of_kin=True)
    db.session.add(contact)
    tour = record_deployment(expert=expert, mission=mission, start=date(2030, 3, 1), end=date(2031, 2, 28),
                             status=DeploymentStatus.PRE_DEPLOYMENT)
    care = DeploymentCare(deployment=tour, location=place, medical_on=date(2026, 1, 5))
    incident = Incident(deployment=tour, occurred_on=date(2026, 1, 10), kind=IncidentKind.HEALTH,
                        description="A fall during the training.")
    db.session.add_all([place, contact, care, incident])
    db.session.commit()
    ctx.update(care_place=place, care_contact=contact, care_tour=tour, care_incident=incident)


def contact_form(ctx) -> dict:
    return {"name": "Maria Kowalska", "relation": "mother", "phone": "+48 600 300 400", "email": "maria@example.org",
            "next_of_kin": "y", "notes": "Speaks Polish only."}


def location_form(ctx) -> dict:
    return {"name": "Zugdidi", "risk_level": "high", "contact_name": "Embassy duty officer",
            "contact_phone": "+995 32 200 0001", "contact_email": "duty@example.org", "notes": "Near the line."}


def checklist_form(ctx) -> dict:
    return {"version": str(ctx["care_tour"].care.version), "location_id": str(ctx["care_place"].id),
            "medical_on": "2026-01-05", "medical_note": "fit", "insurance_on": "2026-01-06", "insurance_note": "",
            "travel_documents_on": "2026-01-07", "travel_documents_note": "service passport",
            "equipment_on": "", "equipment_note": "", "security_briefing_on": "", "security_briefing_note": ""}


def incident_form(ctx) -> dict:
    return {"occurred_on": "2026-01-12", "kind": "security", "description": "A checkpoint was closed for a day.",
            "follow_up": "Route changed.", "informed": "Head of office"}


ROUTES = {
    "care.new_contact": (("GET", "POST"), PERSONAL, lambda ctx: {"expert_id": ctx["care_tour"].expert_id},
                         contact_form),
    "care.edit_contact": (("GET", "POST"), PERSONAL, lambda ctx: {"contact_id": ctx["care_contact"].id},
                          lambda ctx: {**contact_form(ctx), "version": str(ctx["care_contact"].version)}),
    "care.delete_contact": (("POST",), PERSONAL, lambda ctx: {"contact_id": ctx["care_contact"].id}, {}),
    # A mission's locations are no person's data: everyone reads them; coordinators and admins edit them.
    "care.locations": (("GET",), ALL, lambda ctx: {"mission_id": ctx["care_place"].mission_id}, None),
    "care.new_location": (("GET", "POST"), COORD, lambda ctx: {"mission_id": ctx["care_place"].mission_id},
                          location_form),
    "care.edit_location": (("GET", "POST"), COORD, lambda ctx: {"location_id": ctx["care_place"].id},
                           lambda ctx: {**location_form(ctx), "name": "Gori",
                                        "version": str(ctx["care_place"].version)}),
    "care.checklist": (("GET", "POST"), PERSONAL, lambda ctx: {"deployment_id": ctx["care_tour"].id},
                       checklist_form),
    "care.new_incident": (("GET", "POST"), PERSONAL, lambda ctx: {"deployment_id": ctx["care_tour"].id},
                          incident_form),
    "care.edit_incident": (("GET", "POST"), PERSONAL, lambda ctx: {"incident_id": ctx["care_incident"].id},
                           lambda ctx: {**incident_form(ctx), "version": str(ctx["care_incident"].version)}),
}

SCOPED = {"care.new_contact", "care.edit_contact", "care.delete_contact", "care.checklist", "care.new_incident",
          "care.edit_incident"}
