"""Password reset by e-mail (SPEC 15): a signed link, valid PASSWORD_RESET_MINUTES (30), that sets a new password.

No table: the link carries the user's id and a fingerprint of what a use of it changes (the password hash) and of
what a successful sign-in changes (the time of the last sign-in), signed with the app's secret and timed. A new
password, from this link or elsewhere, or a sign-in after the link was sent, makes it worthless: single use.

Asking for a link answers the same whether or not the address has an account, and costs the same: the e-mail is
built either way and sent after the commit by a thread of its own, so the answer's time does not depend on the mail
server. Requests are throttled per e-mail address (a few mails an hour, silently: the answer stays the same) and per
network address (a clear message, which tells nothing about accounts). Every request is audited with the address.
"""
import hashlib
from datetime import UTC, timedelta

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.mail import build_message, message_id, send_after_commit
from seconding.models import AuditEvent, User

SALT = "password-reset"
REQUESTED = "password_reset_requested"


def available() -> bool:
    """Whether passwords are the app's to reset: with directory sign-in (LDAP_URL) the directory keeps them."""
    return not current_app.config.get("LDAP_URL")


class _Signer(TimestampSigner):
    """itsdangerous's timed signer on the app's clock (seconding.db.utcnow), so tests can move it."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT, signer=_Signer)


def _fingerprint(user: User) -> str:
    """What a use of the link (a new password) or a successful sign-in changes, and the address it was sent to."""
    last = user.last_login_at.astimezone(UTC).replace(tzinfo=None).isoformat() if user.last_login_at else "-"
    seen = f"{user.password_hash}|{last}|{user.email}"
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The active user the link was made for, if it is genuine, younger than PASSWORD_RESET_MINUTES and nothing it
    fingerprints changed since; else None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MINUTES"] * 60)
    except BadSignature:  # forged, damaged or expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data["f"] != _fingerprint(user):
        return None
    return user


def _recent(*conditions) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["PASSWORD_RESET_WINDOW_MINUTES"])
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == REQUESTED, AuditEvent.at >= since, *conditions))


def address_throttled(client_address: str | None) -> bool:
    """Too many requests for a link from this network address within the window."""
    return bool(client_address) and (_recent(AuditEvent.address == client_address)
                                     >= current_app.config["PASSWORD_RESET_MAX_PER_ADDRESS"])


def request_reset(email: str, client_address: str | None) -> bool:
    """Someone asks for a link for this e-mail address: sent (after the commit) if an active account has it and it
    was asked for less than PASSWORD_RESET_MAX_PER_ACCOUNT times in the window. False only when the network
    address is throttled (nothing is sent then); the caller answers the same page in every other case."""
    address = User.normalise_email(email)
    if address_throttled(client_address):
        record("password_reset_throttled", object_type="user", summary="too many requests from this address",
               actor_label=address)
        return False
    user = db.session.scalar(select(User).where(User.email == address))
    asked = _recent(AuditEvent.actor_label == address)
    if user is None:
        outcome = "no such account: nothing sent"
    elif not user.active:
        outcome = "inactive account: nothing sent"
    elif asked >= current_app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"]:
        outcome = "asked too often for this account: nothing sent"
    else:
        outcome = "link sent"
    send = outcome == "link sent"
    # The same work either way: the e-mail is built (for a stand-in when nothing is to be sent).
    name, mail = _message(user if send else User(email=address, name="", locale=(user and user.locale) or "en"))
    record(REQUESTED, object_type="user", object_id=user.id if user else "", summary=outcome,
           institution_id=user.institution_id if user else None, actor_label=address)
    if send:
        send_after_commit(name, mail, "password reset")
    return True


def send_by_admin(user: User) -> None:
    """An admin sends the user the same link, instead of typing a password for them (audited)."""
    if not user.active:
        raise Refusal(_("This account is inactive: activate it first, then send the link."))
    name, mail = _message(user)
    record("password_reset_sent", object_type="user", object_id=user.id, institution_id=user.institution_id,
           summary=f"a link to set a new password sent to {user.email}")
    send_after_commit(name, mail, "password reset")


def set_new_password(user: User, password: str) -> None:
    """The link's new password (the policy was checked): every session of the user ends, a lockout is lifted (the
    person has shown they hold the mailbox), audited. The link is spent: the fingerprint changed."""
    user.set_password(password)
    user.end_sessions()
    user.failed_logins = 0
    user.locked_until = None
    record("password_reset", object_type="user", object_id=user.id, institution_id=user.institution_id,
           actor=user, summary="new password set with a link sent by e-mail")


def _link(token: str) -> str:
    """The link as seen from outside: BASE_URL (with the path the app is mounted at, if any)."""
    path = url_for("password.reset", token=token)
    return current_app.config["BASE_URL"] + path[len(request.script_root):]


def _message(user: User):
    """The e-mail with the link, in the user's language."""
    token = make_token(user)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    locale = user.locale or "en"
    with force_locale(locale):
        subject = _("Set a new password for seconding")
        values = {"subject": subject, "link": _link(token), "minutes": minutes, "locale": locale,
                  "forgot": current_app.config["BASE_URL"] + url_for("password.forgot")[len(request.script_root):]}
        text, html = (render_template(f"emails/password_reset.{kind}", **values) for kind in ("txt", "html"))
    local = f"password-reset-{user.id}-{hashlib.sha256(token.encode()).hexdigest()[:12]}"
    mail = build_message(to=user.email, subject=subject, text=text, html=html, message_id=message_id(local))
    mail["Auto-Submitted"] = "auto-generated"
    return local, mail


