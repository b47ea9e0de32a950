"""Forms for courses, training records and course sessions."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from seconding.dates import today_in_warsaw
from seconding.formtools import Plausible

DATE_HINT = ""


class NotInFuture:
    """Validator: a completion date is in the past (or today) and not before 1990, as in the register."""

    def __call__(self, form, field) -> None:
        if field.data and not (date(1990, 1, 1) <= field.data <= today_in_warsaw()):
            raise ValidationError(_l("Use a date from 1990-01-01 to today."))


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), description=_l("Capital letters, digits and _ (used in the register)."),
                       validators=[DataRequired(), Length(max=32),
                                   Regexp(r"^[A-Za-z0-9_]+$", message=_l("Use letters, digits and _ only."))])
    name = StringField(_l("Course name"), validators=[DataRequired(), Length(max=200)])
    provider = StringField(_l("Provider"), validators=[Optional(), Length(max=200)])
    validity_months = IntegerField(_l("Validity in months"), description=_l("Leave empty when it does not expire."),
                                   validators=[Optional(), NumberRange(min=1, max=240)])
    mandatory = BooleanField(_l("Mandatory before deployment"))
    version = HiddenField()


class TrainingRecordForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int)
    completed_on = DateField(_l("Completed on"), description=DATE_HINT,
                             validators=[DataRequired(message=_l("Give a date as YYYY-MM-DD.")), NotInFuture()])
    expires_on = DateField(_l("Valid until"), validators=[Optional(), Plausible()],
                           description=_l("Leave empty to compute it from the course's validity."))
    certificate_ref = StringField(_l("Certificate reference"), validators=[Optional(), Length(max=100)])

    def validate_expires_on(self, field):
        if field.data and self.completed_on.data and field.data < self.completed_on.data:
            raise ValidationError(_l("The expiry date must be on or after the completion date."))


class SessionForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int)
    completed_on = DateField(_l("Date of the session"), description=DATE_HINT,
                             validators=[DataRequired(message=_l("Give a date as YYYY-MM-DD.")), NotInFuture()])
    institution = SelectField(_l("Institution of the participants"))
    participants = TextAreaField(_l("Participants' personnel numbers"),
                                 description=_l("One per line, or separated by commas or spaces."),
                                 validators=[DataRequired(), Length(max=100_000)])
