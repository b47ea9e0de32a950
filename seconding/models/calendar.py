"""Calendar feed tokens: the secret part of a user's private iCalendar URL, stored as a SHA-256 hash, revocable."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, utcnow
from seconding.extensions import db
from seconding.models.users import User


class CalendarToken(db.Model):
    """One calendar URL of a user; a user has at most one live one (a new one revokes the one before)."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the secret, hex; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so a user can tell which URL a calendar app holds.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
