"""The National Implementation Plan of the Civilian CSDP Compact: commitments, national actions, progress, targets."""
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import StrEnum
from seconding.models.institutions import Institution
from seconding.models.users import User


class NipStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class CompactCommitment(db.Model):
    """A commitment of the Civilian CSDP Compact (2018 or 2023 edition), as the Council's text gives it."""

    __tablename__ = "compact_commitments"
    __table_args__ = (UniqueConstraint("edition", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    strand: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    actions: Mapped[list["NipAction"]] = relationship(secondary="nip_action_commitments",
                                                      back_populates="commitments", order_by="NipAction.code")

    @property
    def label(self) -> str:
        return f"{self.edition} · {self.code}"


nip_action_commitments = Table(
    "nip_action_commitments", db.metadata,
    Column("action_id", ForeignKey("nip_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("compact_commitments.id", ondelete="CASCADE"), primary_key=True),
)

nip_action_partners = Table(
    "nip_action_partners", db.metadata,
    Column("action_id", ForeignKey("nip_actions.id", ondelete="CASCADE"), primary_key=True),
    Column("institution_id", ForeignKey("institutions.id"), primary_key=True),
)


class NipAction(db.Model):
    """A national action. Its status, progress and current value are those of its latest progress update
    (kept here by the service that adds updates, so lists and the digest read one row per action)."""

    __tablename__ = "nip_actions"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        CheckConstraint("start_on IS NULL OR start_on <= due_on", name="starts_before_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[NipStatus] = mapped_column(enum_type(NipStatus), default=NipStatus.PLANNED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    indicator: Mapped[str] = mapped_column(String(300), default="")
    indicator_unit: Mapped[str] = mapped_column(String(40), default="")
    indicator_baseline: Mapped[float | None] = mapped_column(Float)
    indicator_target: Mapped[float | None] = mapped_column(Float)
    indicator_current: Mapped[float | None] = mapped_column(Float)
    # A figure the app computes (seconding.nip.figures.LINKABLE_FIGURES); empty when the values are typed in.
    indicator_figure: Mapped[str] = mapped_column(String(40), default="", server_default="")
    last_update_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    lead: Mapped[Institution] = relationship(foreign_keys=[lead_institution_id])
    partners: Mapped[list[Institution]] = relationship(secondary=nip_action_partners, order_by=Institution.code)
    commitments: Mapped[list[CompactCommitment]] = relationship(
        secondary=nip_action_commitments, back_populates="actions",
        order_by=(CompactCommitment.edition, CompactCommitment.code))
    updates: Mapped[list["NipProgressUpdate"]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="(NipProgressUpdate.reported_on.desc(), NipProgressUpdate.id.desc())")

    @property
    def institution_ids(self) -> set[int]:
        """The lead and the partners: who takes part."""
        return {self.lead_institution_id, *(p.id for p in self.partners)}


class NipProgressUpdate(db.Model):
    """One progress report on an action: the state it reports and the narrative behind it."""

    __tablename__ = "nip_progress_updates"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("nip_actions.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[NipStatus] = mapped_column(enum_type(NipStatus))
    progress: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[NipAction] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class NationalTarget(db.Model):
    """The national targets of one year (Compact 2023: 70 % seconded, at least 40 % women)."""

    __tablename__ = "national_targets"
    __table_args__ = (
        CheckConstraint("women_percent IS NULL OR (women_percent >= 0 AND women_percent <= 100)",
                        name="women_percent"),
        CheckConstraint("seconded_percent IS NULL OR (seconded_percent >= 0 AND seconded_percent <= 100)",
                        name="seconded_percent"),
        CheckConstraint("experts_deployed IS NULL OR experts_deployed >= 0", name="experts_deployed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    experts_deployed: Mapped[int | None] = mapped_column(Integer)
    women_percent: Mapped[int | None] = mapped_column(Integer)
    seconded_percent: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
