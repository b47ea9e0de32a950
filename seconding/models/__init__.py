"""All models, imported here so Alembic sees every table."""
from seconding.models.audit import AuditEvent
from seconding.models.enums import InstitutionKind, Role
from seconding.models.institutions import Institution
from seconding.models.users import User

__all__ = ["AuditEvent", "Institution", "InstitutionKind", "Role", "User"]
