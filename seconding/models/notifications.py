"""Notifications: one row per (event, recipient), the outbox of the e-mails that tell users about their work."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.digests import DeliveryStatus
from seconding.models.users import User


class Notification(db.Model):
    """An event for one recipient. Rows are written in the transaction of the change they tell about (so a
    rolled-back change leaves none), sent after the commit or by the scheduler, and claimed by one sender at a
    time: exactly once per (event, recipient), whatever the number of workers."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("event_key", "user_id"),)  # once per event and recipient

    id: Mapped[int] = mapped_column(primary_key=True)
    # What happened, said once for all its recipients, e.g. "nomination:12:submitted:345", "deadline:7:7d".
    event_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40), index=True)  # seconding/notifications/kinds.py
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    daily: Mapped[bool] = mapped_column(default=False)  # waits for the recipient's daily summary
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what the e-mail says, rendered in the user's language
    thread: Mapped[str] = mapped_column(String(80), default="")  # e-mails of one nomination thread together
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus), default=DeliveryStatus.PENDING,
                                                   index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str] = mapped_column(String(32), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user: Mapped[User] = relationship()
