"""Sign-in with a failed-attempt counter, a temporary lockout and throttling per network address."""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from seconding.audit.services import record
from seconding.auth import common_passwords, directory
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import AuditEvent, User

_DUMMY_HASHES: dict[str, str] = {}


def address_throttled(client_address: str | None) -> bool:
    """Whether sign-in from this network address is refused for a while: failures there lately reached
    LOGIN_ADDRESS_MAX_ACCOUNTS different accounts (guessing across accounts), or LOGIN_ADDRESS_MAX_FAILURES in all.
    One person's failures on their own account count as one account (their account's lockout stops them), so a
    colleague behind the same office NAT still signs in (docs/SECURITY.md)."""
    if not client_address:
        return False
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    accounts, failures = db.session.execute(
        select(func.count(distinct(AuditEvent.actor_label)), func.count(AuditEvent.id)).where(
            AuditEvent.action == "sign_in_failed", AuditEvent.address == client_address, AuditEvent.at >= since)
    ).one()
    return (accounts >= current_app.config["LOGIN_ADDRESS_MAX_ACCOUNTS"]
            or failures >= current_app.config["LOGIN_ADDRESS_MAX_FAILURES"])


def _dummy_hash() -> str:
    """A hash made once with the configured method, checked when there is no account's own to check."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not anybody's password", method=method)
    return _DUMMY_HASHES[method]


def password_matches(user: User | None, password: str) -> bool:
    """The one password check of sign-in: exactly one hash computation whether or not the account exists, so
    that the answer's time tells nothing (unknown e-mail, inactive, locked, throttled or wrong password alike)."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


def count_failure(user: User, reason: str) -> None:
    """A failed sign-in step of this user (wrong password, wrong code...): counts towards the account's lockout
    (unless it is locked already) and is audited as `sign_in_failed`, which the address throttle counts."""
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        reason = "locked" if reason == "locked" else f"{reason}; locked"
    else:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            reason += "; account locked"
    record("sign_in_failed", object_type="user", object_id=user.id, summary=reason,
           institution_id=user.institution_id, actor=user, actor_label=user.email)


def _sign_in_password_ok(user: User | None, address: str, password: str, throttled: bool) -> bool:
    """password_matches, or with directory sign-in (LDAP_URL) the directory's answer, asked for every address
    whether it has an account here or not (the time tells nothing). A throttled address's guesses are not passed
    on to the directory (they would count towards its own lockout). The directory unreachable is audited and
    raises directory.Unreachable: not a failed password, so it counts towards no lockout."""
    if not directory.enabled() or throttled:
        return password_matches(user, password)
    try:
        return directory.password_matches(address, password) and user is not None
    except directory.Unreachable as exc:
        record("sign_in_directory_unreachable", object_type="user", object_id=user.id if user else "",
               summary=str(exc)[:500], institution_id=user.institution_id if user else None, actor_label=address)
        raise


def authenticate(email: str, password: str, client_address: str | None = None,
                 first_locale: str | None = None) -> User | None:
    """The user if the e-mail and password are right and the account may sign in; audits failures. Every branch
    does the same hash work (password_matches) before anything is decided. An address with too many recent
    failures is refused whatever the password. A user signing in for the first time, whose language is still the
    default (nobody chose one), takes `first_locale`: the sign-in page's."""
    address = User.normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    throttled = address_throttled(client_address)
    password_ok = _sign_in_password_ok(user, address, password, throttled)
    if throttled:
        record("sign_in_throttled", object_type="user", summary="too many failures from this address",
               actor_label=address)
        return None
    if user is None:
        record("sign_in_failed", object_type="user", summary="unknown e-mail", actor_label=address)
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        count_failure(user, "locked")
        return None
    if not user.active:
        count_failure(user, "inactive account")
        return None
    if not password_ok:
        count_failure(user, "wrong password")
        return None
    if user.has_second_factor:
        # The sign-in ends after the code (seconding/auth/second_factor.py): the failure count is not reset by
        # the password alone, or guessing codes between correct passwords would never lock the account.
        return user
    return finish_sign_in(user, first_locale)


def finish_sign_in(user: User, first_locale: str | None = None) -> User:
    """The bookkeeping of a successful sign-in: failures forgotten, the first sign-in's language, audited."""
    user.failed_logins = 0
    user.locked_until = None
    if user.last_login_at is None and user.locale in (None, "", "en") and first_locale:
        user.locale = first_locale  # never signed in, still the default: nobody chose for this user
    user.last_login_at = utcnow()
    record("sign_in", object_type="user", object_id=user.id, institution_id=user.institution_id, actor=user)
    return user


def password_problem(password: str, *, email: str, name: str = "") -> str | None:
    """Why a new password is refused (length, built from the person's e-mail or name, or a common one), or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("The password must have at least %(n)d characters.", n=minimum)
    folded = password.casefold()
    local_part = email.split("@")[0].casefold()
    # Short parts ("jk" of jk@...) would ban half the alphabet: only parts of four letters or more count.
    words = [w for w in (email.casefold(), local_part, *name.casefold().split()) if len(w) >= 4]
    if any(word in folded for word in words) or len(set(folded)) < 4:
        return _("The password must not contain your e-mail address or name, nor repeat a few characters.")
    if common_passwords.is_common(password):
        return _("This password is among the most common ones, which attackers try first (also with digits or "
                 "symbols added). Choose another.")
    return None


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password if the current one is right; every other session of the user ends."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    user.end_sessions()
    record("password_changed", object_type="user", object_id=user.id, institution_id=user.institution_id)
    return True
