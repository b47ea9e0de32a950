"""The "confirm as current" form and the labels of the completeness fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField

FIELD_LABELS = {
    "languages": _l("Languages"),
    "clearance": _l("Security clearance"),
    "passport": _l("Passport"),
    "courses": _l("Mandatory courses"),
    "availability": _l("Availability"),
    "consent": _l("Consent to processing"),
    "cv": _l("CV: education and employment"),
}


class ConfirmForm(FlaskForm):
    """Carries the version the page was read at, so a confirmation never covers a change the user has not seen."""

    version = HiddenField()
