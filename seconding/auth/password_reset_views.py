"""Password reset pages: asking for a link ("Forgot your password?" on the sign-in page), the answer (the same
whether or not the address has an account), the link's page that sets a new password, and an admin's button that
sends a user the link. The rules are in seconding/auth/password_reset.py."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from seconding.access import roles_required
from seconding.auth import password_reset
from seconding.auth.services import password_problem
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.models import Role, User

bp = Blueprint("password", __name__)


class ForgotForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


def _unavailable():
    flash(_("Passwords are kept by the ministry's directory: ask its administrators to reset yours."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot():
    if not password_reset.available():
        return _unavailable()
    form = ForgotForm()
    if form.validate_on_submit():
        if password_reset.request_reset(form.email.data, request.remote_addr):
            return redirect(url_for("password.forgot_sent"))
        form.email.errors.append(_("Too many links were asked for from your network address. Try again in an "
                                   "hour, or ask an administrator to send you one."))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/forgot-password/sent")
def forgot_sent():
    """The one answer to every request, whether or not the address has an account."""
    return render_template("auth/forgot_password_sent.html",
                           minutes=current_app.config["PASSWORD_RESET_MINUTES"])


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str):
    if not password_reset.available():
        return _unavailable()
    user = password_reset.user_for_token(token)
    if user is None:
        if request.method == "POST":
            flash(_("This link no longer works: it is valid for %(n)d minutes and once only, and a sign-in or a new "
                    "password since it was sent ends it. Ask for a new one below.",
                    n=current_app.config["PASSWORD_RESET_MINUTES"]), "error")
            return redirect(url_for("password.forgot"))
        return render_template("auth/reset_password.html", form=None,
                               minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    form = NewPasswordForm()
    valid = form.validate_on_submit()
    if form.password.data and not form.password.errors:
        problem = password_problem(form.password.data, email=user.email, name=user.name)
        if problem:
            form.password.errors.append(problem)
            valid = False
    if valid:
        password_reset.set_new_password(user, form.password.data)
        flash(_("Your new password is set, and every session of yours has ended. Sign in with it."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/admin/users/<int:user_id>/password-link", methods=["POST"])
@roles_required(Role.ADMIN)
def send_link(user_id: int):
    """An admin sends the user a link to set a new password (instead of typing one for them)."""
    user = db.session.get(User, user_id) or abort(404)
    if not password_reset.available():
        abort(404)
    try:
        password_reset.send_by_admin(user)
    except Refusal as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    flash(_("A link to set a new password is on its way to %(email)s; it is valid for %(n)d minutes.",
            email=user.email, n=current_app.config["PASSWORD_RESET_MINUTES"]), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
