"""The append-only audit log."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, utcnow
from seconding.extensions import db
from seconding.models.institutions import Institution
from seconding.models.users import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the actor typed or was known as, kept even for unknown users (failed sign-in).
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    # The institution the object belongs to: decides who may read the event (scope).
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The client's address (sign-in throttling per address reads it).
    address: Mapped[str | None] = mapped_column(String(45), index=True)

    actor: Mapped[User | None] = relationship()
    institution: Mapped[Institution | None] = relationship()


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("audit events are append-only")
