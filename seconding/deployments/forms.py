"""Forms for deployments."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seconding.formtools import Plausible
from seconding.labels import DEPLOYMENT_STATUS_LABELS

DATE_REQUIRED = DataRequired(message=_l("Give a date."))


class AdvanceForm(FlaskForm):
    version = HiddenField()
    on = DateField(_l("Date"), validators=[DATE_REQUIRED, Plausible()])
    # To "deployed" with the pre-deployment checklist incomplete: a coordinator's reason, recorded.
    override = TextAreaField(_l("Reason to start without the complete checklist"),
                             validators=[Optional(), Length(max=2000)])


class ExtendForm(FlaskForm):
    version = HiddenField()
    new_end = DateField(_l("New end date"), validators=[DATE_REQUIRED, Plausible()])
    decided_on = DateField(_l("Decided on"), validators=[DATE_REQUIRED, Plausible()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class CompleteForm(FlaskForm):
    """Completing a tour: asked on a confirmation page before anything changes."""

    version = HiddenField()
    on = DateField(_l("Completed on"), validators=[DATE_REQUIRED, Plausible()])
    confirmed = HiddenField()


class CurtailForm(FlaskForm):
    """Ending a tour early, with its reason: asked on a confirmation page before anything changes."""

    version = HiddenField()
    on = DateField(_l("Ended on"), validators=[DATE_REQUIRED, Plausible()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=2000)])
    confirmed = HiddenField()


class ManualForm(FlaskForm):
    mission_id = SelectField(_l("Mission"), coerce=int)
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)])
    start = DateField(_l("Start"), validators=[DATE_REQUIRED, Plausible()])
    end = DateField(_l("End"), validators=[DATE_REQUIRED, Plausible()])
    status = SelectField(_l("Status"), choices=list(DEPLOYMENT_STATUS_LABELS.items()), default="completed")
    end_reason = TextAreaField(_l("Reason (for a curtailed tour)"), validators=[Optional(), Length(max=2000)])
