"""Forms of the debrief and the end-of-tour appraisal."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seconding.debrief.labels import COMPETENCY_LABELS, GO_AGAIN_LABELS, RATING_LABELS
from seconding.formtools import Plausible
from seconding.models.debrief import COMPETENCIES

TEXT_MAX = 5000


class DebriefForm(FlaskForm):
    version = HiddenField()
    held_on = DateField(_l("Held on"), validators=[DataRequired(message=_l("Give a date.")), Plausible()])
    held_by = SelectField(_l("Held by"), choices=[])  # the users to choose from: set by the view
    held_by_name = StringField(_l("Or the name of the person who held it"), validators=[Optional(), Length(max=200)])
    go_again = SelectField(
        _l("Would the expert go on a mission again?"),
        choices=[("", _l("Choose…"))] + list(GO_AGAIN_LABELS.items()),
        validators=[DataRequired(message=_l("Say whether the expert would go on a mission again."))])
    lessons = TextAreaField(_l("Lessons for the next expert to this mission"),
                            validators=[Optional(), Length(max=TEXT_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=TEXT_MAX)])


RATING_CHOICES = [("", _l("Not rated"))] + list(RATING_LABELS.items())


class AppraisalForm(FlaskForm):
    version = HiddenField()
    received_on = DateField(_l("Mission's assessment received on"), validators=[Optional(), Plausible()])
    assessment = TextAreaField(_l("The mission's assessment"), validators=[Optional(), Length(max=TEXT_MAX)])

    def ratings(self) -> dict[str, str]:
        """The rating chosen per competency ('' when not rated)."""
        return {competency: self[rating_field(competency)].data or "" for competency in COMPETENCIES}


def rating_field(competency: str) -> str:
    return f"rating_{competency}"


for _competency in COMPETENCIES:
    setattr(AppraisalForm, rating_field(_competency),
            SelectField(COMPETENCY_LABELS[_competency], choices=RATING_CHOICES, default=""))
