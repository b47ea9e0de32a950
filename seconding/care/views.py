"""Duty of care pages: an expert's emergency contacts, a mission's locations, a tour's checklist and incidents.

Emergency contacts and incidents are personal data: HR officers in scope, coordinators and admins only (viewers are
refused, another service's HR officer is told they do not exist). A mission's locations are no person's data: every
signed-in user reads them; coordinators and admins edit them."""
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from seconding.access import COORDINATING_ROLES, PERSONAL_DATA_ROLES, require_scope, roles_required
from seconding.care import services
from seconding.care.forms import ChecklistForm, ContactForm, IncidentForm, LocationForm
from seconding.care.labels import CHECKLIST_LABELS, INCIDENT_KIND_LABELS, RISK_BADGES, RISK_LABELS
from seconding.dates import today_in_warsaw
from seconding.deployments.views import get_deployment
from seconding.errors import Refusal
from seconding.experts.views import get_expert
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal
from seconding.models import Mission
from seconding.models.care import CHECKLIST_ITEMS, EmergencyContact, Incident, MissionLocation
from seconding.models.deployments import Deployment

bp = Blueprint("care", __name__)
personal = roles_required(*PERSONAL_DATA_ROLES)
managers = roles_required(*COORDINATING_ROLES)


@bp.record_once
def _words(state) -> None:
    """The words of the codes, for every page that shows a tour's care (the tour's, the expert's, the mission's)."""
    state.app.jinja_env.globals.update(risk_labels=RISK_LABELS, risk_badges=RISK_BADGES,
                                       incident_kind_labels=INCIDENT_KIND_LABELS, checklist_labels=CHECKLIST_LABELS)


@dataclass
class TourCare:
    """What the tour's page shows of the duty of care."""

    location: object
    defaulted: bool  # the location comes from the position's text, not chosen on the tour
    items: list  # (item, date or None, note)
    missing: list[str]
    care: object


@bp.app_template_global("duty_of_care")
def duty_of_care(deployment: Deployment) -> TourCare:
    care = deployment.care
    location = services.location_of(deployment)
    return TourCare(location=location, defaulted=location is not None and (care is None or care.location is None),
                    items=[(item, care.done_on(item) if care else None, care.note(item) if care else "")
                           for item in CHECKLIST_ITEMS],
                    missing=services.missing_items(deployment), care=care)


# --- emergency contacts -------------------------------------------------------------------------------------------

def _contact_data(form: ContactForm) -> services.Contact:
    return services.Contact(name=form.name.data or "", relation=form.relation.data or "", phone=form.phone.data or "",
                            email=form.email.data or "", next_of_kin=bool(form.next_of_kin.data),
                            notes=form.notes.data or "")


def _get_contact(contact_id: int) -> EmergencyContact:
    contact = db.session.get(EmergencyContact, contact_id) or abort(404)
    require_scope(contact.expert.institution_id)
    return contact


@bp.route("/experts/<int:expert_id>/emergency-contacts/new", methods=["GET", "POST"])
@personal
def new_contact(expert_id: int):
    expert = get_expert(expert_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            services.save_contact(expert, None, _contact_data(form))
        except Refusal as exc:
            show_refusal(form, exc, "name")
        else:
            flash(_("The emergency contact is added."), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id, _anchor="contacts-heading"))
    return render_template("care/contact_form.html", form=form, expert=expert, contact=None)


@bp.route("/emergency-contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@personal
def edit_contact(contact_id: int):
    contact = _get_contact(contact_id)
    expert = contact.expert
    form = ContactForm() if _posted() else ContactForm(obj=contact, version=str(contact.version))
    if form.validate_on_submit():
        try:
            services.save_contact(expert, contact, _contact_data(form), version=form_version(form.version.data))
        except Refusal as exc:
            show_refusal(form, exc, "name")
        else:
            flash(_("The emergency contact is changed."), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id, _anchor="contacts-heading"))
    return render_template("care/contact_form.html", form=form, expert=expert, contact=contact)


@bp.route("/emergency-contacts/<int:contact_id>/delete", methods=["POST"])
@personal
def delete_contact(contact_id: int):
    contact = _get_contact(contact_id)
    expert_id = contact.expert_id
    services.delete_contact(contact)
    flash(_("The emergency contact is deleted."), "success")
    return redirect(url_for("experts.detail", expert_id=expert_id, _anchor="contacts-heading"))


def _posted() -> bool:
    return request.method == "POST"


# --- mission locations --------------------------------------------------------------------------------------------

@bp.route("/missions/<int:mission_id>/locations")
@login_required
def locations(mission_id: int):
    mission = db.get_or_404(Mission, mission_id)
    return render_template("care/locations.html", mission=mission)


