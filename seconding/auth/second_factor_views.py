"""The second factor's pages: the code after the password, enrolment on the account page, turning it off or
replacing it, an admin's reset; and the gate that sends a user whose role needs a second factor to enrolment."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from seconding import transaction
from seconding.access import roles_required
from seconding.api.errors import is_api_path
from seconding.auth import second_factor
from seconding.auth.forms import CodeForm, EnrolForm, SecondFactorOffForm
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.formtools import show_refusal
from seconding.models import Role, User

bp = Blueprint("second_factor", __name__)
PENDING = "second_factor_pending"
# What a user who must enrol may still open: the enrolment page, signing out, the language switch, static files.
GATE_OPEN = frozenset({"second_factor.setup", "auth.sign_out", "auth.language", "static", "main.favicon",
                       "main.healthz"})


def await_code(user: User, next_url: str, first_locale: str | None):
    """After a correct password of a user with a second factor: the session is not signed in yet; it remembers,
    for MFA_PENDING_MINUTES, who is signing in (with the session epoch: a sign-out or password change meanwhile
    ends it), and the page to go to."""
    locale = session.get("locale")  # the language chosen on the sign-in page stays for the code's page
    session.clear()
    if locale:
        session["locale"] = locale
    until = utcnow() + timedelta(minutes=current_app.config["MFA_PENDING_MINUTES"])
    session[PENDING] = {"user": user.get_id(), "until": until.timestamp(), "next": next_url,
                        "locale": first_locale}
    return redirect(url_for("second_factor.sign_in_code"))


def _pending_user() -> User | None:
    """The user whose password was right in this session lately and who is asked for a code, or None."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("until"), (int, float)):
        return None
    if pending["until"] < utcnow().timestamp():
        return None
    user_id, _dot, epoch = str(pending.get("user", "")).partition(".")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_epoch != int(epoch) or not user.has_second_factor:
        return None
    return user


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    """The second step of sign-in: a code of the authenticator app or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Sign in with your e-mail and password first (a sign-in waits %(n)d minutes for the code).",
                n=current_app.config["MFA_PENDING_MINUTES"]), "warning")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        pending = session[PENDING]
        signed_in, over = second_factor.sign_in_with_code(user, form.code.data, request.remote_addr, utcnow(),
                                                          first_locale=pending.get("locale"))
        if signed_in is not None:
            next_url = pending.get("next") or url_for("main.dashboard")
            session.clear()
            session.permanent = True
            login_user(signed_in)
            if second_factor.recovery_codes_left(signed_in) < 3:
                flash(_("You have %(n)d recovery codes left. Replace your second factor on your account page to get "
                        "new ones.", n=second_factor.recovery_codes_left(signed_in)), "warning")
            return redirect(next_url)
        if over:
            session.pop(PENDING, None)
            flash(_("Sign-in failed: the e-mail or password is wrong, or the account is locked for a while."),
                  "error")
            return redirect(url_for("auth.sign_in"))
        form.code.errors.append(second_factor.wrong_code_message())
    return render_template("auth/sign_in_code.html", form=form)


@bp.before_app_request
def second_factor_required():
    """A signed-in user whose role needs a second factor and who has none is sent to enrolment; nothing else opens
    until it is done (signing out does). The API (tokens, no session) is not concerned."""
    if request.endpoint in GATE_OPEN or request.endpoint is None or is_api_path():
        return None
    if not current_user.is_authenticated or current_user.has_second_factor:
        return None
    if second_factor.required_for(current_user):
        return redirect(url_for("second_factor.setup"))
    return None


def _setup_page(form=None, off_form=None, start: bool = True):
    """The enrolment page (a new secret made unless one is pending, when `start`: a GET), or the state of the
    second factor with the form to turn it off."""
    user = current_user._get_current_object()
    if user.has_second_factor:
        return render_template("auth/second_factor.html", off_form=off_form or SecondFactorOffForm(formdata=None),
                               required=second_factor.required_for(user),
                               codes_left=second_factor.recovery_codes_left(user))
    if start:
        second_factor.start_enrolment(user)
    if not user.totp_secret:  # a code sent without a set-up in progress: a form refused saves nothing
        return render_template("auth/second_factor_enrol.html", form=form, qr=None, secret=None,
                               required=second_factor.required_for(user))
    uri = second_factor.provisioning_uri(user)
    return render_template("auth/second_factor_enrol.html", form=form or EnrolForm(formdata=None),
                           qr=second_factor.qr_svg(uri, _("QR code to scan with the authenticator app")),
                           secret=second_factor.grouped_secret(user.totp_secret),
                           required=second_factor.required_for(user))


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def setup():
    """Enrolment: the QR code and the secret of a new second factor, switched on by a first code; the recovery
    codes are on the answer to that, once. With a second factor: its state, and the form to turn it off."""
    form = EnrolForm()
    if request.method == "POST" and not current_user.has_second_factor and form.validate_on_submit():
        try:
            codes = second_factor.confirm_enrolment(current_user, form.code.data, utcnow())
        except Refusal as exc:
            show_refusal(form, exc, "code")
        else:
            return render_template("auth/second_factor_codes.html", codes=codes)
    elif request.method == "POST" and current_user.has_second_factor:
        return redirect(url_for("second_factor.setup"))  # enrolled meanwhile (another tab)
    return _setup_page(form=form, start=request.method == "GET")


@bp.route("/account/second-factor/off", methods=["POST"])
@login_required
def turn_off():
    """Turn the second factor off, or replace it (a new phone), proven with a code; the replacement is enrolled
    at once. A role that needs a second factor can only replace it."""
    form = SecondFactorOffForm()
    if not current_user.has_second_factor:
        return redirect(url_for("second_factor.setup"))
    if form.validate_on_submit():
        # A wrong code changes nothing but is audited: the answer is the form with its error, and is committed.
        if not second_factor.disable(current_user, form.code.data, utcnow()):
            form.code.errors.append(second_factor.wrong_code_message())
        elif form.action.data == "replace" or second_factor.required_for(current_user):
            flash(_("Your old second factor is removed. Set up the new one now."), "info")
            return redirect(url_for("second_factor.setup"))
        else:
            flash(_("Your second factor is turned off: signing in takes your password only."), "success")
            return redirect(url_for("auth.account"))
    return _setup_page(off_form=form)


@bp.route("/admin/users/<int:user_id>/second-factor/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def admin_reset(user_id: int):
    """An admin removes a user's second factor (a lost phone); the user enrols again at the next sign-in (or
    may, if the role does not need one). The admin never sees the secret."""
    user = db.session.get(User, user_id) or abort(404)  # the CSRF token is checked for every POST (CSRFProtect)
    if second_factor.reset_by_admin(user):
        flash(_("The second factor of %(email)s is removed. They set up a new one at their next sign-in.",
                email=user.email), "success")
    else:
        transaction.refused()
        flash(_("%(email)s has no second factor. Nothing was changed.", email=user.email), "info")
    return redirect(url_for("admin.edit_user", user_id=user.id))
