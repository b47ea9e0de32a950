"""Duty of care (SPEC §17): a tour starts with its pre-deployment checklist complete or a coordinator's recorded
override; emergency contacts and incidents are seen by HR officers in scope and coordinators only; an incident tells
the coordinators by e-mail; mission locations give a tour its risk level and 24/7 contact; anonymisation erases."""
import json
import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from seconding.care import services as care
from seconding.dates import today_in_warsaw
from seconding.deployments import services
from seconding.errors import Refusal
from seconding.models import AuditEvent, Mission, PoolStatus, Role
from seconding.models.care import DeploymentCare, EmergencyContact, Incident, IncidentKind, MissionLocation, RiskLevel
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus as D
from tests.fixtures_care import complete_checklist
from tests.job_downloads import expert_data

TODAY = today_in_warsaw()


@pytest.fixture
def georgia(db):
    return db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))


@pytest.fixture
def tour(make_expert, georgia, db):
    """A Police expert's tour in pre-deployment, to start in ten days."""
    expert = make_expert("POLICE", given_name="Anna", family_name="Nowak")
    tour = services.record_deployment(expert=expert, mission=georgia, start=TODAY + timedelta(days=10),
                                      end=TODAY + timedelta(days=375), status=D.PRE_DEPLOYMENT)
    db.session.commit()
    return tour


def _events(action: str) -> list[AuditEvent]:
    from seconding.extensions import db

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- the checklist before "deployed" ------------------------------------------------------------------------------

def test_a_tour_cannot_start_with_the_checklist_incomplete(tour, db):
    with pytest.raises(Refusal) as refused:
        services.advance(tour, on=TODAY, version=None, today=TODAY)
    message = str(refused.value)
    assert refused.value.field == "override"
    assert all(item in message for item in ("Medical fitness", "Insurance", "Travel documents", "Equipment",
                                            "Security briefing"))
    db.session.rollback()
    care.save_checklist(tour, location_id=None, done={"medical": (TODAY, "fit"), "insurance": (TODAY, ""),
                                                      "travel_documents": (TODAY, "")}, version=None, today=TODAY)
    with pytest.raises(Refusal, match="not complete: Equipment, Security briefing\\."):
        services.advance(tour, on=TODAY, version=None, today=TODAY)
    assert tour.status == D.PRE_DEPLOYMENT
    db.session.rollback()
    complete_checklist(tour, TODAY)
    services.advance(tour, on=TODAY, version=None, today=TODAY)
    assert (tour.status, tour.actual_start) == (D.DEPLOYED, TODAY)
    assert tour.care.override_at is None  # no override needed, none recorded


@contextmanager
def signed_in(app, user):
    """A request of `user` around a service call (the service reads the signed-in user, as the audit does)."""
    with app.test_request_context():
        login_user(user)
        yield


def test_a_coordinators_override_is_recorded(app, tour, make_user, db):
    coordinator = make_user(Role.COORDINATOR, name="Marek Koordynator")
    with signed_in(app, coordinator):
        services.advance(tour, on=TODAY, version=None, today=TODAY, override="The insurer confirmed by phone.")
    db.session.commit()
    assert tour.status == D.DEPLOYED
    stored = db.session.get(DeploymentCare, tour.id)
    assert (stored.override_reason, stored.override_by_id) == ("The insurer confirmed by phone.", coordinator.id)
    assert stored.override_at is not None
    (event,) = _events("deployment_checklist_overridden")
    assert event.actor_id == coordinator.id and "medical" in event.summary and "insurer" in event.summary


def test_an_hr_officer_cannot_override(app, tour, make_user, db):
    with signed_in(app, make_user(Role.HR_OFFICER, "POLICE")), pytest.raises(Refusal, match="Only a coordinator"):
        services.advance(tour, on=TODAY, version=None, today=TODAY, override="in a hurry")


