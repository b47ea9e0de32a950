"""Reading the audit log within the reader's scope."""
from sqlalchemy import Select, select

from seconding.access import scope_ids
from seconding.models import AuditEvent, User


def audit_events(user: User, *, action: str = "", object_type: str = "", object_id: str = "",
                 scoped: bool = True) -> Select:
    """Events the user may read, newest first; coordinators see events of institutions in scope.

    `scoped=False` is for the history of one object whose access the caller has already checked.
    """
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ids = scope_ids(user) if scoped else None
    if ids is not None:  # None: the whole tree (admins, users at the root)
        query = query.where(AuditEvent.institution_id.in_(sorted(ids)))
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    return query
