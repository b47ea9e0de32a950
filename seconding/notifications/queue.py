"""Queueing notifications: rows written in the transaction of the change they tell about, sent after its commit.

`notify` writes one row per recipient (their mode decides: at once, in the daily summary, or not at all) and asks
`seconding.transaction` to send the ones due at once after the commit; a rolled-back change leaves no row and sends
nothing. The same event queued twice (two workers computing the same reminder) is kept once per recipient: the
table's unique (event, user) key drops the second."""
from collections.abc import Callable, Iterable

from flask import has_app_context
from sqlalchemy import select

from seconding import transaction
from seconding.access import in_scope
from seconding.db import insert_ignoring_duplicates, utcnow
from seconding.extensions import db
from seconding.models import DeliveryStatus, Notification, Role, User
from seconding.notifications.kinds import DAILY, OFF, mode_for


def notify(kind: str, event_key: str, users: Iterable[User], params: dict | Callable[[User], dict], *,
           thread: str = "", exclude: User | None = None) -> int:
    """Queue the event for each user (once each, the active ones, not the one who caused it); returns the rows
    written. `params` is what the e-mail says (codes and values; rendered in the recipient's language when sent),
    or a function giving it per user."""
    now, rows, seen = utcnow(), [], set()
    for user in users:
        if user.id in seen or not user.active or (exclude is not None and user.id == exclude.id):
            continue
        seen.add(user.id)
        mode = mode_for(user, kind)
        if mode == OFF:
            continue
        rows.append({"event_key": event_key[:120], "kind": kind, "user_id": user.id, "email": user.email,
                     "daily": mode == DAILY, "params": params(user) if callable(params) else params,
                     "thread": thread, "status": DeliveryStatus.PENDING, "attempts": 0, "claim": "",
                     "last_error": "", "created_at": now})
    insert_ignoring_duplicates(db.session, Notification, rows)
    if rows and has_app_context():
        transaction.after_commit(_send_after_commit)
    return len(rows)


def _send_after_commit() -> None:
    from seconding.notifications.delivery import send_now  # delivery renders e-mails with the pages' templates

    send_now()


def users_with_roles(*roles: Role) -> list[User]:
    """Active users of these roles."""
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(roles))
                                   .order_by(User.id)))


def covering(users: Iterable[User], institution_id: int | None) -> list[User]:
    """The users whose scope covers the institution (a coordinator's covers all)."""
    return [user for user in users if in_scope(user, institution_id)]