def test_the_page_refuses_naming_the_missing_items_then_takes_an_override(tour, client, make_user, login, db):
    login(make_user(Role.COORDINATOR, name="Marek Koordynator"))
    page = client.get(f"/deployments/{tour.id}").get_data(as_text=True)
    assert 'name="advance-override"' in page  # the checklist is incomplete: the override is offered
    refused = client.post_form(f"/deployments/{tour.id}/advance", {"advance-version": tour.version,
                                                                   "advance-on": TODAY.isoformat()})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="error-summary"' in html and 'id="advance-override-error"' in html
    assert "not complete: Medical fitness, Insurance, Travel documents, Equipment, Security briefing" in html
    db.session.expire_all()
    assert db.session.get(Deployment, tour.id).status == D.PRE_DEPLOYMENT
    done = client.post_form(f"/deployments/{tour.id}/advance", {
        "advance-version": tour.version, "advance-on": TODAY.isoformat(),
        "advance-override": "Kit handed over at the airport; medical on arrival."})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Deployment, tour.id).status == D.DEPLOYED
    html = client.get(f"/deployments/{tour.id}").get_data(as_text=True)
    assert "Started without the complete checklist on the decision of Marek Koordynator" in html
    assert "Kit handed over at the airport; medical on arrival." in html


def test_the_checklist_page_saves_dates_and_refuses_a_future_one(tour, client, make_user, login, georgia, db):
    gori = MissionLocation(mission=georgia, name="Gori", risk_level=RiskLevel.HIGH)
    db.session.add(gori)
    db.session.commit()
    login(make_user(Role.HR_OFFICER, "POLICE"))
    data = {"version": "", "location_id": str(gori.id), "medical_on": TODAY.isoformat(), "medical_note": "fit",
            "insurance_on": (TODAY + timedelta(days=1)).isoformat()}
    refused = client.post_form(f"/deployments/{tour.id}/checklist", data)
    assert refused.status_code == 200 and 'id="insurance_on-error"' in refused.get_data(as_text=True)
    assert db.session.get(DeploymentCare, tour.id) is None
    done = client.post_form(f"/deployments/{tour.id}/checklist", {**data, "insurance_on": TODAY.isoformat()})
    assert done.status_code == 302
    db.session.expire_all()
    stored = db.session.get(DeploymentCare, tour.id)
    assert (stored.medical_on, stored.medical_note, stored.location_id) == (TODAY, "fit", gori.id)
    assert stored.missing == ["travel_documents", "equipment", "security_briefing"]
    assert _events("deployment_checklist_updated")
    # A location of another mission is refused.
    other = MissionLocation(mission=db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova")),
                            name="Chișinău", risk_level=RiskLevel.LOW)
    db.session.add(other)
    db.session.commit()
    page = client.post_form(f"/deployments/{tour.id}/checklist", {**data, "insurance_on": TODAY.isoformat(),
                                                                  "version": str(stored.version),
                                                                  "location_id": str(other.id)})
    assert page.status_code == 200 and 'id="location_id-error"' in page.get_data(as_text=True)
    tampered = client.post_form(f"/deployments/{tour.id}/checklist", {**data, "insurance_on": TODAY.isoformat(),
                                                                      "version": str(stored.version),
                                                                      "location_id": "Gori"})
    assert tampered.status_code == 200 and 'id="location_id-error"' in tampered.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DeploymentCare, tour.id).location_id == gori.id


# --- who sees contacts and incidents ------------------------------------------------------------------------------

@pytest.fixture
def cared_for(tour, db):
    db.session.add(EmergencyContact(expert=tour.expert, name="Jan Nowak", relation="spouse", phone="+48 600 1",
                                    next_of_kin=True))
    db.session.add(Incident(deployment=tour, occurred_on=TODAY, kind=IncidentKind.HEALTH,
                            description="Food poisoning, two days off."))
    db.session.commit()
    return tour


def test_contacts_and_incidents_are_seen_by_the_service_and_the_coordinators(cared_for, client, make_user, login):
    for user in (make_user(Role.HR_OFFICER, "POLICE"), make_user(Role.COORDINATOR)):
        login(user)
        expert_page = client.get(f"/experts/{cared_for.expert_id}").get_data(as_text=True)
        tour_page = client.get(f"/deployments/{cared_for.id}").get_data(as_text=True)
        assert "Jan Nowak" in expert_page and "next of kin" in expert_page
        assert "Food poisoning, two days off." in tour_page and "Jan Nowak" in tour_page
        client.post_form("/sign-out")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.HR_OFFICER])
