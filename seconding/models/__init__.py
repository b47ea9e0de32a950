"""All models, imported here so Alembic sees every table."""
from seconding.models.api_tokens import ApiToken
from seconding.models.audit import AuditEvent
from seconding.models.calendar import CalendarToken
from seconding.models.care import DeploymentCare, EmergencyContact, Incident, MissionLocation
from seconding.models.debrief import Appraisal, AppraisalRating, Debrief
from seconding.models.deployments import Deployment, DeploymentExtension
from seconding.models.digests import DeliveryStatus, DigestDelivery, DigestRun
from seconding.models.enums import (
    CefrLevel,
    ClearanceLevel,
    DrivingLicence,
    EducationLevel,
    InstitutionKind,
    PoolStatus,
    Role,
    Sex,
    TrainingStatus,
)
from seconding.models.expert_link import ExpertCorrection, ExpertLink
from seconding.models.experts import (
    SKILLS,
    Education,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    MissionHistory,
    Unavailability,
)
from seconding.models.institutions import Institution
from seconding.models.jobs import Job, JobState
from seconding.models.missions import (
    Cfc,
    CfcKind,
    CfcStatus,
    Mission,
    Position,
    PositionCategory,
    PositionCourse,
    PositionLanguage,
    Regime,
)
from seconding.models.nip import CompactCommitment, NationalTarget, NipAction, NipProgressUpdate, NipStatus
from seconding.models.nominations import Nomination, NominationEvent
from seconding.models.notifications import Notification
from seconding.models.training import Course, TrainingRecord
from seconding.models.users import RecoveryCode, User

__all__ = [
    "ApiToken", "CalendarToken", "Notification", "ExpertCorrection", "ExpertLink",
    "DeploymentCare", "EmergencyContact", "Incident", "MissionLocation",
    "Appraisal", "AppraisalRating", "Debrief",
    "Deployment", "DeploymentExtension", "Nomination", "NominationEvent", "Job", "JobState",
    "DeliveryStatus", "DigestDelivery", "DigestRun",
    "CompactCommitment", "NationalTarget", "NipAction", "NipProgressUpdate", "NipStatus",
    "AuditEvent", "CefrLevel", "Cfc", "CfcKind", "CfcStatus", "ClearanceLevel", "Course", "DrivingLicence", "Expert",
    "ExpertExpertise", "ExpertLanguage", "ExpertiseArea", "Institution", "InstitutionKind", "Mission",
    "MissionHistory", "PoolStatus", "Position", "PositionCategory", "PositionCourse", "PositionLanguage", "Regime",
    "RecoveryCode", "Role", "Sex", "SKILLS", "Education", "EducationLevel", "Employment",
    "TrainingRecord", "TrainingStatus", "Unavailability", "User",
]
