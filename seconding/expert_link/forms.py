"""Forms of the personal link (the expert's) and of the expert's page (the HR officer's)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from seconding.experts.forms import EducationForm, EmploymentForm, LanguageForm, PeriodForm, _date_field

EMAIL_LOCALES = [("pl", "Polski"), ("en", "English")]


class SendLinkForm(FlaskForm):
    locale = SelectField(_l("Language of the e-mail"), choices=EMAIL_LOCALES, default="pl")


class RejectForm(FlaskForm):
    note = StringField(_l("Why the correction is rejected"), validators=[
        DataRequired(message=_l("Give a reason: it is kept in the history of the record.")), Length(max=500)])


class AcceptForm(FlaskForm):
    """A button: applies the proposal."""


class ConfirmForm(FlaskForm):
    """The expert's "my data is current"."""

    confirm = BooleanField(_l("I have read the data above and it is current."),
                           validators=[DataRequired(message=_l("Tick the box to confirm that the data is current."))])


class CorrectionForm(FlaskForm):
    """What the expert may correct: contact, availability, languages, education, employment."""

    email = StringField(_l("E-mail"), validators=[DataRequired(message=_l("Give the address where you read e-mail.")),
                                                  Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    available_from = _date_field(_l("Available from"), description=_l(
        "The first day you could leave for a mission; today's date if you could leave now."))
    short_notice = BooleanField(_l("Deployable at short notice (within 30 days)"))
    unavailability = FieldList(FormField(PeriodForm), label=_l("Unavailable periods"))
    languages = FieldList(FormField(LanguageForm), label=_l("Languages"))
    education = FieldList(FormField(EducationForm), label=_l("Education"))
    employment = FieldList(FormField(EmploymentForm), label=_l("Employment history"))

    def validate_languages(self, field):
        codes = [entry.form.code.data for entry in field.entries if entry.form.code.data]
        if len(codes) != len(set(codes)):
            raise ValidationError(_l("Each language may be listed once."))


class AnswerForm(FlaskForm):
    """The expert's answer to a draft nomination."""

    version = HiddenField()
    answer = RadioField(_l("Your answer"), choices=[("give", _l("I consent to this nomination")),
                                                   ("refuse", _l("I do not consent to this nomination"))],
                        validators=[InputRequired(message=_l("Choose whether you consent."))])


class WithdrawForm(FlaskForm):
    version = HiddenField()
    confirm = BooleanField(_l("I withdraw my consent: the nomination will be withdrawn."), validators=[
        DataRequired(message=_l("Tick the box to withdraw your consent."))])


class MotivationForm(FlaskForm):
    version = HiddenField()
    motivation = TextAreaField(_l("Motivation"), validators=[Optional(), Length(max=5000)], description=_l(
        "Why you suit this position: it closes the CV sent to the EEAS. Your HR officer may edit it too."))
