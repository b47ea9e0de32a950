"""Enumerations shared by the models, forms and rules."""
from enum import Enum


class StrEnum(str, Enum):
    def __str__(self) -> str:
        return self.value

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
