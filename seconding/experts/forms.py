"""Forms for experts: the profile with its lists, the pool status, and the list's filters."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from seconding.dates import today_in_warsaw
from seconding.formtools import MultiCheckboxField, PlainSelect
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, EducationLevel, PoolStatus, Sex

SEX_LABELS = {Sex.F: _l("Female"), Sex.M: _l("Male"), Sex.X: _l("Other / not stated")}
POOL_STATUS_LABELS = {PoolStatus.ACTIVE: _l("Active"), PoolStatus.SUSPENDED: _l("Suspended"),
                 PoolStatus.LEFT: _l("Left the pool")}
CLEARANCE_LABELS = {
    ClearanceLevel.NONE: _l("None"),
    ClearanceLevel.RESTRICTED: _l("RESTRICTED (zastrzeżone)"),
    ClearanceLevel.CONFIDENTIAL: _l("CONFIDENTIAL (poufne)"),
    ClearanceLevel.SECRET: _l("SECRET (tajne)"),
    ClearanceLevel.TOP_SECRET: _l("TOP SECRET (ściśle tajne)"),
}
EDUCATION_LABELS = {
    EducationLevel.SECONDARY: _l("Secondary"),
    EducationLevel.POST_SECONDARY: _l("Post-secondary or vocational"),
    EducationLevel.BACHELOR: _l("Bachelor's degree or equivalent"),
    EducationLevel.MASTER: _l("Master's degree or equivalent"),
    EducationLevel.DOCTORATE: _l("Doctorate"),
    EducationLevel.OTHER: _l("Other"),
}
# The five skills of the CEFR self-assessment grid (models.SKILLS order).
SKILL_LABELS = {"listening": _l("Listening"), "reading": _l("Reading"),
                "spoken_interaction": _l("Spoken interaction"), "spoken_production": _l("Spoken production"),
                "writing": _l("Writing")}
LICENCE_LABELS = {DrivingLicence.NONE: _l("None"), DrivingLicence.B: _l("B"), DrivingLicence.B_4X4: _l("B and 4x4")}


def _date_field(label, required: bool = False, **kwargs):
    validators = [DataRequired()] if required else [Optional()]
    return DateField(label, validators=validators, description=kwargs.pop("description", ""), **kwargs)


def _empty(field) -> bool:
    """Nothing was typed into the field (as opposed to something unreadable)."""
    return not (field.raw_data and str(field.raw_data[0]).strip())


LEVEL_CHOICES = [(lv.value, _l("native") if lv == CefrLevel.NATIVE else lv.value) for lv in CefrLevel]


def _skill_field(name: str) -> SelectField:
    return SelectField(SKILL_LABELS[name], choices=[("", _l("as the overall level"))] + LEVEL_CHOICES, default="")


class LanguageForm(Form):
    code = SelectField(_l("Language"), widget=PlainSelect())
    level = SelectField(_l("Level"), choices=[("", "—")] + LEVEL_CHOICES)
    listening = _skill_field("listening")
    reading = _skill_field("reading")
    spoken_interaction = _skill_field("spoken_interaction")
    spoken_production = _skill_field("spoken_production")
    writing = _skill_field("writing")

    def validate_level(self, field):
        if self.code.data and not field.data:
            raise ValidationError(_l("Choose the level of this language."))
        if field.data and not self.code.data:
            raise ValidationError(_l("Choose the language for this level."))


class PeriodForm(Form):
    start = _date_field(_l("From"), description="")
    end = _date_field(_l("To"), description="")
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])

    def validate_start(self, field):
        # Runs only when a start is given (Optional stops the chain otherwise).
        if _empty(self.end):
            raise ValidationError(_l("Give both dates of the period."))

    def validate_reason(self, field):
        if field.data and not self.start.data:
            raise ValidationError(_l("Give both dates of the period."))

    def validate_end(self, field):
        if _empty(self.start):
            raise ValidationError(_l("Give both dates of the period."))
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The period must end on or after its start."))


class HistoryForm(Form):
    mission = StringField(_l("Mission"), validators=[Optional(), Length(max=100)])
    host_country = StringField(_l("Host country"), validators=[Optional(), Length(max=100)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)])
    start = _date_field(_l("From"), description="")
    end = _date_field(_l("To"), description="")
    csdp = BooleanField(_l("EU CSDP mission"), default=True)

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The mission must end on or after its start."))


def _given(field) -> bool:
    """Something is in the field: typed into the page, or filled from the record (a form read from data has no
    raw input)."""
    if field.raw_data is not None:
        return not _empty(field)
    return field.data not in (None, "")


def _require(field, message) -> bool:
    """A filled CV row needs this field: an error at it when empty (a date typed unreadably has its own)."""
    if _empty(field) and not field.errors:
        field.errors = [*field.errors, message]
        return False
    return not field.errors


class EducationForm(Form):
    """A row of the CV's education; a row with nothing typed is dropped."""

    level = SelectField(_l("Level"), default="",
                        choices=[("", "—")] + [(lv.value, label) for lv, label in EDUCATION_LABELS.items()])
    field = StringField(_l("Field of study"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("School, university or academy"), validators=[Optional(), Length(max=200)])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=100)])
    start = _date_field(_l("From"), description="")
    end = _date_field(_l("To"), description="")
    degree = StringField(_l("Degree or title obtained"), validators=[Optional(), Length(max=200)])

    def filled(self) -> bool:
        return any(_given(f) for f in (self.level, self.field, self.organisation, self.country, self.start,
                                              self.end, self.degree))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.filled():
            valid = _require(self.level, _l("Choose the level of this education.")) and valid
            valid = _require(self.organisation, _l("Name the school, university or academy.")) and valid
            valid = _require(self.start, _l("Give the date this education began.")) and valid
        return valid

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The education must end on or after its start."))


