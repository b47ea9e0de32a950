"""Calendar feed tokens: the secret in a user's private calendar URL. Made, replaced and revoked by their user on
the account page; only the SHA-256 of the secret is stored (as for API tokens: seconding/api/tokens.py)."""
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from seconding.api.tokens import hash_secret
from seconding.audit.services import record
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import AuditEvent, User
from seconding.models.calendar import CalendarToken

SECRET_MARK = "cal_"  # a recognisable start, so a leaked URL can be found by secret scanners
PREFIX_LENGTH = 12
MAX_SECRET_LENGTH = 200
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is kept to the minute: calendar apps poll often
READ_AUDIT_WINDOW = timedelta(hours=1)


def live_token(user: User) -> CalendarToken | None:
    """The user's live calendar token, if any (a user has at most one)."""
    return db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id,
                                                         CalendarToken.revoked_at.is_(None))
                             .order_by(CalendarToken.id.desc()).limit(1))


def _revoke(token: CalendarToken, user: User, now: datetime, why: str) -> None:
    token.revoked_at = now
    record("calendar_token_revoked", object_type="calendar_token", object_id=token.id,
           institution_id=user.institution_id, actor=user, summary=f"{token.prefix}… ({why})")


def create_token(user: User, *, now: datetime | None = None) -> tuple[CalendarToken, str]:
    """A new calendar token of the user (the one before, if any, is revoked: one live URL per user); returns it and
    its secret, which is shown once and never stored."""
    now = now or utcnow()
    for old in db.session.scalars(select(CalendarToken).where(CalendarToken.user_id == user.id,
                                                              CalendarToken.revoked_at.is_(None))):
        _revoke(old, user, now, "replaced")
    secret = SECRET_MARK + secrets.token_urlsafe(32)
    token = CalendarToken(user=user, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH], created_at=now)
    db.session.add(token)
    db.session.flush()
    record("calendar_token_created", object_type="calendar_token", object_id=token.id,
           institution_id=user.institution_id, actor=user, summary=f"{token.prefix}…")
    return token, secret


def revoke_token(user: User, *, now: datetime | None = None) -> CalendarToken | None:
    """Revoke the user's live calendar token; None when there is none."""
    token = live_token(user)
    if token is None:
        return None
    _revoke(token, user, now or utcnow(), "revoked")
    db.session.flush()
    return token


def find_token(secret: str) -> CalendarToken | None:
    """The live token with this secret, or None (unknown, revoked, or its user inactive)."""
    if not secret.startswith(SECRET_MARK) or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = db.session.scalar(select(CalendarToken).where(CalendarToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def touch(token: CalendarToken, now: datetime) -> None:
    """Keep last_used_at, to the minute."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now


def audit_read(token: CalendarToken, now: datetime) -> None:
    """Record a read of a feed with personal data: once per token per hour (calendar apps poll; one line an hour)."""
    summary = f"GET calendar feed (token {token.prefix}…)"
    seen = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "calendar_feed_read", AuditEvent.actor_id == token.user_id,
        AuditEvent.summary == summary, AuditEvent.at >= now - READ_AUDIT_WINDOW).limit(1))
    if seen is None:
        record("calendar_feed_read", object_type="calendar_token", object_id=token.id,
               institution_id=token.user.institution_id, actor=token.user, summary=summary)
