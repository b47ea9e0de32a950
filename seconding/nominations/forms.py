"""Forms of the nomination workflow."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seconding.formtools import MultiCheckboxField, Plausible
from seconding.nominations.workflow import ACTION_LABELS, NOMINATION_STATUS_LABELS  # noqa: F401  (the pages' words)

MOTIVATION_MAX = 4000
MOTIVATION_HINT = _l("Why this expert for this position, in a few sentences: it closes the CV sent to the EEAS, in "
                     "English. Needed before submitting.")


class NominationForm(FlaskForm):
    position_id = SelectField(_l("Position"), coerce=int)
    consent_on = DateField(_l("Expert's consent recorded on"), validators=[Optional(), Plausible()],
                           description=_l("Needed before submitting. Filled from the expert's profile when known."))
    motivation = TextAreaField(_l("Motivation"), validators=[Optional(), Length(max=MOTIVATION_MAX)],
                               description=MOTIVATION_HINT)
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class MotivationForm(FlaskForm):
    version = HiddenField()
    motivation = TextAreaField(_l("Motivation"), validators=[Optional(), Length(max=MOTIVATION_MAX)],
                               description=MOTIVATION_HINT)


# The day each of the EEAS's steps happened, as the coordinator records it.
DATE_LABELS = {"shortlist": _l("Shortlisted on"), "interview": _l("Interview held on"), "select": _l("Selected on"),
               "reserve": _l("Put on the reserve list on"), "not_select": _l("Decided on")}
LATE_LABEL = _l("Forwarded after the EEAS deadline (the EEAS accepted it late)")


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    version = HiddenField()
    comment = TextAreaField(_l("Comment or reason"), validators=[Optional(), Length(max=2000)])
    forwarded_on = DateField(_l("Forwarded on"), validators=[Optional(), Plausible()])
    goalkeeper_ref = StringField(_l("Goalkeeper reference"), validators=[Optional(), Length(max=60)])
    late = BooleanField(LATE_LABEL)
    on = DateField(_l("Date"), validators=[Optional(), Plausible()])
    feedback = TextAreaField(_l("EEAS feedback"), validators=[Optional(), Length(max=2000)])
    confirm_warnings = BooleanField(_l("Forward anyway"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on.label.text = DATE_LABELS.get(self.action.data or kwargs.get("action"), self.on.label.text)


class BulkForm(FlaskForm):
    ids = MultiCheckboxField(_l("Nominations"), coerce=int, validate_choice=False)
    action = SelectField(_l("Action"), choices=[("endorse", _l("Endorse")), ("forward", _l("Forward to the EEAS")),
                                                ("package", _l("Package for Goalkeeper (ZIP)"))])
    forwarded_on = DateField(_l("Forwarded on"), validators=[Optional(), Plausible()])
    goalkeeper_ref = StringField(_l("Goalkeeper reference"), validators=[Optional(), Length(max=60)])
    late = BooleanField(LATE_LABEL)
    confirm_warnings = BooleanField(_l("Forward anyway"))


class ConsentForm(FlaskForm):
    consent_on = DateField(_l("The expert consented on"), validators=[
        DataRequired(message=_l("Give the date the expert gave consent.")), Plausible()])


class PlanForm(FlaskForm):
    as_of = DateField(_l("As of"), validators=[Optional(), Plausible()])


class BoardFilters(FlaskForm):
    class Meta:
        csrf = False

    # Closed nominations (a decision taken: selected, reserve, not selected, rejected, withdrawn) apart from open ones.
    show = RadioField(_l("Show"), choices=[("open", lazy_pgettext("nominations", "Open")),
                                           ("closed", lazy_pgettext("nominations", "Closed")),
                                           ("all", lazy_pgettext("nominations", "All"))],
                      default="open")
    status = SelectField(_l("Status"))
    cfc = SelectField(_l("Call for contributions"), coerce=str)
    institution = SelectField(_l("Institution"))
