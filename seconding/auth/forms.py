"""Sign-in and account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange


class SignInForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],  # the shortest allowed: services.password_problem
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("en", "English"), ("pl", "Polski")])
    digest_opt_in = BooleanField(_l("Send me the monthly compliance digest"))


TOKEN_EXPIRY_CHOICES = [("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("1 year")),
                        ("never", _l("Never"))]


class TokenForm(FlaskForm):
    """A new personal API token: a name to tell it apart, and how long it lives."""

    name = StringField(_l("Token name"), description=_l("What it is for, e.g. “Police HR system”."),
                       validators=[DataRequired(), Length(max=100)])
    expires = SelectField(_l("Expires after"), choices=TOKEN_EXPIRY_CHOICES, default="90")
    once = HiddenField()


class RevokeTokenForm(FlaskForm):
    token_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class CodeForm(FlaskForm):
    """A code of the second factor: six digits from the authenticator app, or a recovery code."""

    code = StringField(_l("Code"), description=_l("The six digits your authenticator app shows now, or one of your "
                                                  "recovery codes."),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class EnrolForm(FlaskForm):
    """The first code of a new second factor, which switches it on."""

    code = StringField(_l("Code from the app"), description=_l("The six digits the app shows for this account."),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class SecondFactorOffForm(FlaskForm):
    """Turning the second factor off, or replacing it, proven with a current code or a recovery code."""

    code = StringField(_l("Code"), description=_l("The six digits your authenticator app shows now, or one of your "
                                                  "recovery codes."),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})
    action = HiddenField()