def _place(form: LocationForm) -> services.Place:
    return services.Place(name=form.name.data or "", risk_level=form.risk_level.data,
                          contact_name=form.contact_name.data or "", contact_phone=form.contact_phone.data or "",
                          contact_email=form.contact_email.data or "", notes=form.notes.data or "")


@bp.route("/missions/<int:mission_id>/locations/new", methods=["GET", "POST"])
@managers
def new_location(mission_id: int):
    mission = db.get_or_404(Mission, mission_id)
    form = LocationForm()
    if form.validate_on_submit():
        try:
            services.save_location(mission, None, _place(form))
        except Refusal as exc:
            show_refusal(form, exc, "name")
        else:
            flash(_("The location is added."), "success")
            return redirect(url_for("care.locations", mission_id=mission.id))
    return render_template("care/location_form.html", form=form, mission=mission, location=None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@managers
def edit_location(location_id: int):
    location = db.get_or_404(MissionLocation, location_id)
    mission = location.mission
    form = LocationForm() if _posted() else LocationForm(obj=location, version=str(location.version))
    if not _posted():
        form.risk_level.data = location.risk_level.value
    if form.validate_on_submit():
        try:
            services.save_location(mission, location, _place(form), version=form_version(form.version.data))
        except Refusal as exc:
            show_refusal(form, exc, "name")
        else:
            flash(_("The location is changed."), "success")
            return redirect(url_for("care.locations", mission_id=mission.id))
    return render_template("care/location_form.html", form=form, mission=mission, location=location)


# --- a tour's checklist and location ------------------------------------------------------------------------------

@bp.route("/deployments/<int:deployment_id>/checklist", methods=["GET", "POST"])
@personal
def checklist(deployment_id: int):
    deployment = get_deployment(deployment_id)
    care = deployment.care
    form = ChecklistForm() if _posted() else ChecklistForm(version=str(care.version) if care else "")
    form.location_id.choices = [("", _("— not known yet —"))] + [
        (str(place.id), f"{place.name} ({RISK_LABELS[place.risk_level.value]})")
        for place in deployment.mission.locations]
    if not _posted():
        current = services.location_of(deployment)
        form.location_id.data = current.id if current else None
        for item in CHECKLIST_ITEMS:
            getattr(form, f"{item}_on").data = care.done_on(item) if care else None
            getattr(form, f"{item}_note").data = care.note(item) if care else ""
    if form.validate_on_submit():
        try:
            services.save_checklist(
                deployment, location_id=form.location_id.data,
                done={item: (getattr(form, f"{item}_on").data, getattr(form, f"{item}_note").data or "")
                      for item in CHECKLIST_ITEMS},
                version=form_version(form.version.data) if care else None, today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "medical_on")
        else:
            flash(_("The checklist is saved."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id, _anchor="care-heading"))
    return render_template("care/checklist_form.html", form=form, deployment=deployment)


# --- incidents ----------------------------------------------------------------------------------------------------

def _report(form: IncidentForm) -> services.Report:
    return services.Report(occurred_on=form.occurred_on.data, kind=form.kind.data,
                           description=form.description.data or "", follow_up=form.follow_up.data or "",
                           informed=form.informed.data or "")


@bp.route("/deployments/<int:deployment_id>/incidents/new", methods=["GET", "POST"])
@personal
def new_incident(deployment_id: int):
    deployment = get_deployment(deployment_id)
    form = IncidentForm()
    if not _posted():
        form.occurred_on.data = today_in_warsaw()
    if form.validate_on_submit():
        try:
            services.record_incident(deployment, _report(form), today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "description")
        else:
            flash(_("The incident is recorded; the coordinators are told."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id, _anchor="incidents-heading"))
    return render_template("care/incident_form.html", form=form, deployment=deployment, incident=None)


@bp.route("/incidents/<int:incident_id>/edit", methods=["GET", "POST"])
@personal
def edit_incident(incident_id: int):
    incident = db.session.get(Incident, incident_id) or abort(404)
    deployment = get_deployment(incident.deployment_id)
    form = IncidentForm() if _posted() else IncidentForm(obj=incident, version=str(incident.version))
    if not _posted():
        form.kind.data = incident.kind.value
    if form.validate_on_submit():
        try:
            services.update_incident(incident, _report(form), version=form_version(form.version.data),
                                     today=today_in_warsaw())
        except Refusal as exc:
            show_refusal(form, exc, "description")
        else:
            flash(_("The incident is changed."), "success")
            return redirect(url_for("deployments.detail", deployment_id=deployment.id, _anchor="incidents-heading"))
    return render_template("care/incident_form.html", form=form, deployment=deployment, incident=incident)
