"""Courses and training records."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, utcnow
from seconding.extensions import db
from seconding.models.experts import Expert


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (CheckConstraint("validity_months IS NULL OR validity_months >= 1", name="validity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: does not expire
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class TrainingRecord(db.Model):
    __tablename__ = "training_records"
    __table_args__ = (
        UniqueConstraint("expert_id", "course_id", "completed_on"),
        # Serves the training-status filters: one index lookup per expert and course.
        Index("ix_training_records_validity", "expert_id", "course_id", "expires_on"),
        CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expires_after_completion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    completed_on: Mapped[date] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column()  # None: does not expire
    certificate_ref: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    expert: Mapped[Expert] = relationship(backref="training_records")
    course: Mapped[Course] = relationship(lazy="joined")
