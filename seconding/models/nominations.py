"""Nominations: the national proposal of one expert for one position, with its history."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import NominationStatus
from seconding.models.experts import Expert
from seconding.models.missions import Position
from seconding.models.users import User

_ACTIVE = "status IN ('draft', 'submitted', 'endorsed', 'forwarded', 'shortlisted', 'interviewed')"


class Nomination(db.Model):
    __tablename__ = "nominations"
    __table_args__ = (
        # One active nomination of an expert per position, whatever the forms do.
        Index("uq_nominations_active_per_position", "expert_id", "position_id", unique=True,
              sqlite_where=text(_ACTIVE), postgresql_where=text(_ACTIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    status: Mapped[NominationStatus] = mapped_column(enum_type(NominationStatus), default=NominationStatus.DRAFT,
                                                     index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consent_on: Mapped[date | None] = mapped_column(Date)
    # How consent was given: "expert" (through the personal link) or "hr" (on paper, recorded by an HR officer);
    # None while none is recorded. The expert may refuse it, or withdraw it until forwarding (SPEC §17).
    consent_by: Mapped[str | None] = mapped_column(String(10))
    consent_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")
    # Why this expert for this position, written by the HR officer; it closes the package's CV.
    motivation: Mapped[str] = mapped_column(Text, default="", server_default="")
    goalkeeper_ref: Mapped[str] = mapped_column(String(60), default="")
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    eeas_feedback: Mapped[str] = mapped_column(Text, default="")
    # The EEAS's steps as they happened (the dates the coordinator gives, bounded by the workflow).
    interviewed_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)  # selected, reserve list or not selected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Two coordinators acting at once: the second UPDATE finds another version and is told.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    position: Mapped[Position] = relationship()
    expert: Mapped[Expert] = relationship()
    created_by: Mapped[User | None] = relationship()
    history: Mapped[list["NominationEvent"]] = relationship(
        back_populates="nomination", cascade="all, delete-orphan", order_by="NominationEvent.id")
    # The tour a selection planned (SPEC §5); its page links back here.
    deployment: Mapped["Deployment | None"] = relationship(  # noqa: F821
        primaryjoin="Nomination.id == foreign(Deployment.nomination_id)", viewonly=True, uselist=False,
        order_by="Deployment.id.desc()")


class NominationEvent(db.Model):
    """One transition of a nomination: from, to, who, when (the moment it was recorded, and the day it happened
    where the step has one), why; every transition keeps its own row."""

    __tablename__ = "nomination_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[NominationStatus | None] = mapped_column(enum_type(NominationStatus))
    to_status: Mapped[NominationStatus] = mapped_column(enum_type(NominationStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date | None] = mapped_column(Date)  # forwarded, shortlisted, interviewed or decided on
    # Forwarded after the CfC's EEAS deadline, confirmed by the coordinator.
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    nomination: Mapped[Nomination] = relationship(back_populates="history")
