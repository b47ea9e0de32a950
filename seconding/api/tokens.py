"""Personal API tokens: created, listed and revoked by their user; only the SHA-256 of the secret is stored."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import User
from seconding.models.api_tokens import ApiToken

SECRET_MARK = "sec_"  # a recognisable start, so a leaked token can be found by secret scanners
PREFIX_LENGTH = 12
EXPIRY_DAYS = (30, 90, 365, None)  # the choices on creation; None = never expires
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is kept to the minute, so reads do not write every time


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret, hex: what is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str, days: int | None, *, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of the user; returns it and its secret, which is shown once and never stored."""
    now = now or utcnow()
    secret = SECRET_MARK + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH],
                     created_at=now, expires_at=now + timedelta(days=days) if days else None)
    db.session.add(token)
    db.session.flush()
    record("api_token_created", object_type="api_token", object_id=token.id, institution_id=user.institution_id,
           actor=user, summary=f"{token.name} ({token.prefix}…), "
                               + (f"expires {token.expires_at.date().isoformat()}" if days else "never expires"))
    return token, secret


def user_tokens(user: User) -> Select:
    """The user's tokens, newest first (revoked ones too, marked)."""
    return select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


def revoke_token(user: User, token_id: int, *, now: datetime | None = None) -> ApiToken | None:
    """Revoke one of the user's own live tokens; None when there is no such token (or it is revoked already)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                                                     ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    token.revoked_at = now or utcnow()
    db.session.flush()
    record("api_token_revoked", object_type="api_token", object_id=token.id, institution_id=user.institution_id,
           actor=user, summary=f"{token.name} ({token.prefix}…)")
    return token


def all_tokens(user_id: int | None = None) -> Select:
    """Every user's tokens (or one user's), by user then newest first: the admin's list."""
    query = (select(ApiToken).join(ApiToken.user).options(contains_eager(ApiToken.user))
             .order_by(User.email, ApiToken.created_at.desc(), ApiToken.id.desc()))
    return query.where(ApiToken.user_id == user_id) if user_id is not None else query


def token_owners() -> Select:
    """The users who have (or had) a token, by e-mail: the admin list's filter."""
    return select(User).where(User.id.in_(select(ApiToken.user_id))).order_by(User.email)


def state(token: ApiToken, now: datetime) -> str:
    """Why a token opens the API or not: revoked, expired, inactive (its account is deactivated), or live."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "live" if token.user.active else "inactive"


def revoke_any_token(token_id: int, *, now: datetime | None = None) -> ApiToken | None:
    """An admin revokes anyone's live token (audited with the admin as actor, naming the owner); None when there is
    no such token or it is revoked already."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    token.revoked_at = now or utcnow()
    db.session.flush()
    record("api_token_revoked", object_type="api_token", object_id=token.id,
           institution_id=token.user.institution_id,
           summary=f"{token.name} ({token.prefix}…) of {token.user.email}, revoked by an administrator")
    return token


def is_live(token: ApiToken, now: datetime) -> bool:
    """Not revoked, not expired, and its user may still sign in."""
    return (token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
            and token.user.active)


def find_token(secret: str, now: datetime) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked, expired, or its user inactive)."""
    if not secret.startswith(SECRET_MARK) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    return token if token is not None and is_live(token, now) else None


def touch(token: ApiToken, now: datetime) -> None:
    """Keep last_used_at, to the minute."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
