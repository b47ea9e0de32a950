"""Enumerations shared by the models, forms and rules."""
from enum import StrEnum as _StrEnum


class StrEnum(_StrEnum):
    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    HR_OFFICER = "hr_officer"
    VIEWER = "viewer"


class InstitutionKind(StrEnum):
    MINISTRY = "ministry"
    SERVICE = "service"
    OTHER = "other"


class Sex(StrEnum):
    F = "F"
    M = "M"
    X = "X"


class OrderedEnum(StrEnum):
    """Members listed from lowest to highest; `rank` is the position, with `first_rank` for the lowest."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self) + type(self).first_rank()

    @classmethod
    def first_rank(cls) -> int:
        return 0

    @classmethod
    def at_least(cls, level):
        """The members at or above `level`."""
        return [m for m in cls if m.rank >= level.rank]


class EducationLevel(StrEnum):
    """The level of a completed (or current) education, as an EEAS CSDP application asks it."""

    SECONDARY = "secondary"
    POST_SECONDARY = "post_secondary"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"
    OTHER = "other"


class CefrLevel(OrderedEnum):
    """CEFR levels in order; native counts as above C2."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"

    @classmethod
    def first_rank(cls) -> int:
        return 1  # 0 means "language not held" in the matching rules


class ClearanceLevel(OrderedEnum):
    """Security clearance levels in order (EU and Polish equivalents in SPEC §6)."""

    NONE = "NONE"
    RESTRICTED = "RESTRICTED"
    CONFIDENTIAL = "CONFIDENTIAL"
    SECRET = "SECRET"
    TOP_SECRET = "TOP_SECRET"


class DrivingLicence(StrEnum):
    NONE = "NONE"
    B = "B"
    B_4X4 = "B_4X4"


class PoolStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class TrainingStatus(StrEnum):
    """Status of a course for an expert, the same everywhere it is shown."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


class NominationStatus(StrEnum):
    """The national workflow of SPEC §5."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ENDORSED = "endorsed"
    FORWARDED = "forwarded"
    SHORTLISTED = "shortlisted"
    INTERVIEWED = "interviewed"
    SELECTED = "selected"
    RESERVE = "reserve"
    NOT_SELECTED = "not_selected"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @classmethod
    def active(cls) -> list["NominationStatus"]:
        return [s for s in cls if s not in FINAL_NOMINATION_STATES]


FINAL_NOMINATION_STATES = frozenset({NominationStatus.SELECTED, NominationStatus.RESERVE,
                                     NominationStatus.NOT_SELECTED, NominationStatus.REJECTED,
                                     NominationStatus.WITHDRAWN})


class DeploymentStatus(StrEnum):
    PLANNED = "planned"
    PRE_DEPLOYMENT = "pre_deployment"
    DEPLOYED = "deployed"
    COMPLETED = "completed"
    CURTAILED = "curtailed"

    @property
    def active(self) -> bool:
        return self in ACTIVE_DEPLOYMENT_STATES


ACTIVE_DEPLOYMENT_STATES = frozenset({DeploymentStatus.PLANNED, DeploymentStatus.PRE_DEPLOYMENT,
                                      DeploymentStatus.DEPLOYED})
