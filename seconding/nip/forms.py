"""Forms of the NIP."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from seconding.formtools import MultiCheckboxField, Plausible
from seconding.models import NipStatus
from seconding.nip.figures import LINKABLE_FIGURES
from seconding.nip.services import ActionData, CommitmentData, TargetData, UpdateData

NIP_STATUS_LABELS = {
    NipStatus.PLANNED: _l("planned"),
    NipStatus.IN_PROGRESS: _l("in progress"),
    NipStatus.COMPLETED: _l("completed"),
    NipStatus.DELAYED: _l("delayed"),
    NipStatus.CANCELLED: _l("cancelled"),
}
FLAG_LABELS = {"overdue": _l("overdue"), "at_risk": _l("at risk"), "stale": _l("stale")}
PERCENT = NumberRange(min=0, max=100, message=_l("Give a percentage from 0 to 100."))
STATUS_CHOICES = [(s.value, label) for s, label in NIP_STATUS_LABELS.items()]
LIMIT = 10**12


class Finite:
    """Validator: an ordinary number (no NaN or infinity, at most a trillion either way)."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not (field.data.is_finite() and abs(field.data) < LIMIT):
            raise ValidationError(_l("Give an ordinary number."))


def number_field(label, **kwargs) -> DecimalField:
    return DecimalField(label, validators=[Optional(), Finite()], places=None, **kwargs)


class ActionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("A short national reference, e.g. NIP-2023-07."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    commitment_ids = MultiCheckboxField(_l("Compact commitments"), coerce=int, choices=[])
    lead_institution_id = SelectField(_l("Lead institution"), coerce=int, choices=[])
    partner_ids = SelectMultipleField(_l("Partner institutions"), coerce=int, choices=[],
                                      description=_l("Hold Ctrl (or Cmd) to choose several."))
    start_on = DateField(_l("Start"), validators=[Optional(), Plausible()])
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Give the due date.")), Plausible()])
    indicator = StringField(_l("Indicator"), validators=[Optional(), Length(max=300)],
                            description=_l("What is measured, e.g. experts trained in HEAT."))
    indicator_unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)])
    indicator_baseline = number_field(_l("Baseline"))
    indicator_target = number_field(_l("Target"))
    indicator_figure = SelectField(
        _l("The indicator follows"), default="",
        choices=[("", _l("Values typed in with progress updates"))] + list(LINKABLE_FIGURES.items()),
        description=_l("A figure the app computes from the tours: its current value is this year's, as on the "
                       "national targets page, instead of the last value typed in."))
    version = HiddenField()


class InitialStateForm(FlaskForm):
    """The state a new action starts in (later changes come as progress updates); sent with the ActionForm,
    which carries the CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default=NipStatus.PLANNED.value)
    progress = IntegerField(_l("Progress (%)"), default=0, validators=[InputRequired(), PERCENT])
    value = number_field(_l("Current value of the indicator"))


class ProgressForm(FlaskForm):
    reported_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date.")), Plausible()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    progress = IntegerField(_l("Progress (%)"), validators=[InputRequired(message=_l("Give the progress.")),
                                                            PERCENT])
    value = number_field(_l("Current value of the indicator"))
    narrative = TextAreaField(_l("What was done"), validators=[DataRequired(message=_l("Say what was done.")),
                                                               Length(max=5000)])
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=500)],
                               description=_l("A link to the document or page that shows it (https://...)."))
    version = HiddenField()


class CommitmentForm(FlaskForm):
    edition = SelectField(_l("Edition"), coerce=int, choices=[(2018, "2018"), (2023, "2023")])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    strand = StringField(_l("Cluster (2018) or strand (2023)"), validators=[Optional(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    source = StringField(_l("Source"), validators=[DataRequired(message=_l("Give the Council text it comes from.")),
                                                   Length(max=500)],
                         description=_l("The Council text it comes from."))
    version = HiddenField()


class CommitmentImportForm(FlaskForm):
    file = FileField(_l("Commitments file (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("Columns: code, edition, strand, title, description, source."))


class TargetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(message=_l("Give the year.")),
                                                NumberRange(min=2000, max=2100)])
    experts_deployed = IntegerField(_l("Experts deployed"), validators=[Optional(), NumberRange(min=0, max=100000)])
    women_percent = IntegerField(_l("Share of women (%)"), validators=[Optional(), PERCENT])
    seconded_percent = IntegerField(_l("Share of seconded posts (%)"), validators=[Optional(), PERCENT])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    version = HiddenField()


def _number(value) -> float | None:
    return None if value is None else float(value)


def _read(field):
    """A field's value, or None when the form could not read it (its errors say why)."""
    return None if field.errors else field.data


def action_data(form: ActionForm) -> ActionData:
    """The action of an ActionForm; a value the form could not read is None (the services check it no further)."""
    return ActionData(code=form.code.data or "", title=form.title.data or "",
                      lead_institution_id=_read(form.lead_institution_id), due_on=_read(form.due_on),
                      description=form.description.data or "", start_on=form.start_on.data,
                      partner_ids=list(form.partner_ids.data or []),
                      commitment_ids=list(form.commitment_ids.data or []),
                      indicator=form.indicator.data or "", indicator_unit=form.indicator_unit.data or "",
                      indicator_baseline=_number(form.indicator_baseline.data),
                      indicator_target=_number(form.indicator_target.data),
                      indicator_figure=form.indicator_figure.data or "")


def update_data(form) -> UpdateData:
    """The progress update of a ProgressForm, or the initial state of an InitialStateForm (dated by the caller); a
    value the form could not read is None."""
    status = _read(form.status)
    value = _read(form.value)
    return UpdateData(reported_on=_read(form.reported_on) if hasattr(form, "reported_on") else None,
                      status=NipStatus(status) if status in NipStatus.values() else None,
                      progress=_read(form.progress), value=_number(value),
                      narrative=(form.narrative.data or "") if hasattr(form, "narrative") else "",
                      evidence_url=(form.evidence_url.data or "") if hasattr(form, "evidence_url") else "")


def commitment_data(form: CommitmentForm) -> CommitmentData:
    return CommitmentData(edition=_read(form.edition), code=form.code.data or "", title=form.title.data or "",
                          strand=form.strand.data or "", description=form.description.data or "",
                          source=form.source.data or "")


def target_data(form: TargetForm) -> TargetData:
    return TargetData(year=_read(form.year), experts_deployed=_read(form.experts_deployed),
                      women_percent=_read(form.women_percent), seconded_percent=_read(form.seconded_percent),
                      note=form.note.data or "")
