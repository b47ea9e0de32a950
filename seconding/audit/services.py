"""Writing the audit log; every service that changes state calls `record`."""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_app_context, has_request_context, request
from flask_login import current_user

from seconding.extensions import db
from seconding.models import AuditEvent, User


def record(
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    summary: str = "",
    institution_id: int | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event; the actor defaults to the signed-in user, or the user a job acts for (`acting_as`), or
    none (the command line)."""
    if actor is None and current_user and getattr(current_user, "is_authenticated", False):
        actor = current_user._get_current_object()
    if actor is None and has_app_context():
        actor = g.get("acting_user")
    event = AuditEvent(
        actor=actor,
        actor_label=actor_label if actor_label is not None else (actor.email if actor else "command line"),
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        summary=summary,
        institution_id=institution_id,
        address=request.remote_addr if has_request_context() else g.get("acting_address") if has_app_context()
        else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


@contextmanager
def acting_as(user: User, address: str | None = None) -> Iterator[None]:
    """Work done without a request on a user's behalf (a job) is recorded as theirs, from the address of the
    request that asked for it."""
    before = g.get("acting_user"), g.get("acting_address")
    g.acting_user, g.acting_address = user, address
    try:
        yield
    finally:
        g.acting_user, g.acting_address = before
