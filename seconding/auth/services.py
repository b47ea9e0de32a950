"""Sign-in with a failed-attempt counter and a temporary lockout."""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import AuditEvent, User


def address_throttled(client_address: str | None) -> bool:
    """Whether too many sign-ins failed from this network address lately (guessing across many accounts)."""
    if not client_address:
        return False
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    failures = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sign_in_failed", AuditEvent.address == client_address, AuditEvent.at >= since))
    return failures >= current_app.config["LOGIN_ADDRESS_MAX_FAILURES"]


def authenticate(email: str, password: str, client_address: str | None = None,
                 first_locale: str | None = None) -> User | None:
    """The user if the e-mail and password are right and the account may sign in; audits failures. An address
    with too many recent failures is refused without the password being tried. A user signing in for the first
    time, whose language is still the default (nobody chose one), takes `first_locale`: the sign-in page's."""
    address = User.normalise_email(email)
    if address_throttled(client_address):
        record("sign_in_throttled", object_type="user", summary="too many failures from this address",
               actor_label=address)
        return None
    user = db.session.scalar(select(User).where(User.email == address))
    now = utcnow()
    if user is None:
        record("sign_in_failed", object_type="user", summary="unknown e-mail", actor_label=address)
        return None
    locked = user.locked_until is not None and user.locked_until > now
    if locked or not user.active or not user.check_password(password):
        reason = "locked" if locked else ("inactive account" if not user.active else "wrong password")
        if not locked:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
                user.failed_logins = 0
                reason += "; account locked"
        record(
            "sign_in_failed",
            object_type="user",
            object_id=user.id,
            summary=reason,
            institution_id=user.institution_id,
            actor=user,
            actor_label=address,
        )
        return None
    user.failed_logins = 0
    user.locked_until = None
    if user.last_login_at is None and user.locale in (None, "", "en") and first_locale:
        user.locale = first_locale  # never signed in, still the default: nobody chose for this user
    user.last_login_at = now
    record("sign_in", object_type="user", object_id=user.id, institution_id=user.institution_id, actor=user)
    return user


def password_problem(password: str, *, email: str, name: str = "") -> str | None:
    """Why a new password is refused (length, or built from the person's e-mail or name), or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("The password must have at least %(n)d characters.", n=minimum)
    folded = password.casefold()
    local_part = email.split("@")[0].casefold()
    # Short parts ("jk" of jk@...) would ban half the alphabet: only parts of four letters or more count.
    words = [w for w in (email.casefold(), local_part, *name.casefold().split()) if len(w) >= 4]
    if any(word in folded for word in words) or len(set(folded)) < 4:
        return _("The password must not contain your e-mail address or name, nor repeat a few characters.")
    return None


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password if the current one is right; every other session of the user ends."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    user.end_sessions()
    record("password_changed", object_type="user", object_id=user.id, institution_id=user.institution_id)
    return True
