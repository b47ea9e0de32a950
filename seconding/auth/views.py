"""Sign-in, sign-out and the user's own account."""
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from seconding.api import tokens
from seconding.audit.services import record
from seconding.auth import directory, second_factor_views, services
from seconding.auth.forms import PasswordForm, PreferencesForm, RevokeTokenForm, SignInForm, TokenForm
from seconding.calendar import tokens as calendar_tokens
from seconding.calendar.forms import CalendarTokenForm, RevokeCalendarForm
from seconding.db import utcnow
from seconding.extensions import db
from seconding.web import LOCALES

bp = Blueprint("auth", __name__)
TOKEN_FORM_MARK = "api_token_form"
CALENDAR_FORM_MARK = "calendar_token_form"


def _safe_next(target: str | None, fallback: str | None = None) -> str:
    """Only local paths are followed after sign-in or a change of language (no open redirect): not "//host",
    nor "/\\host" (which browsers read as "//host"), nor anything with control characters."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\")) and not urlsplit(target).netloc
            and target.isprintable()):
        return target
    return fallback or url_for("main.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        # A first sign-in keeps the language of the sign-in page (chosen with the switch, else the browser's).
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr,
                                         first_locale=str(get_locale() or "en"))
        except directory.Unreachable:  # audited; not a wrong password
            flash(_("Sign-in is not possible just now: the directory that checks passwords cannot be reached. "
                    "Please try again in a few minutes."), "error")
            return render_template("auth/sign_in.html", form=form)
        if user is not None and user.has_second_factor:  # the password is right; signed in after the code
            return second_factor_views.await_code(user, _safe_next(request.args.get("next")),
                                                  str(get_locale() or "en"))
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
    current_user.end_sessions()  # a copy of this session's cookie is worthless from now on
    locale = current_user.locale
    logout_user()
    session.clear()
    if locale in LOCALES:  # the sign-in page that follows keeps the user's language
        session["locale"] = locale
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordForm(prefix="pw")
    prefs_form = PreferencesForm(prefix="pref", obj=current_user)
    if "pw-submit" in request.form and current_app.config.get("LDAP_URL"):
        # The directory checks passwords: a local one would sign nobody in (the page offers no such form).
        flash(_("Passwords are kept by the ministry's directory: ask its administrators to reset yours."), "info")
        return redirect(url_for("auth.account"))
    if "pw-submit" in request.form:
        if _password_checked(password_form) and services.change_password(
                current_user, password_form.current_password.data, password_form.new_password.data):
            login_user(current_user._get_current_object())  # this session goes on; every other one ended
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    elif "pref-submit" in request.form and prefs_form.validate_on_submit():
        _save_preferences(prefs_form.locale.data, prefs_form.digest_opt_in.data)
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(password_form=password_form, prefs_form=prefs_form)


def _save_preferences(locale: str, digest_opt_in: bool) -> None:
    """Store the user's language and digest choice, audited (the account page and the header's switch)."""
    current_user.locale = locale
    current_user.digest_opt_in = digest_opt_in
    record("preferences_changed", object_type="user", object_id=current_user.id,
           institution_id=current_user.institution_id,
           summary=f"locale={current_user.locale}, digest={'on' if current_user.digest_opt_in else 'off'}")


@bp.route("/language", methods=["POST"])
def language():
    """The language switch in every page's header, also before sign-in: a signed-in user's choice is stored on the
    account, a visitor's in the session. Back to the page it was sent from (a local path only)."""
    locale = request.form.get("locale")
    if locale in LOCALES:
        if not current_user.is_authenticated:
            session["locale"] = locale
        elif current_user.locale != locale:
            _save_preferences(locale, current_user.digest_opt_in)
    fallback = url_for("main.dashboard") if current_user.is_authenticated else url_for("auth.sign_in")
    return redirect(_safe_next(request.form.get("next"), fallback))


def _password_checked(form: PasswordForm) -> bool:
    """Validate the password form with every problem at once: the fields, the current password, the new one."""
    valid = form.validate_on_submit()
    if form.current_password.data and not current_user.check_password(form.current_password.data):
        form.current_password.errors.append(_("The current password is wrong."))
        valid = False
    if form.new_password.data and not form.new_password.errors:
        problem = services.password_problem(form.new_password.data, email=current_user.email,
                                            name=current_user.name)
        if problem:
            form.new_password.errors.append(problem)
            valid = False
    return valid


def _account_page(**forms):
    """The account page with its forms (fresh ones unless given) and the user's API tokens."""
    forms.setdefault("password_form", PasswordForm(prefix="pw", formdata=None))
    forms.setdefault("prefs_form", PreferencesForm(prefix="pref", formdata=None, obj=current_user))
    forms.setdefault("token_form", TokenForm(prefix="token", formdata=None))
    # A one-time mark of this page's token form: sending the same form again (a reload) makes no second token.
    forms["token_form"].once.data = session[TOKEN_FORM_MARK] = secrets.token_urlsafe(16)
    forms.setdefault("calendar_form", CalendarTokenForm(prefix="calendar", formdata=None))
    forms["calendar_form"].once.data = session[CALENDAR_FORM_MARK] = secrets.token_urlsafe(16)
    return render_template("auth/account.html", tokens=db.session.scalars(tokens.user_tokens(current_user)).all(),
                           revoke_form=RevokeTokenForm(formdata=None), now=utcnow(),
                           calendar_token=calendar_tokens.live_token(current_user),
                           calendar_revoke_form=RevokeCalendarForm(formdata=None), **forms)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    """Create a personal API token; its secret is on this response only (never stored, never in a cookie)."""
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _account_page(token_form=form)
    if not form.once.data or form.once.data != session.pop(TOKEN_FORM_MARK, None):
        flash(_("This form was sent already, or comes from an older page: no token was made. Your tokens are "
                "listed below."), "warning")
        return redirect(url_for("auth.account"))
    days = None if form.expires.data == "never" else int(form.expires.data)
    token, secret = tokens.create_token(current_user, form.name.data, days)
    return _account_page(new_token=token, new_secret=secret)


@bp.route("/account/tokens/revoke", methods=["POST"])
@login_required
def revoke_token():
    form = RevokeTokenForm()
    token = tokens.revoke_token(current_user, form.token_id.data) if form.validate_on_submit() else None
    if token is None:
        flash(_("There is no such live token of yours. Nothing was changed."), "error")
    else:
        flash(_("The token “%(name)s” is revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/calendar", methods=["POST"])
@login_required
def create_calendar_token():
    """Make the private calendar URL (replacing the one before); it is on this response only (never stored)."""
    form = CalendarTokenForm(prefix="calendar")
    if not form.validate_on_submit() or not form.once.data or form.once.data != session.pop(CALENDAR_FORM_MARK, None):
        flash(_("This form was sent already, or comes from an older page: no calendar link was made. Your account "
                "page shows the link you have."), "warning")
        return redirect(url_for("auth.account"))
    _token, secret = calendar_tokens.create_token(current_user)
    # BASE_URL is where the app is reached from outside (with the path it is mounted at, if any).
    url = current_app.config["BASE_URL"] + url_for("calendar.ics", secret=secret)[len(request.script_root):]
    return _account_page(new_calendar_url=url)


@bp.route("/account/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_token():
    form = RevokeCalendarForm()
    token = calendar_tokens.revoke_token(current_user) if form.validate_on_submit() else None
    if token is None:
        flash(_("You have no calendar link. Nothing was changed."), "error")
    else:
        flash(_("Your calendar link is revoked: calendar apps subscribed to it get nothing more."), "success")
    return redirect(url_for("auth.account"))
