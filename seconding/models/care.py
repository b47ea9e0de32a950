"""Duty of care during the tour (SPEC §17): an expert's emergency contacts and next of kin, a mission's locations
with their risk level and 24/7 national contact, a tour's pre-deployment checklist and location, and its incidents."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.deployments import Deployment
from seconding.models.enums import StrEnum
from seconding.models.experts import Expert
from seconding.models.missions import Mission
from seconding.models.users import User


class RiskLevel(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"


class IncidentKind(StrEnum):
    SECURITY = "security"
    HEALTH = "health"
    ACCIDENT = "accident"
    CONDUCT = "conduct"
    OTHER = "other"


# The pre-deployment checklist beyond the rules of matching: each item is done on a date (columns `<item>_on`,
# with an optional `<item>_note`).
CHECKLIST_ITEMS = ("medical", "insurance", "travel_documents", "equipment", "security_briefing")


class EmergencyContact(db.Model):
    """Whom to call about an expert when something happens: personal data (HR officers in scope, coordinators)."""

    __tablename__ = "emergency_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    next_of_kin: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    expert: Mapped[Expert] = relationship(backref=backref(
        "emergency_contacts", cascade="all, delete-orphan", passive_deletes=True,
        order_by="[EmergencyContact.next_of_kin.desc(), EmergencyContact.id]"))


class MissionLocation(db.Model):
    """A place where a mission's staff serve (a field office, the headquarters): its risk level and the 24/7
    national contact to call from there."""

    __tablename__ = "mission_locations"
    __table_args__ = (UniqueConstraint("mission_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    risk_level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    mission: Mapped[Mission] = relationship(backref=backref(
        "locations", order_by="MissionLocation.name", passive_deletes=True))


class DeploymentCare(db.Model):
    """A tour's location and its pre-deployment checklist; a coordinator's override of an incomplete checklist
    (the reason, who, when) when the tour moved to "deployed" without it."""

    __tablename__ = "deployment_care"

    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), primary_key=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("mission_locations.id", ondelete="SET NULL"),
                                                    index=True)
    medical_on: Mapped[date | None] = mapped_column(Date)
    medical_note: Mapped[str] = mapped_column(String(300), default="")
    insurance_on: Mapped[date | None] = mapped_column(Date)
    insurance_note: Mapped[str] = mapped_column(String(300), default="")
    travel_documents_on: Mapped[date | None] = mapped_column(Date)
    travel_documents_note: Mapped[str] = mapped_column(String(300), default="")
    equipment_on: Mapped[date | None] = mapped_column(Date)
    equipment_note: Mapped[str] = mapped_column(String(300), default="")
    security_briefing_on: Mapped[date | None] = mapped_column(Date)
    security_briefing_note: Mapped[str] = mapped_column(String(300), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    deployment: Mapped[Deployment] = relationship(backref=backref("care", uselist=False, passive_deletes=True))
    location: Mapped[MissionLocation | None] = relationship()
    override_by: Mapped[User | None] = relationship()

    def done_on(self, item: str) -> date | None:
        return getattr(self, f"{item}_on")

    def note(self, item: str) -> str:
        return getattr(self, f"{item}_note")

    @property
    def missing(self) -> list[str]:
        """The checklist's items without a date, in the list's order."""
        return [item for item in CHECKLIST_ITEMS if self.done_on(item) is None]


class Incident(db.Model):
    """Something that happened to the expert during the tour: visible to the same people as the emergency
    contacts."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[IncidentKind] = mapped_column(enum_type(IncidentKind))
    description: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    informed: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    deployment: Mapped[Deployment] = relationship(backref=backref(
        "incidents", order_by="[Incident.occurred_on.desc(), Incident.id.desc()]", passive_deletes=True))
    reported_by: Mapped[User | None] = relationship()
