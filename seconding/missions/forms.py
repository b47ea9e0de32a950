"""Forms for missions, CfCs, positions and the annex upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from seconding.dates import BRUSSELS, WARSAW, local, to_utc
from seconding.errors import Refusal
from seconding.formtools import MultiCheckboxField, Plausible
from seconding.missions.requirements import format_languages, parse_languages
from seconding.missions.services import CfcData, MissionData, PositionData
from seconding.models import (
    Cfc,
    CfcKind,
    CfcStatus,
    ClearanceLevel,
    Course,
    DrivingLicence,
    ExpertiseArea,
    Position,
    PositionCategory,
    Regime,
)

REGIME_LABELS = {
    Regime.SECONDED: _l("Seconded"),
    Regime.SECONDED_CONTRACTED: _l("Seconded or contracted"),
    Regime.CONTRACTED: _l("Contracted"),
}
# The Compact's categories of post; management, operational and key posts are to be 100 % seconded.
CATEGORY_LABELS = {
    PositionCategory.MANAGEMENT: _l("Management"),
    PositionCategory.OPERATIONAL: _l("Operational"),
    PositionCategory.KEY: _l("Key"),
    PositionCategory.OTHER: _l("Other"),
}
KIND_LABELS = {CfcKind.REGULAR: _l("Regular"), CfcKind.EXTRAORDINARY: _l("Extraordinary")}
CFC_STATUS_LABELS = {CfcStatus.OPEN: _l("Open"), CfcStatus.CLOSED: _l("Closed")}
CLEARANCE_LABELS = {
    ClearanceLevel.NONE: _l("None required"),
    ClearanceLevel.RESTRICTED: _l("RESTRICTED (RESTREINT UE, zastrzeżone)"),
    ClearanceLevel.CONFIDENTIAL: _l("CONFIDENTIAL (CONFIDENTIEL UE, poufne)"),
    ClearanceLevel.SECRET: _l("SECRET (SECRET UE, tajne)"),
    ClearanceLevel.TOP_SECRET: _l("TOP SECRET (TRES SECRET UE, ściśle tajne)"),
}
LICENCE_LABELS = {
    DrivingLicence.NONE: _l("Not required"),
    DrivingLicence.B: _l("Category B"),
    DrivingLicence.B_4X4: _l("Category B, with 4x4 experience"),
}


class LanguagesField(StringField):
    """'en:C1; ru:B2' typed by a person; `.languages` holds the parsed pairs after validation."""

    languages: list = []

    def pre_validate(self, form) -> None:
        try:
            self.languages = parse_languages(self.data or "")
        except Refusal as exc:
            self.languages = []
            raise ValidationError(str(exc)) from exc


class MissionForm(FlaskForm):
    acronym = StringField(_l("Acronym"), validators=[DataRequired(), Length(max=40)],
                          description=_l("As the EEAS writes it, e.g. EUMM Georgia. Civilian missions only."))
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    host_country = StringField(_l("Host country"), validators=[DataRequired(), Length(max=100)])
    hq_city = StringField(_l("Headquarters"), validators=[Optional(), Length(max=100)])
    start_year = IntegerField(_l("Launched in (year)"), validators=[Optional(), NumberRange(min=1990, max=2100)])
    mandate_end = DateField(_l("Mandate ends on"), validators=[Optional(), Plausible()],
                            description=_l("As decided by the Council; leave empty when not confirmed."))
    active = BooleanField(_l("Active (calls for contributions can be recorded)"), default=True)
    version = HiddenField()


def _chosen_id(value) -> int | None:
    """An id picked in a list whose first, empty choice means none (None); anything but digits is refused."""
    return None if value in (None, "") else int(value)


class CfcForm(FlaskForm):
    mission_id = SelectField(_l("Mission"), coerce=_chosen_id, validators=[InputRequired()])
    reference = StringField(_l("Reference"), validators=[DataRequired(), Length(max=60)],
                            description=_l("As the EEAS writes it, e.g. EUMM Georgia 2-2026."))
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    published_on = DateField(_l("Published on"), validators=[Optional(), Plausible()])
    eeas_date = DateField(_l("EEAS deadline: date"), validators=[InputRequired(), Plausible()])
    eeas_time = TimeField(_l("EEAS deadline: time"), validators=[InputRequired()],
                          description=_l("Brussels time."))
    national_date = DateField(_l("National deadline: date"), validators=[InputRequired(), Plausible()],
                              description=_l("Not after the EEAS deadline."))
    national_time = TimeField(_l("National deadline: time"), validators=[InputRequired()],
                              description=_l("Warsaw time."))
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in CFC_STATUS_LABELS.items()])
    version = HiddenField()


class PositionForm(FlaskForm):
    reference = StringField(_l("Reference code"), validators=[DataRequired(), Length(max=40)],
                            description=_l("As in the CfC's annex, e.g. GEO ZM 12."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=100)])
    regime = SelectField(_l("Regime"), choices=[(r.value, label) for r, label in REGIME_LABELS.items()])
    category = SelectField(_l("Category of post"), default=PositionCategory.OTHER.value,
                           choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()],
                           description=_l("As the Civilian CSDP Compact counts posts: management, operational and "
                                          "key posts are all to be seconded."))
    posts = IntegerField(_l("Number of posts"), default=1, validators=[
        InputRequired(message=_l("Give the number of posts (1 or more).")),
        NumberRange(min=1, max=999, message=_l("The number of posts must be between 1 and 999."))])
    available_on = DateField(_l("Available on"), validators=[Optional(), Plausible()],
                             description=_l("Leave empty for ASAP (matching assumes a start 30 days after the "
                                            "as-of date)."))
    tour_months = IntegerField(_l("Tour length (months)"), default=12, validators=[
        InputRequired(message=_l("Give the tour length in months.")),
        NumberRange(min=1, max=48, message=_l("The tour must last between 1 and 48 months."))])
    clearance_level = SelectField(_l("Required security clearance"),
                                  choices=[(c.value, label) for c, label in CLEARANCE_LABELS.items()])
    min_experience_years = IntegerField(_l("Minimum years of experience"), default=0, validators=[
        InputRequired(message=_l("Give the minimum years of experience (0 for none).")),
        NumberRange(min=0, max=60, message=_l("Years of experience must be between 0 and 60."))])
    languages_essential = LanguagesField(
        _l("Essential languages"), validators=[Length(max=200)],
        description=_l("Code and level separated by “;”, e.g. en:C1; ru:B2 (levels A1 to C2, or native)."))
    languages_desirable = LanguagesField(
        _l("Desirable languages"), validators=[Length(max=200)],
        description=_l("Same format, e.g. ka:A2."))
    expertise = SelectField(_l("Expertise area"), choices=[])
    driving_licence = SelectField(_l("Driving licence"),
                                  choices=[(d.value, label) for d, label in LICENCE_LABELS.items()])
    courses_required = MultiCheckboxField(_l("Extra required courses"), choices=[],
                                          description=_l("Besides the courses every deployment needs."))
    courses_desirable = MultiCheckboxField(_l("Desirable courses"), choices=[])
    version = HiddenField()


class AnnexUploadForm(FlaskForm):
    file = FileField(_l("Annex file (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("One row per position, with the columns listed below."))


class AnnexConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])  # the check job's key


# --- between forms and service data ---------------------------------------------------------------

# Service field names that differ from the form's.
FORM_FIELDS = {"national_deadline": "national_date", "eeas_deadline": "eeas_date"}


def mission_data(form: MissionForm) -> MissionData:
    return MissionData(acronym=form.acronym.data or "", name=form.name.data or "",
                       host_country=form.host_country.data or "", hq_city=form.hq_city.data or "",
                       start_year=form.start_year.data, mandate_end=form.mandate_end.data, active=form.active.data)


def cfc_data(form: CfcForm) -> CfcData:
    return CfcData(
        mission_id=form.mission_id.data, reference=form.reference.data or "", kind=CfcKind(form.kind.data),
        published_on=form.published_on.data, status=CfcStatus(form.status.data),
        eeas_deadline=to_utc(form.eeas_date.data, form.eeas_time.data, BRUSSELS),
        national_deadline=to_utc(form.national_date.data, form.national_time.data, WARSAW),
    )


def fill_cfc_form(form: CfcForm, cfc: Cfc) -> None:
    """Put the stored CfC in the form, deadlines as local wall-clock time."""
    eeas, national = local(cfc.eeas_deadline, BRUSSELS), local(cfc.national_deadline, WARSAW)
    form.mission_id.data, form.reference.data = cfc.mission_id, cfc.reference
    form.kind.data, form.status.data, form.published_on.data = cfc.kind.value, cfc.status.value, cfc.published_on
    form.eeas_date.data, form.eeas_time.data = eeas.date(), eeas.time()
    form.national_date.data, form.national_time.data = national.date(), national.time()
    form.version.data = cfc.version


def set_position_choices(form: PositionForm, courses: list[Course], areas: list[ExpertiseArea],
                         locale: str = "en") -> None:
    """Choices read from the reference data (mandatory courses are needed for every deployment anyway)."""
    form.expertise.choices = [("", _l("None in particular"))] + [(a.code, a.name(locale)) for a in areas]
    anyway = _l("needed for every deployment anyway")  # outside the f-string, where extraction finds it
    form.courses_required.choices = [
        (c.code, f"{c.code} — {c.name}" + (f" ({anyway})" if c.mandatory else "")) for c in courses]
    form.courses_desirable.choices = [(c.code, f"{c.code} — {c.name}") for c in courses if not c.mandatory]


def position_data(form: PositionForm) -> PositionData:
    return PositionData(
        reference=form.reference.data or "", title=form.title.data or "", location=form.location.data or "",
        regime=Regime(form.regime.data), category=PositionCategory(form.category.data), posts=form.posts.data,
        available_on=form.available_on.data,
        tour_months=form.tour_months.data, clearance_level=ClearanceLevel(form.clearance_level.data),
        min_experience_years=form.min_experience_years.data,
        languages_essential=form.languages_essential.languages,
        languages_desirable=form.languages_desirable.languages,
        expertise=form.expertise.data or None, driving_licence=DrivingLicence(form.driving_licence.data),
        courses_required=list(form.courses_required.data or []),
        courses_desirable=list(form.courses_desirable.data or []),
    )


def fill_position_form(form: PositionForm, position: Position) -> None:
    """Put the stored position in the form."""
    for name in ("reference", "title", "location", "posts", "available_on", "tour_months", "min_experience_years"):
        getattr(form, name).data = getattr(position, name)
    form.regime.data = position.regime.value
    form.category.data = position.category.value
    form.clearance_level.data = position.clearance_level.value
    form.driving_licence.data = position.driving_licence.value
    form.expertise.data = position.expertise_area.code if position.expertise_area else ""
    form.languages_essential.data = format_languages(position.languages_essential)
    form.languages_desirable.data = format_languages(position.languages_desirable)
    form.courses_required.data = position.courses_required
    form.courses_desirable.data = position.courses_desirable
    form.version.data = position.version
