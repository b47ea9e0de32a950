"""Missions, calls for contributions (CfCs) and their positions with requirements (SPEC §4)."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import CefrLevel, ClearanceLevel, DrivingLicence, StrEnum
from seconding.models.experts import ExpertiseArea
from seconding.models.training import Course


class CfcKind(StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"


class CfcStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Regime(StrEnum):
    """How the post is staffed: seconded by the state, seconded then contracted, or contracted by the mission."""

    SECONDED = "seconded"
    SECONDED_CONTRACTED = "seconded_contracted"
    CONTRACTED = "contracted"


class PositionCategory(StrEnum):
    """The kind of post as the Civilian CSDP Compact (2023) counts it: management, operational and key posts are to
    be 100 % seconded; the rest are "other"."""

    MANAGEMENT = "management"
    OPERATIONAL = "operational"
    KEY = "key"
    OTHER = "other"


# The categories the Compact's "100 % seconded" commitment covers.
KEY_CATEGORIES = (PositionCategory.MANAGEMENT, PositionCategory.OPERATIONAL, PositionCategory.KEY)


class Mission(db.Model):
    """An EU civilian CSDP mission (military operations are out of scope and are not recorded)."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    host_country: Mapped[str] = mapped_column(String(100))
    hq_city: Mapped[str] = mapped_column(String(100), default="")
    start_year: Mapped[int | None] = mapped_column(Integer)
    mandate_end: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    cfcs: Mapped[list["Cfc"]] = relationship(back_populates="mission", order_by="Cfc.eeas_deadline.desc()")

    def __repr__(self) -> str:
        return f"<Mission {self.acronym}>"


class Cfc(db.Model):
    """A call for contributions published by the EEAS for a mission."""

    __tablename__ = "cfcs"
    __table_args__ = (
        CheckConstraint("national_deadline <= eeas_deadline", name="national_before_eeas"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[CfcKind] = mapped_column(enum_type(CfcKind), default=CfcKind.REGULAR)
    published_on: Mapped[date | None] = mapped_column(Date)
    eeas_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    national_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[CfcStatus] = mapped_column(enum_type(CfcStatus), default=CfcStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    mission: Mapped[Mission] = relationship(back_populates="cfcs")
    positions: Mapped[list["Position"]] = relationship(
        back_populates="cfc", cascade="all, delete-orphan", order_by="Position.reference")

    def __repr__(self) -> str:
        return f"<Cfc {self.reference}>"


class Position(db.Model):
    """A post in a CfC, with its requirements; `available_on` None means ASAP."""

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("cfc_id", "reference"),
        CheckConstraint("posts >= 1", name="posts_at_least_one"),
        CheckConstraint("tour_months >= 1", name="tour_at_least_one_month"),
        CheckConstraint("min_experience_years >= 0", name="experience_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cfc_id: Mapped[int] = mapped_column(ForeignKey("cfcs.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(100), default="")
    regime: Mapped[Regime] = mapped_column(enum_type(Regime), default=Regime.SECONDED)
    category: Mapped[PositionCategory] = mapped_column(enum_type(PositionCategory), default=PositionCategory.OTHER,
                                                       server_default=PositionCategory.OTHER.value)
    posts: Mapped[int] = mapped_column(Integer, default=1)
    available_on: Mapped[date | None] = mapped_column(Date)
    tour_months: Mapped[int] = mapped_column(Integer, default=12)
    clearance_level: Mapped[ClearanceLevel] = mapped_column(enum_type(ClearanceLevel), default=ClearanceLevel.NONE)
    min_experience_years: Mapped[int] = mapped_column(Integer, default=0)
    expertise_area_id: Mapped[int | None] = mapped_column(ForeignKey("expertise_areas.id"))
    driving_licence: Mapped[DrivingLicence] = mapped_column(enum_type(DrivingLicence), default=DrivingLicence.NONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    cfc: Mapped[Cfc] = relationship(back_populates="positions")
    expertise_area: Mapped[ExpertiseArea | None] = relationship()
    languages: Mapped[list["PositionLanguage"]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="PositionLanguage.code")
    courses: Mapped[list["PositionCourse"]] = relationship(
        back_populates="position", cascade="all, delete-orphan")

    @property
    def asap(self) -> bool:
        return self.available_on is None

    @property
    def languages_essential(self) -> list["PositionLanguage"]:
        return [lang for lang in self.languages if lang.essential]

    @property
    def languages_desirable(self) -> list["PositionLanguage"]:
        return [lang for lang in self.languages if not lang.essential]

    @property
    def courses_required(self) -> list[str]:
        return sorted(c.course.code for c in self.courses if c.required)

    @property
    def courses_desirable(self) -> list[str]:
        return sorted(c.course.code for c in self.courses if not c.required)

    def __repr__(self) -> str:
        return f"<Position {self.reference}>"


class PositionLanguage(db.Model):
    """A language a position asks for, essential (a blocker when below the level) or desirable (scores)."""

    __tablename__ = "position_languages"
    __table_args__ = (UniqueConstraint("position_id", "code", "essential"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(2))  # ISO 639-1
    level: Mapped[CefrLevel] = mapped_column(enum_type(CefrLevel, 6))
    essential: Mapped[bool] = mapped_column(Boolean, default=True)

    position: Mapped[Position] = relationship(back_populates="languages")


class PositionCourse(db.Model):
    """A course a position requires (besides the mandatory ones) or counts in favour."""

    __tablename__ = "position_courses"
    __table_args__ = (UniqueConstraint("position_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    position: Mapped[Position] = relationship(back_populates="courses")
    course: Mapped[Course] = relationship(lazy="joined")