class EmploymentForm(Form):
    """A row of the CV's employment history; a row with nothing typed is dropped."""

    employer = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    start = _date_field(_l("From"), description="")
    end = _date_field(_l("To"), description="")
    duties = TextAreaField(_l("Main duties"), validators=[Optional(), Length(max=2000)],
                           description=_l("A few lines, as the application should read them."))

    def filled(self) -> bool:
        return any(_given(f) for f in (self.employer, self.position, self.start, self.end, self.duties))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.filled():
            valid = _require(self.employer, _l("Name the employer.")) and valid
            valid = _require(self.position, _l("Name the position held.")) and valid
            valid = _require(self.start, _l("Give the date this post began.")) and valid
        return valid

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The post must end on or after its start."))


class ExpertForm(FlaskForm):
    version = HiddenField()
    institution_id = SelectField(_l("Home institution"), coerce=int)
    external_id = StringField(_l("Personnel number"), description=_l("The service's own id, unique within it."),
                              validators=[DataRequired(), Length(max=64)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=100)])
    # No default: nobody's sex is chosen for them; the empty first option must be changed.
    sex = SelectField(_l("Sex"), default="",
                      choices=[("", "—")] + [(s.value, label) for s, label in SEX_LABELS.items()],
                      validators=[DataRequired(message=_l("Choose the sex of the expert."))])
    date_of_birth = _date_field(_l("Date of birth"))
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    rank = StringField(_l("Rank or grade"), validators=[Optional(), Length(max=100)])
    experience_years = IntegerField(_l("Years of relevant experience"),
                                    validators=[InputRequired(message=_l("Give a whole number of years.")),
                                                NumberRange(min=0, max=60)])
    primary_expertise = SelectField(_l("Primary expertise area"), validate_choice=True)
    other_expertise = MultiCheckboxField(_l("Other expertise areas"))
    languages = FieldList(FormField(LanguageForm), label=_l("Languages"))
    clearance_level = SelectField(_l("Security clearance"),
                                  choices=[(c.value, label) for c, label in CLEARANCE_LABELS.items()])
    clearance_expires = _date_field(_l("Clearance valid until"))
    passport_expires = _date_field(_l("Passport valid until"))
    driving_licence = SelectField(_l("Driving licence"),
                                  choices=[(d.value, label) for d, label in LICENCE_LABELS.items()])
    available_from = _date_field(_l("Available from"), description=_l(
        "Today's date when available now. An empty date also counts as available now, but leaves the profile "
        "incomplete."))
    short_notice = BooleanField(_l("Deployable at short notice (within 30 days)"))
    pool_status = SelectField(_l("Pool status"), choices=[(s.value, label) for s, label in POOL_STATUS_LABELS.items()])
    consent_on = _date_field(_l("Consent to processing recorded on"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    unavailability = FieldList(FormField(PeriodForm), label=_l("Unavailable periods"))
    history = FieldList(FormField(HistoryForm), label=_l("Earlier missions"))
    education = FieldList(FormField(EducationForm), label=_l("Education"))
    employment = FieldList(FormField(EmploymentForm), label=_l("Employment history"))
    computer_skills = TextAreaField(_l("Computer skills"), validators=[Optional(), Length(max=2000)],
                                    description=_l("As the CV should read them, e.g. MS Office, GIS, i2 Analyst's "
                                                   "Notebook."))

    def validate_date_of_birth(self, field):
        if field.data and not (date(1930, 1, 1) <= field.data <= today_in_warsaw()):
            raise ValidationError(_l("The date of birth must be in the past."))

    def validate_consent_on(self, field):
        if field.data and field.data > today_in_warsaw():
            raise ValidationError(_l("Consent cannot be recorded in the future."))

    def validate_clearance_expires(self, field):
        if self.clearance_level.data != ClearanceLevel.NONE.value and not field.data:
            raise ValidationError(_l("A clearance level needs its expiry date."))

    def validate_other_expertise(self, field):
        if field.data and not self.primary_expertise.data:
            raise ValidationError(_l("Choose the primary area first."))

    def validate_languages(self, field):
        codes = [entry.form.code.data for entry in field.entries if entry.form.code.data]
        if len(codes) != len(set(codes)):
            raise ValidationError(_l("Each language may be listed once."))


class StatusForm(FlaskForm):
    version = HiddenField()
    pool_status = SelectField(_l("New pool status"),
                              choices=[(s.value, label) for s, label in POOL_STATUS_LABELS.items()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class FilterForm(FlaskForm):
    """The expert list's filters (GET; no CSRF): a bad value gets a message and that filter is not applied."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or personnel number"), validators=[Optional(), Length(max=100)])
    institution = SelectField(_l("Institution"))
    language = SelectField(_l("Language"), widget=PlainSelect())
    min_level = SelectField(_l("At least level"),
                            choices=[("", _l("any"))] + LEVEL_CHOICES)
    clearance = SelectField(_l("Clearance at least"),
                            choices=[("", _l("any"))] + [(c.value, label) for c, label in CLEARANCE_LABELS.items()
                                                         if c != ClearanceLevel.NONE])
    expertise = SelectField(_l("Expertise"))
    status = SelectField(_l("Pool status"),
                         choices=[("", _l("any"))] + [(s.value, label) for s, label in POOL_STATUS_LABELS.items()])
    available_on = DateField(_l("Available on"), validators=[Optional()])
    training = SelectField(_l("Mandatory training"), choices=[
        ("", _l("any")), ("valid", _l("all valid")), ("expiring", _l("expiring within the warning period")),
        ("expired", _l("expired or missing"))])
    missing = SelectField(_l("Profile"), choices=[
        ("", _l("any")), ("any", _l("incomplete (any field missing)")),
        ("languages", _l("missing: languages")), ("clearance", _l("missing: security clearance")),
        ("passport", _l("missing: passport")), ("courses", _l("missing: mandatory courses")),
        ("availability", _l("missing: availability")), ("consent", _l("missing: consent to processing")),
        ("cv", _l("missing: CV (education or employment)"))])
    confirmation = SelectField(_l("Confirmed as current"))  # choices name the configured months (views)
    expiring = SelectField(_l("Expired or expiring"), choices=[
        ("", _l("any")), ("clearance", _l("security clearance")), ("passport", _l("passport"))])
    sort = HiddenField(default="name")