def test_contacts_and_incidents_are_hidden_from_viewers_and_another_service(cared_for, client, make_user, login, db,
                                                                            role):
    login(make_user(role, "BORDER_GUARD" if role == Role.HR_OFFICER else "MFA"))
    contact = cared_for.expert.emergency_contacts[0]
    incident = cared_for.incidents[0]
    for url in (f"/experts/{cared_for.expert_id}", f"/deployments/{cared_for.id}",
                f"/emergency-contacts/{contact.id}/edit", f"/experts/{cared_for.expert_id}/emergency-contacts/new",
                f"/incidents/{incident.id}/edit", f"/deployments/{cared_for.id}/incidents/new",
                f"/deployments/{cared_for.id}/checklist"):
        response = client.get(url)
        assert response.status_code == (403 if role == Role.VIEWER else 404), url
        assert "Jan Nowak" not in response.get_data(as_text=True)
    # Nor can they change anything.
    assert client.post_form(f"/emergency-contacts/{contact.id}/delete", {}).status_code in (403, 404)
    assert db.session.get(EmergencyContact, contact.id) is not None
    # The mission's page and its locations are open to them: no person is named there.
    html = client.get(f"/missions/{cared_for.mission_id}").get_data(as_text=True)
    assert "Jan Nowak" not in html and "Food poisoning" not in html
    assert client.get(f"/missions/{cared_for.mission_id}/locations").status_code == 200


