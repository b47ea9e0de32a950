"""Forms of the register pages: upload, confirm, anonymise."""
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Regexp

from seconding.access import institutions_in_scope
from seconding.reference import institution_choice


class UploadForm(FlaskForm):
    file = FileField(
        _l("Register file"),
        description=_l("A .csv (UTF-8) or .xlsx file with the register's columns. Nothing is changed until you "
                       "confirm on the next page."),
        validators=[FileRequired(_l("Choose a file.")),
                    FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported."))],
    )
    institution = SelectField(
        _l("Institution for rows without one"),
        description=_l("Optional. When chosen, rows with an empty institution belong to it, and rows naming "
                       "another institution are errors."),
        validate_choice=True,
    )


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])  # the checked file's job key


class AnonymiseForm(FlaskForm):
    """A confirmation: the button is the whole form."""


def upload_form() -> UploadForm:
    """The upload form, its institutions those of the signed-in user's scope."""
    form = UploadForm()
    locale = str(get_locale() or "en")
    form.institution.choices = [("", _("— none: every row names its institution —"))] + [
        (i.code, institution_choice(i, locale)) for i in institutions_in_scope(current_user)]
    return form
