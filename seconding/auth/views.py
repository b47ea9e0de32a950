"""Sign-in, sign-out and the user's own account."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from seconding.audit.services import record
from seconding.auth import services
from seconding.auth.forms import PasswordForm, PreferencesForm, SignInForm
from seconding.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            session.clear()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Sign-in failed: the e-mail or password is wrong, or the account is locked for a while."), "error")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    record("sign_out", object_type="user", object_id=current_user.id, institution_id=current_user.institution_id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordForm(prefix="pw")
    prefs_form = PreferencesForm(prefix="pref", obj=current_user)
    if "pw-submit" in request.form and password_form.validate_on_submit():
        if services.change_password(current_user, password_form.current_password.data, password_form.new_password.data):
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
        password_form.current_password.errors.append(_("The current password is wrong."))
    elif "pref-submit" in request.form and prefs_form.validate_on_submit():
        current_user.locale = prefs_form.locale.data
        current_user.digest_opt_in = prefs_form.digest_opt_in.data
        record("preferences_changed", object_type="user", object_id=current_user.id,
               institution_id=current_user.institution_id,
               summary=f"locale={current_user.locale}, digest={'on' if current_user.digest_opt_in else 'off'}")
        db.session.commit()
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form, prefs_form=prefs_form)
