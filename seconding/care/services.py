"""Duty of care: saving emergency contacts, mission locations, a tour's checklist and location, and incidents; the
check that a tour is ready to move to "deployed" (or a coordinator's recorded override). Services flush, never
commit; every change is audited."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from seconding.audit.services import record
from seconding.care.labels import CHECKLIST_LABELS
from seconding.db import utcnow
from seconding.errors import Refusal, check_version, flush
from seconding.extensions import db
from seconding.models import Role, User
from seconding.models.care import (
    CHECKLIST_ITEMS,
    DeploymentCare,
    EmergencyContact,
    Incident,
    IncidentKind,
    MissionLocation,
    RiskLevel,
)
from seconding.models.deployments import Deployment
from seconding.notifications.queue import covering, notify, users_with_roles

OVERRIDING_ROLES = (Role.ADMIN, Role.COORDINATOR)


def _actor() -> User | None:
    """The signed-in user (none for the command line and the tests' services)."""
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None


def _stale(what: str) -> str:
    return _("Someone else changed %(what)s in the meantime. Nothing was changed.", what=what)


def _not_after(on: date | None, today: date, field_name: str) -> None:
    if on is not None and on > today:
        raise Refusal(_("The date cannot be in the future (today is %(today)s).", today=today.isoformat()), field_name)


# --- emergency contacts -------------------------------------------------------------------------------------------

@dataclass
class Contact:
    name: str
    relation: str = ""
    phone: str = ""
    email: str = ""
    next_of_kin: bool = False
    notes: str = ""


def save_contact(expert, contact: EmergencyContact | None, data: Contact, *,
                 version: int | None = None) -> EmergencyContact:
    """Add an emergency contact to the expert, or change one; a contact is reachable (a phone or an e-mail)."""
    if contact is not None:
        check_version(contact, version, _stale(_("this contact")))
    if not data.name.strip():
        raise Refusal(_("Give the contact's name."), "name")
    if not data.phone.strip() and not data.email.strip():
        raise Refusal(_("Give a phone number or an e-mail address: a contact must be reachable."), "phone")
    new = contact is None
    if new:
        contact = EmergencyContact(expert_id=expert.id)
        db.session.add(contact)
    contact.name, contact.relation = data.name.strip(), data.relation.strip()
    contact.phone, contact.email = data.phone.strip(), data.email.strip()
    contact.next_of_kin, contact.notes = bool(data.next_of_kin), data.notes.strip()
    flush(_stale(_("this contact")))
    # The audit says that the list changed, never who the contact is (a third person's data).
    record("emergency_contact_added" if new else "emergency_contact_changed", object_type="expert",
           object_id=expert.id, institution_id=expert.institution_id,
           summary=f"emergency contact {contact.id}" + (" (next of kin)" if contact.next_of_kin else ""))
    return contact


def delete_contact(contact: EmergencyContact) -> None:
    expert = contact.expert
    contact_id = contact.id
    db.session.delete(contact)
    db.session.flush()
    record("emergency_contact_deleted", object_type="expert", object_id=expert.id,
           institution_id=expert.institution_id, summary=f"emergency contact {contact_id}")


# --- mission locations --------------------------------------------------------------------------------------------

@dataclass
class Place:
    name: str
    risk_level: RiskLevel
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    notes: str = ""


def save_location(mission, location: MissionLocation | None, data: Place, *,
                  version: int | None = None) -> MissionLocation:
    """Add a location to the mission, or change one; a mission names each of its locations once."""
    if location is not None:
        check_version(location, version, _stale(_("this location")))
    name = " ".join(data.name.split())
    if not name:
        raise Refusal(_("Give the location's name."), "name")
    taken = db.session.scalar(select(MissionLocation.id).where(
        MissionLocation.mission_id == mission.id, func.lower(MissionLocation.name) == name.lower(),
        MissionLocation.id != (location.id if location is not None else -1)))
    if taken:
        raise Refusal(_("%(mission)s has a location named %(name)s already.", mission=mission.acronym, name=name),
                      "name")
    new = location is None
    if new:
        location = MissionLocation(mission_id=mission.id)
        db.session.add(location)
    location.name, location.risk_level = name, RiskLevel(data.risk_level)
    location.contact_name, location.contact_phone = data.contact_name.strip(), data.contact_phone.strip()
    location.contact_email, location.notes = data.contact_email.strip(), data.notes.strip()
    flush(_stale(_("this location")))
    record("mission_location_added" if new else "mission_location_changed", object_type="mission",
           object_id=mission.id, summary=f"{name}: risk {location.risk_level.value}")
    return location


# --- a tour's location and checklist ------------------------------------------------------------------------------

def default_location(deployment: Deployment) -> MissionLocation | None:
    """The mission's location named as the position's location text (case and spaces aside), if there is one."""
    text = " ".join((deployment.position.location if deployment.position else "").split()).lower()
    if not text:
        return None
    return next((place for place in deployment.mission.locations if place.name.lower() == text), None)


def location_of(deployment: Deployment) -> MissionLocation | None:
    """The tour's location: the one chosen on the tour, else the one its position names."""
    care = deployment.care
    if care is not None and care.location is not None:
        return care.location
    return default_location(deployment)


def missing_items(deployment: Deployment) -> list[str]:
    care = deployment.care
    return care.missing if care is not None else list(CHECKLIST_ITEMS)


def save_checklist(deployment: Deployment, *, location_id: int | None, done: dict[str, tuple[date | None, str]],
                   version: int | None, today: date) -> DeploymentCare:
    """Record the tour's location and the dates (and notes) of its checklist items; a date is not in the future."""
    care = deployment.care
    if care is not None:
        check_version(care, version, _stale(_("this checklist")))
    location = None
    if location_id is not None:
        location = db.session.get(MissionLocation, location_id)
        if location is None or location.mission_id != deployment.mission_id:
            raise Refusal(_("Choose one of the locations of %(mission)s.", mission=deployment.mission.acronym),
                          "location_id")
    for item in CHECKLIST_ITEMS:
        _not_after(done.get(item, (None, ""))[0], today, f"{item}_on")
    if care is None:
        care = DeploymentCare(deployment=deployment)
        db.session.add(care)
    care.location = location
    for item in CHECKLIST_ITEMS:
        on, note = done.get(item, (None, ""))
        setattr(care, f"{item}_on", on)
        setattr(care, f"{item}_note", (note or "").strip())
    flush(_stale(_("this checklist")))
    record("deployment_checklist_updated", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id,
           summary="; ".join(f"{item} {care.done_on(item).isoformat() if care.done_on(item) else '-'}"
                             for item in CHECKLIST_ITEMS) + f"; location {location.name if location else '-'}")
    return care


def missing_text(items: list[str]) -> str:
    return ", ".join(str(CHECKLIST_LABELS[item]) for item in items)


def check_ready(deployment: Deployment, *, override: str = "") -> None:
    """Before a tour moves to "deployed": every item of its checklist has its date, or a coordinator goes ahead
    without them and says why (recorded on the tour with who and when, and audited)."""
    missing = missing_items(deployment)
    if not missing:
        return
    reason = override.strip()
    actor = _actor()
    if not reason:
        raise Refusal(_("The pre-deployment checklist is not complete: %(items)s. Record the date of each first, or, "
                        "as a coordinator, give the reason to go ahead without them.", items=missing_text(missing)),
                      "override")
    if actor is not None and actor.role not in OVERRIDING_ROLES:
        raise Refusal(_("Only a coordinator may let a tour start with the checklist incomplete."), "override")
    care = deployment.care
    if care is None:
        care = DeploymentCare(deployment=deployment)
        db.session.add(care)
    care.override_reason, care.override_by, care.override_at = reason, actor, utcnow()
    db.session.flush()
    record("deployment_checklist_overridden", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id,
           summary=f"started without: {', '.join(missing)}; reason: {reason}")


# --- incidents ----------------------------------------------------------------------------------------------------

@dataclass
class Report:
    occurred_on: date
    kind: IncidentKind
    description: str
    follow_up: str = ""
    informed: str = ""


def record_incident(deployment: Deployment, data: Report, *, today: date) -> Incident:
    """Log an incident of the tour and tell the coordinators who cover the expert (by their notification
    preferences, after the commit). The e-mail names the tour and the kind, never the description."""
    _check_incident(data, today)
    actor = _actor()
    incident = Incident(deployment=deployment, reported_by=actor)
    _fill(incident, data)
    db.session.add(incident)
    db.session.flush()
    expert = deployment.expert
    record("incident_recorded", object_type="deployment", object_id=deployment.id,
           institution_id=expert.institution_id,
           summary=f"incident {incident.id}: {incident.kind.value} on {incident.occurred_on.isoformat()}")
    place = location_of(deployment)
    coordinators = covering(users_with_roles(Role.COORDINATOR), expert.institution_id)
    notify("incident", f"incident:{incident.id}", coordinators,
           {"deployment": deployment.id, "incident": incident.id, "expert": expert.name,
            "mission": deployment.mission.acronym, "location": place.name if place else "",
            "kind": incident.kind.value, "on": incident.occurred_on.isoformat(),
            "by": actor.name if actor is not None else ""},
           thread=f"deployment-{deployment.id}", exclude=actor)
    return incident


def update_incident(incident: Incident, data: Report, *, version: int | None, today: date) -> Incident:
    """Correct an incident or add its follow-up and who was informed."""
    check_version(incident, version, _stale(_("this incident")))
    _check_incident(data, today)
    _fill(incident, data)
    flush(_stale(_("this incident")))
    deployment = incident.deployment
    record("incident_changed", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id,
           summary=f"incident {incident.id}: {incident.kind.value} on {incident.occurred_on.isoformat()}")
    return incident


def _check_incident(data: Report, today: date) -> None:
    if not data.description.strip():
        raise Refusal(_("Say what happened."), "description")
    _not_after(data.occurred_on, today, "occurred_on")


def _fill(incident: Incident, data: Report) -> None:
    incident.occurred_on, incident.kind = data.occurred_on, IncidentKind(data.kind)
    incident.description, incident.follow_up = data.description.strip(), data.follow_up.strip()
    incident.informed = data.informed.strip()
