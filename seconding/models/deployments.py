"""Deployments: one expert's tour in a mission, from selection to repatriation, with extensions."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import DeploymentStatus
from seconding.models.experts import Expert
from seconding.models.missions import Mission, Position

_ACTIVE = "status IN ('planned', 'pre_deployment', 'deployed')"


class Deployment(db.Model):
    __tablename__ = "deployments"
    __table_args__ = (
        # At most one active deployment per expert (SPEC §5), enforced by the database.
        Index("uq_deployments_one_active_per_expert", "expert_id", unique=True,
              sqlite_where=text(_ACTIVE), postgresql_where=text(_ACTIVE)),
        # A tour cancelled before it began (curtailed) may end before its planned start.
        CheckConstraint("end_date >= planned_start OR status = 'curtailed'", name="ends_after_start"),
        # A curtailed tour says why (SPEC §5); a tour under way or completed has its actual start (a curtailed one
        # may have ended before it began).
        CheckConstraint("status <> 'curtailed' OR end_reason <> ''", name="curtailed_has_reason"),
        CheckConstraint("status IN ('planned', 'pre_deployment', 'curtailed') OR actual_start IS NOT NULL",
                        name="started_has_actual_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    role: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[DeploymentStatus] = mapped_column(enum_type(DeploymentStatus), default=DeploymentStatus.PLANNED,
                                                     index=True)
    planned_start: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    expert: Mapped[Expert] = relationship()
    mission: Mapped[Mission] = relationship()
    position: Mapped[Position | None] = relationship()
    nomination: Mapped["Nomination | None"] = relationship()  # noqa: F821
    extensions: Mapped[list["DeploymentExtension"]] = relationship(
        back_populates="deployment", cascade="all, delete-orphan", order_by="DeploymentExtension.id")

    @property
    def start(self) -> date:
        return self.actual_start or self.planned_start


class DeploymentExtension(db.Model):
    """An extension of a tour: the new end date and when it was decided."""

    __tablename__ = "deployment_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), index=True)
    previous_end: Mapped[date] = mapped_column(Date)
    new_end: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")

    deployment: Mapped[Deployment] = relationship(back_populates="extensions")
