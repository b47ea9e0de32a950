"""The expert's own part (SPEC §17): the personal link an expert gets by e-mail (no account), and the corrections
the expert proposes through it, which wait for an HR officer's acceptance."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, utcnow
from seconding.extensions import db
from seconding.models.experts import Expert
from seconding.models.users import User

# Who acted when the expert did, through the link (history rows, audit events, the profile's confirmation).
EXPERT_THROUGH_LINK = "the expert, through the personal link"


class ExpertLink(db.Model):
    """One personal link of an expert: only the SHA-256 of its secret is kept; an expert has at most one live link
    (sending a new one revokes the ones before)."""

    __tablename__ = "expert_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address it was sent to (the profile's at the time).
    sent_to: Mapped[str] = mapped_column(String(254), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    expert: Mapped[Expert] = relationship()
    created_by: Mapped[User | None] = relationship()

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


CORRECTION_STATES = ("pending", "accepted", "rejected")


class ExpertCorrection(db.Model):
    """Corrections an expert proposed through the link: the changed parts only, as JSON (section -> the values the
    expert wants); nothing changes until an HR officer in scope or a coordinator accepts them."""

    __tablename__ = "expert_corrections"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="known_status"),
        # The expert's page and the dashboard ask for the pending ones.
        Index("ix_expert_corrections_pending", "status", "expert_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("expert_links.id", ondelete="SET NULL"))
    proposed: Mapped[dict] = mapped_column(JSON)
    # The expert's record version when proposed: a later change of the record makes the proposal stale.
    expert_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    expert: Mapped[Expert] = relationship()
    decided_by: Mapped[User | None] = relationship()
