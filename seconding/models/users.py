"""Users of the application: one role and one institution each."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import Role
from seconding.models.institutions import Institution


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    digest_opt_in: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Part of the id kept in the session cookie: moving it on sign-out or a password change ends every session
    # of the user, also copies of the cookie (a signed cookie cannot be revoked otherwise).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Optimistic locking of the admin's user form, moved by update_user only: sign-in bookkeeping (failed logins,
    # last login, session epoch) must neither make an open form stale nor fail two sign-ins at once.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # How the user wants each kind of notification: kind -> "now", "daily" or "off" (missing: the role's default,
    # seconding/notifications/kinds.py).
    notification_modes: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # The second factor (TOTP, RFC 6238; seconding/auth/second_factor.py). The secret is kept so that codes can be
    # checked; it is shown on the enrolment page only while enrolment is pending (enrolled_at empty), never after,
    # never to an admin. The last accepted time step: no code of that step or an earlier one is accepted again.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    institution: Mapped[Institution] = relationship()

    def get_id(self) -> str:
        """The session's user id: the row id and the session epoch."""
        return f"{self.id}.{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """Invalidate every session of this user (sign-out, password change)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def has_second_factor(self) -> bool:
        """Whether signing in takes a code after the password (an enrolment confirmed by a code)."""
        return self.totp_enrolled_at is not None

    @staticmethod
    def normalise_email(email: str) -> str:
        """E-mail addresses compare case-insensitively."""
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        from flask import current_app, has_app_context

        # scrypt unless the app says otherwise (the test suite uses a cheap method: thousands of sign-ins).
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RecoveryCode(db.Model):
    """One of the ten single-use codes given at enrolment of a second factor, for a lost device; stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
