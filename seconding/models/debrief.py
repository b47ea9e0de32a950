"""After the tour: the debrief held with the expert and the mission's end-of-tour appraisal, at most one of each per
tour that ended (completed or curtailed)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.deployments import Deployment
from seconding.models.enums import StrEnum
from seconding.models.users import User


class GoAgain(StrEnum):
    """Whether the expert would go on a mission again, as they said at the debrief."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class Rating(StrEnum):
    """A competency of the end-of-tour appraisal, as the mission's assessment reads (see docs/after-the-tour.md)."""

    EXCEEDS = "exceeds"
    MEETS = "meets"
    BELOW = "below"


# The competencies an end-of-tour appraisal rates, in the order the form shows them.
COMPETENCIES = ("professional_knowledge", "teamwork", "communication", "adaptability", "integrity", "language_use")


class Debrief(db.Model):
    """The talk with the expert after the tour: when, with whom, the lessons for the next expert to the mission."""

    __tablename__ = "debriefs"
    __table_args__ = (
        # Held by a user of the app, or by someone named (a mission's staff, a psychologist, …).
        CheckConstraint("held_by_id IS NOT NULL OR held_by_name <> ''", name="held_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), unique=True)
    held_on: Mapped[date] = mapped_column(Date)
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_by_name: Mapped[str] = mapped_column(String(200), default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    go_again: Mapped[GoAgain] = mapped_column(enum_type(GoAgain))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    deployment: Mapped[Deployment] = relationship()
    held_by: Mapped[User | None] = relationship()

    @property
    def held_by_label(self) -> str:
        return self.held_by.name if self.held_by is not None else self.held_by_name


class Appraisal(db.Model):
    """The end-of-tour appraisal: the mission's assessment (when received) and a rating per competency."""

    __tablename__ = "appraisals"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), unique=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    assessment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    deployment: Mapped[Deployment] = relationship()
    ratings: Mapped[list["AppraisalRating"]] = relationship(
        back_populates="appraisal", cascade="all, delete-orphan", order_by="AppraisalRating.id")

    def rating(self, competency: str) -> Rating | None:
        return next((r.rating for r in self.ratings if r.competency == competency), None)


class AppraisalRating(db.Model):
    """One competency's rating in an appraisal (a competency the mission did not rate has no row)."""

    __tablename__ = "appraisal_ratings"
    __table_args__ = (UniqueConstraint("appraisal_id", "competency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisals.id", ondelete="CASCADE"), index=True)
    competency: Mapped[str] = mapped_column(String(40))
    rating: Mapped[Rating] = mapped_column(enum_type(Rating, 10))

    appraisal: Mapped[Appraisal] = relationship(back_populates="ratings")
