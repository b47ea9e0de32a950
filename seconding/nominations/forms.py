"""Forms of the nomination workflow."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from seconding.missions.forms import Plausible

ACTION_LABELS = {
    "submit": _l("Submit to the coordinator"), "return": _l("Return to the service"), "reject": _l("Reject"),
    "endorse": _l("Endorse"), "forward": _l("Forward to the EEAS"), "shortlist": _l("Record: shortlisted"),
    "interview": _l("Record: interviewed"), "select": _l("Record: selected"), "reserve": _l("Record: reserve list"),
    "not_select": _l("Record: not selected"), "withdraw": _l("Withdraw"),
}
STATUS_LABELS = {
    "draft": _l("draft"), "submitted": _l("submitted"), "endorsed": _l("endorsed"), "forwarded": _l("forwarded"),
    "shortlisted": _l("shortlisted"), "interviewed": _l("interviewed"), "selected": _l("selected"),
    "reserve": _l("reserve"), "not_selected": _l("not selected"), "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}


class NominationForm(FlaskForm):
    position_id = SelectField(_l("Position"), coerce=int)
    consent_on = DateField(_l("Expert's consent recorded on"), validators=[Optional(), Plausible()],
                           description=_l("Needed before submitting. Filled from the expert's profile when known."))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    version = HiddenField()
    comment = TextAreaField(_l("Comment or reason"), validators=[Optional(), Length(max=2000)])
    forwarded_on = DateField(_l("Forwarded on"), validators=[Optional(), Plausible()])
    goalkeeper_ref = StringField(_l("Goalkeeper reference"), validators=[Optional(), Length(max=60)])
    feedback = TextAreaField(_l("EEAS feedback"), validators=[Optional(), Length(max=2000)])
    confirm_warnings = BooleanField(_l("Forward anyway"))


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BulkForm(FlaskForm):
    ids = MultiCheckbox(_l("Nominations"), coerce=int, validate_choice=False)
    action = SelectField(_l("Action"), choices=[("endorse", _l("Endorse")), ("forward", _l("Forward to the EEAS")),
                                                ("package", _l("Package for Goalkeeper (ZIP)"))])
    forwarded_on = DateField(_l("Forwarded on"), validators=[Optional(), Plausible()])
    goalkeeper_ref = StringField(_l("Goalkeeper reference"), validators=[Optional(), Length(max=60)])
    confirm_warnings = BooleanField(_l("Forward anyway"))


class PlanForm(FlaskForm):
    as_of = DateField(_l("As of"), validators=[Optional(), Plausible()])


class BoardFilters(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"))
    cfc = SelectField(_l("Call for contributions"), coerce=str)
    institution = SelectField(_l("Institution"))
