"""Sign-in with a failed-attempt counter and a temporary lockout."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.extensions import db
from seconding.models import User


def authenticate(email: str, password: str) -> User | None:
    """The user if the e-mail and password are right and the account may sign in; audits failures."""
    address = User.normalise_email(email)
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
    user.last_login_at = now
    record("sign_in", object_type="user", object_id=user.id, institution_id=user.institution_id, actor=user)
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password if the current one is right."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    record("password_changed", object_type="user", object_id=user.id, institution_id=user.institution_id)
    return True
