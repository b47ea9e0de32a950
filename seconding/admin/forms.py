"""Forms for users (admin)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from seconding.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.HR_OFFICER: _l("HR officer"),
    Role.VIEWER: _l("Viewer"),
}


class UserForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    institution_id = SelectField(_l("Institution"), coerce=int)
    active = BooleanField(_l("Active"), default=True)
    version = HiddenField()
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=200)],  # the shortest allowed: PASSWORD_MIN_LENGTH, see _user_form
    )