def test_a_contact_must_be_reachable_and_changes_are_audited(tour, client, make_user, login, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    url = f"/experts/{tour.expert_id}/emergency-contacts/new"
    refused = client.post_form(url, {"name": "Jan Nowak", "relation": "spouse"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="phone-error"' in html and 'value="spouse"' in html
    assert client.post_form(url, {"name": "Jan Nowak", "email": "jan@example.org", "next_of_kin": "y"}).status_code \
        == 302
    contact = db.session.scalars(select(EmergencyContact)).one()
    assert (contact.name, contact.email, contact.next_of_kin) == ("Jan Nowak", "jan@example.org", True)
    (event,) = _events("emergency_contact_added")
    assert event.object_type == "expert" and event.object_id == str(tour.expert_id)
    assert "Jan" not in event.summary  # a third person's name stays out of the audit log
    stale = client.post_form(f"/emergency-contacts/{contact.id}/edit", {"name": "Jan Nowak", "phone": "+48 1",
                                                                        "version": str(contact.version + 1)})
    assert stale.status_code == 200 and "Someone else changed this contact" in stale.get_data(as_text=True)
    assert client.post_form(f"/emergency-contacts/{contact.id}/delete", {}).status_code == 302
    assert db.session.scalar(select(func.count(EmergencyContact.id))) == 0 and _events("emergency_contact_deleted")


# --- incidents tell the coordinators ------------------------------------------------------------------------------

def _received(server) -> dict[str, list]:
    by = {}
    for recipients, message in server.messages:
        for address in recipients:
            by.setdefault(address, []).append(message)
    return by


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_an_incident_reaches_the_coordinators_by_e_mail(tour, client, make_user, login, smtp_server, georgia, db):
    db.session.add(MissionLocation(mission=georgia, name="Gori", risk_level=RiskLevel.HIGH))
    db.session.commit()
    make_user(Role.COORDINATOR, "MFA", email="coord@example.org")
    make_user(Role.COORDINATOR, "MFA", email="coord.off@example.org", notification_modes={"incident": "off"})
    make_user(Role.ADMIN, "MFA", email="admin@example.org")
    make_user(Role.HR_OFFICER, "BORDER_GUARD", email="hr.border@example.org")
    make_user(Role.VIEWER, "MFA", email="viewer@example.org")
    officer = login(make_user(Role.HR_OFFICER, "POLICE", email="hr.police@example.org", name="Ewa Kadrowa"))
    response = client.post_form(f"/deployments/{tour.id}/incidents/new", {
        "occurred_on": TODAY.isoformat(), "kind": "security", "description": "Stopped at a checkpoint for six hours.",
        "follow_up": "", "informed": "Head of the field office"})
    assert response.status_code == 302
    received = _received(smtp_server)
    assert list(received) == ["coord@example.org"]  # preferences apply; not the HR officers, admins or viewers
    (message,) = received["coord@example.org"]
    assert message["Subject"] == "Incident on a tour: Anna Nowak in EUMM Georgia"
    text = _text(message)
    assert f"Date: {TODAY.isoformat()}. Kind: Security." in text and "Recorded by Ewa Kadrowa." in text
    assert f"/deployments/{tour.id}#incidents-heading" in text
    assert "checkpoint" not in text  # what happened is read in the app, never sent by e-mail
    incident = db.session.scalars(select(Incident)).one()
    assert (incident.kind, incident.reported_by_id, incident.informed) == (IncidentKind.SECURITY, officer.id,
                                                                           "Head of the field office")
    (event,) = _events("incident_recorded")
    assert "checkpoint" not in event.summary and event.object_id == str(tour.id)


def test_an_incident_with_the_position_location_names_it(make_cfc, make_position, make_expert, georgia, db):
    gori = MissionLocation(mission=georgia, name="Gori", risk_level=RiskLevel.HIGH, contact_name="Duty officer")
    db.session.add(gori)
    position = make_position(make_cfc("EUMM Georgia"), "GEO 9", location=" gori ")
    tour = Deployment(expert=make_expert("POLICE"), mission=georgia, position=position, status=D.PLANNED,
                      planned_start=date(2030, 1, 1), end_date=date(2030, 12, 31))
    db.session.add(tour)
    db.session.flush()
    assert care.location_of(tour) is gori  # defaulted from the position's location text
    ours = MissionLocation(mission=georgia, name="Zugdidi", risk_level=RiskLevel.VERY_HIGH)
    db.session.add(ours)
    db.session.flush()
    care.save_checklist(tour, location_id=ours.id, done={}, version=None, today=TODAY)
    assert care.location_of(tour) is ours  # chosen on the tour


def test_the_tour_page_shows_the_location_risk_and_24_7_contact(tour, client, make_user, login, georgia, db):
    gori = MissionLocation(mission=georgia, name="Gori", risk_level=RiskLevel.VERY_HIGH, contact_name="Duty officer",
                           contact_phone="+995 32 200 0000", contact_email="duty@example.org")
    db.session.add(gori)
    db.session.flush()
    care.save_checklist(tour, location_id=gori.id, done={}, version=None, today=TODAY)
    db.session.commit()
    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get(f"/deployments/{tour.id}").get_data(as_text=True)
    assert "Gori" in html and "Very high" in html and "Duty officer" in html and "+995 32 200 0000" in html


def test_locations_are_edited_by_coordinators_once_per_name(client, make_user, login, georgia, db):
    login(make_user(Role.COORDINATOR))
    url = f"/missions/{georgia.id}/locations/new"
    data = {"name": "Yeghegnadzor", "risk_level": "moderate", "contact_name": "Consul on duty",
            "contact_phone": "+374 10 000 000"}
    assert client.post_form(url, data).status_code == 302
    again = client.post_form(url, {**data, "name": " yeghegnadzor "})
    assert again.status_code == 200 and 'id="name-error"' in again.get_data(as_text=True)
    place = db.session.scalars(select(MissionLocation)).one()
    assert (place.name, place.risk_level) == ("Yeghegnadzor", RiskLevel.MODERATE)
    html = client.get(f"/missions/{georgia.id}/locations").get_data(as_text=True)
    assert "Yeghegnadzor" in html and "Moderate" in html and "Consul on duty" in html
    assert _events("mission_location_added")


# --- the data subject's export and anonymisation --------------------------------------------------------------------

def test_export_holds_contacts_and_incidents_and_anonymisation_erases_them(cared_for, client, make_user, login, db):
    complete_checklist(cared_for, TODAY).medical_note = "asthma, fit with inhaler"
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    data = json.loads(expert_data(client, cared_for.expert_id).data)
    assert [c["name"] for c in data["other_records"]["emergency_contacts"]] == ["Jan Nowak"]
    assert [i["description"] for i in data["duty_of_care"]["incidents"]] == ["Food poisoning, two days off."]
    assert data["duty_of_care"]["checklists"][0]["medical"]["note"] == "asthma, fit with inhaler"
    expert = cared_for.expert
    services.end_tour(cared_for, D.CURTAILED, on=TODAY, reason="medical", version=None, today=TODAY)
    expert.pool_status = PoolStatus.LEFT
    db.session.commit()
    assert client.post_form(f"/register/experts/{expert.id}/anonymise").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(EmergencyContact.id))) == 0
    incident = db.session.scalars(select(Incident)).one()
    assert (incident.kind, incident.occurred_on, incident.description) == (IncidentKind.HEALTH, TODAY, "")
    assert db.session.get(DeploymentCare, cared_for.id).medical_note == ""


def test_the_notification_preferences_offer_incidents_to_coordinators_only(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    assert "An incident is recorded on a tour" in client.get("/account/notifications").get_data(as_text=True)
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))
    html = client.get("/account/notifications").get_data(as_text=True)
    assert re.search("incident", html, re.IGNORECASE) is None
