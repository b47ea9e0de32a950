"""Forms of the duty of care."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from seconding.care.labels import CHECKLIST_LABELS, INCIDENT_KIND_LABELS, RISK_LABELS
from seconding.formtools import Plausible, whole_number
from seconding.models.care import CHECKLIST_ITEMS


class ContactForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Give the contact's name.")),
                                               Length(max=200)])
    relation = StringField(_l("Relationship to the expert"), validators=[Optional(), Length(max=100)],
                           description=_l("For example: spouse, mother, friend."))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    next_of_kin = BooleanField(_l("Next of kin"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)],
                          description=_l("For example: the language to speak, when to call."))


class LocationForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name of the place"), validators=[DataRequired(message=_l("Give the location's name.")),
                                                           Length(max=100)],
                       description=_l("As the positions of the mission name it, e.g. Yeghegnadzor: a tour whose "
                                      "position names it gets this location."))
    risk_level = SelectField(_l("Risk level"), choices=[("", _l("Choose…"))] + list(RISK_LABELS.items()),
                             validators=[DataRequired(message=_l("Choose the risk level."))])
    contact_name = StringField(_l("24/7 national contact (name or role)"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("24/7 phone"), validators=[Optional(), Length(max=50)])
    contact_email = StringField(_l("24/7 e-mail"), validators=[Optional(), Email(), Length(max=254)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


def _location_id(value) -> int | None:
    """None for "not known yet"; an id as written (-1, never a location, for anything else)."""
    if value in (None, ""):
        return None
    number = whole_number(value)
    return -1 if number is None else number


def _checklist_form():
    """The tour's location and, per checklist item, the date it was done and a note."""

    class ChecklistForm(FlaskForm):
        version = HiddenField()
        # The service checks the location is one of the tour's mission: an id that is not one is refused there.
        location_id = SelectField(_l("Location"), coerce=_location_id, validate_choice=False)

    for item in CHECKLIST_ITEMS:
        setattr(ChecklistForm, f"{item}_on", DateField(
            CHECKLIST_LABELS[item], validators=[Optional(), Plausible()],
            description=_l("The date it was done; empty while it is still to do.")))
        setattr(ChecklistForm, f"{item}_note", StringField(
            _l("Note: %(item)s", item=CHECKLIST_LABELS[item]), validators=[Optional(), Length(max=300)]))
    return ChecklistForm


ChecklistForm = _checklist_form()


class IncidentForm(FlaskForm):
    version = HiddenField()
    occurred_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Give a date.")), Plausible()])
    kind = SelectField(_l("Kind"), choices=[("", _l("Choose…"))] + list(INCIDENT_KIND_LABELS.items()),
                       validators=[DataRequired(message=_l("Choose the kind of incident."))])
    description = TextAreaField(_l("What happened"), validators=[DataRequired(message=_l("Say what happened.")),
                                                                 Length(max=5000)])
    follow_up = TextAreaField(_l("Follow-up"), validators=[Optional(), Length(max=5000)],
                              description=_l("What was done, and what is still to do."))
    informed = TextAreaField(_l("Who was informed"), validators=[Optional(), Length(max=2000)],
                             description=_l("For example: the mission's security officer, the family, the "
                                            "ministry's duty officer."))
