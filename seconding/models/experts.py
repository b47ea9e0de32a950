"""The national pool: experts with languages, expertise, unavailability and earlier missions."""
import secrets
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, only_on, utcnow
from seconding.extensions import db
from seconding.models.enums import CefrLevel, ClearanceLevel, DrivingLicence, EducationLevel, PoolStatus, Sex
from seconding.models.institutions import Institution


class ExpertiseArea(db.Model):
    __tablename__ = "expertise_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_pl: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str = "en") -> str:
        return self.name_pl if locale == "pl" else self.name_en


def new_facts_version() -> int:
    """A fresh value for Expert.facts_version: random, so a value once replaced (or rolled back) never returns."""
    return secrets.randbits(62)


class Expert(db.Model):
    __tablename__ = "experts"
    __table_args__ = (
        UniqueConstraint("institution_id", "external_id"),
        CheckConstraint("experience_years >= 0", name="experience_not_negative"),
        # The list's default order, so a page needs no sort of the whole pool; with the search text, a search
        # walks that order in the index alone and reads only the rows of its page, and SQLite counts a search
        # from the index, not from the wide rows.
        Index("ix_experts_name", "family_name", "given_name", "id", "search_text"),
        Index("ix_experts_experience", "experience_years", "id"),
        # The count of "available on a date" reads this instead of the whole table.
        Index("ix_experts_status_available", "pool_status", "available_from", "id"),
        # PostgreSQL counts a clearance filter from this instead of the whole table (20 -> 13 ms with a language);
        # SQLite would drive the list's page from it and sort, so it has none (docs/decisions.md).
        only_on("postgresql", Index("ix_experts_clearance", "clearance_level", "clearance_expires", "id")),
        # PostgreSQL finds a search's `LIKE '%...%'` by trigrams (19 -> 3 ms for a count; the pg_trgm extension,
        # in the public schema); SQLite walks the name index, which carries the search text.
        only_on("postgresql", Index("ix_experts_search_trigram", "search_text", postgresql_using="gin",
                                    postgresql_ops={"search_text": "public.gin_trgm_ops"})),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, 1))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[str | None] = mapped_column(String(100))
    experience_years: Mapped[int] = mapped_column(Integer, default=0)
    clearance_level: Mapped[ClearanceLevel] = mapped_column(enum_type(ClearanceLevel), default=ClearanceLevel.NONE)
    clearance_expires: Mapped[date | None] = mapped_column(Date)
    passport_expires: Mapped[date | None] = mapped_column(Date)
    driving_licence: Mapped[DrivingLicence] = mapped_column(enum_type(DrivingLicence), default=DrivingLicence.NONE)
    available_from: Mapped[date | None] = mapped_column(Date)
    short_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    pool_status: Mapped[PoolStatus] = mapped_column(enum_type(PoolStatus), default=PoolStatus.ACTIVE)
    consent_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The CV's "computer skills", as the expert would write them (free text).
    computer_skills: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Lower-cased "family given external_id", kept by the service layer: the list's search scans one column.
    search_text: Mapped[str] = mapped_column(String(300), default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the HR officer last confirmed the profile as current ("confirm as current"), and who.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last confirmation was the expert's own, through the personal link (confirmed_by_id is then None).
    confirmed_by_expert: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # The last day on which every mandatory course is held: the earliest, over the mandatory courses, of each
    # course's latest expiry (9999-12-31 when none expires); NULL while a mandatory course has no record. Derived
    # from the training records and kept by seconding/training/summary.py, so the training filters, cards and
    # reports compare one indexed column instead of probing the records per expert and course.
    training_valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it; forms carry the version they were read at.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Changes with every write to a fact the matching reads (this row, languages, expertise, training,
    # unavailability, earlier missions): each process keeps the candidates' facts and re-reads an expert only
    # when it differs (seconding/matches/cache.py sets it on every such write).
    facts_version: Mapped[int] = mapped_column(BigInteger, default=new_facts_version, server_default="0")

    __mapper_args__ = {"version_id_col": version}

    institution: Mapped[Institution] = relationship()
    languages: Mapped[list["ExpertLanguage"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="ExpertLanguage.code")
    expertise: Mapped[list["ExpertExpertise"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan")
    unavailability: Mapped[list["Unavailability"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="Unavailability.start")
    mission_history: Mapped[list["MissionHistory"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="MissionHistory.start")
    # The CV: most recent first, as an application lists them.
    education: Mapped[list["Education"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan",
        order_by="(Education.start.desc(), Education.id)")
    employment: Mapped[list["Employment"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan",
        order_by="(Employment.start.desc(), Employment.id)")

    @staticmethod
    def search_key(family_name: str, given_name: str, external_id: str) -> str:
        """The text the list's search looks in."""
        return f"{family_name} {given_name} {external_id}".lower()

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def primary_expertise(self) -> ExpertiseArea | None:
        return next((e.area for e in self.expertise if e.primary), None)

    @property
    def secondary_expertise(self) -> list[ExpertiseArea]:
        return [e.area for e in self.expertise if not e.primary]


# The search's trigram index needs pg_trgm (a trusted extension: the database's owner may add it). Migrations add it
# too; this is for databases made from the models (the tests).
event.listen(db.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public").execute_if(dialect="postgresql"))


class ExpertLanguage(db.Model):
    __tablename__ = "expert_languages"
    __table_args__ = (
        UniqueConstraint("expert_id", "code"),
        # The language filter (code at least at a level): the matching experts read from the index alone.
        Index("ix_expert_languages_level", "code", "level", "expert_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(2))  # ISO 639-1
    level: Mapped[CefrLevel] = mapped_column(enum_type(CefrLevel, 6))
    # The expert's own assessment in the five skills of the CEFR grid; NULL: the overall level.
    listening: Mapped[CefrLevel | None] = mapped_column(enum_type(CefrLevel, 6))
    reading: Mapped[CefrLevel | None] = mapped_column(enum_type(CefrLevel, 6))
    spoken_interaction: Mapped[CefrLevel | None] = mapped_column(enum_type(CefrLevel, 6))
    spoken_production: Mapped[CefrLevel | None] = mapped_column(enum_type(CefrLevel, 6))
    writing: Mapped[CefrLevel | None] = mapped_column(enum_type(CefrLevel, 6))

    expert: Mapped[Expert] = relationship(back_populates="languages")

    def skills(self) -> tuple[CefrLevel, ...]:
        """The five skills in SKILLS order, each the expert's own assessment or else the overall level."""
        return tuple(getattr(self, name) or self.level for name in SKILLS)

    def own_skills(self) -> tuple[CefrLevel | None, ...]:
        """The five skills as assessed (None where the overall level stands)."""
        return tuple(getattr(self, name) for name in SKILLS)


# The five skills of the CEFR self-assessment grid, in the grid's order.
SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


class ExpertExpertise(db.Model):
    __tablename__ = "expert_expertise"
    __table_args__ = (UniqueConstraint("expert_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("expertise_areas.id"), index=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)

    expert: Mapped[Expert] = relationship(back_populates="expertise")
    area: Mapped[ExpertiseArea] = relationship(lazy="joined")


class Unavailability(db.Model):
    __tablename__ = "unavailability"
    __table_args__ = (CheckConstraint('"end" >= start', name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="unavailability")


class MissionHistory(db.Model):
    """An earlier mission entered by hand (tours tracked by the app come from deployments)."""

    __tablename__ = "mission_history"
    __table_args__ = (CheckConstraint('"end" IS NULL OR start IS NULL OR "end" >= start', name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    mission: Mapped[str] = mapped_column(String(100))
    host_country: Mapped[str] = mapped_column(String(100), default="")
    csdp: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)

    expert: Mapped[Expert] = relationship(back_populates="mission_history")


class Education(db.Model):
    """A school, university or academy the expert attended (the CV's "education and training")."""

    __tablename__ = "expert_education"
    __table_args__ = (CheckConstraint('"end" IS NULL OR "end" >= start', name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    level: Mapped[EducationLevel] = mapped_column(enum_type(EducationLevel))
    field: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100), default="")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)  # None: still studying
    degree: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="education")


class Employment(db.Model):
    """A post the expert held, the home service's posts included (the CV's "work experience")."""

    __tablename__ = "expert_employment"
    __table_args__ = (CheckConstraint('"end" IS NULL OR "end" >= start', name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    employer: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)  # None: the current post
    duties: Mapped[str] = mapped_column(Text, default="")

    expert: Mapped[Expert] = relationship(back_populates="employment")
