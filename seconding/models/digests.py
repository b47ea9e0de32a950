"""The monthly digest: one run per period, one delivery per (period, recipient), unique in the database."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import StrEnum
from seconding.models.users import User


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one worker; SMTP not yet confirmed
    SENT = "sent"
    FAILED = "failed"


class DigestRun(db.Model):
    """The digest of one period (YYYY-MM): created once, by whichever worker gets there first."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deliveries: Mapped[list["DigestDelivery"]] = relationship(back_populates="run")


class DigestDelivery(db.Model):
    """One recipient's digest of one period. Sending claims it (pending/failed -> sending) with a conditional
    UPDATE, so two workers never send the same one; once sent it is never picked again."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("period", "user_id"),
        Index("ix_digest_deliveries_period_status", "period", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    run: Mapped[DigestRun] = relationship(back_populates="deliveries")
    user: Mapped[User] = relationship()
