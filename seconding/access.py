"""Roles and scope: the one place that decides who sees what.

Scope is the user's institution and every institution below it in the tree. Every list, detail, export,
API and digest query that touches personal data goes through `scope_filter` or `require_scope`.
"""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import false, select, true

from seconding.extensions import db
from seconding.models import Institution, Role, User

# Roles that may see personal data of experts (viewers see aggregates only).
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER})
COORDINATING_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def institution_tree() -> dict[int, list[int]]:
    """Children of each institution id (the tree is small; read once per request)."""
    tree = g.get("_institution_tree")
    if tree is None:
        tree = {}
        for inst_id, parent_id in db.session.execute(select(Institution.id, Institution.parent_id)):
            tree.setdefault(inst_id, [])
            if parent_id is not None:
                tree.setdefault(parent_id, []).append(inst_id)
        g._institution_tree = tree
    return tree


def descendants(institution_id: int) -> set[int]:
    """The institution and every institution below it."""
    tree = institution_tree()
    found, todo = set(), [institution_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(tree.get(current, []))
    return found


def scope_ids(user: User) -> set[int] | None:
    """Institution ids in the user's scope; None means everything (admins, and users at the root)."""
    if user.role == Role.ADMIN:
        return None
    ids = descendants(user.institution_id)
    return None if len(ids) == len(institution_tree()) else ids


def sees_personal_data(user: User) -> bool:
    return user.role in PERSONAL_DATA_ROLES


def in_scope(user: User, institution_id: int | None) -> bool:
    """Whether an object of this institution is in the user's scope."""
    ids = scope_ids(user)
    return ids is None or institution_id in ids


def scope_filter(user: User, institution_column, *, personal: bool = True):
    """A WHERE clause limiting rows to the user's scope (false for viewers on personal data)."""
    if personal and not sees_personal_data(user):
        return false()
    ids = scope_ids(user)
    if ids is None:
        return true()
    return institution_column.in_(sorted(ids))


def require_scope(institution_id: int | None, *, personal: bool = True) -> None:
    """Abort with 404 when the current user may not know the object exists."""
    if personal and not sees_personal_data(current_user):
        abort(403)
    if not in_scope(current_user, institution_id):
        abort(404)


def institutions_in_scope(user: User) -> list[Institution]:
    """Institutions the user may choose in forms, by code."""
    query = select(Institution).order_by(Institution.code)
    ids = scope_ids(user)
    if ids is not None:
        query = query.where(Institution.id.in_(sorted(ids)))
    return list(db.session.scalars(query))


def roles_required(*roles: Role):
    """View decorator: sign-in required, and the user's role must be one of `roles` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def concerns_scope(user: User, institution_ids: set[int]) -> bool:
    """Whether any of these institutions (e.g. an NIP action's lead and partners) is in the user's scope."""
    ids = scope_ids(user)
    return ids is None or bool(ids & set(institution_ids))


def may_edit_nip_action(user: User, action) -> bool:
    """Who reports progress on an NIP action: admins and coordinators on every one; HR officers on those their
    institution leads or takes part in (what the action is, and who takes part: `may_define_nip_action`)."""
    if user.role in COORDINATING_ROLES:
        return True
    return user.role == Role.HR_OFFICER and concerns_scope(user, action.institution_ids)


def may_define_nip_action(user: User, action) -> bool:
    """Who changes what an NIP action is, who leads it and who takes part: admins and coordinators, and HR officers
    of the lead institution (or above it); a partner institution only reports progress."""
    if user.role in COORDINATING_ROLES:
        return True
    return user.role == Role.HR_OFFICER and in_scope(user, action.lead_institution_id)


def aggregate_scope_filter(user: User, institution_column):
    """Reports and dashboard figures: viewers see aggregates of the whole pool (never a person); the other roles
    see aggregates of their scope."""
    if user.role == Role.VIEWER:
        return true()
    return scope_filter(user, institution_column)


def institutions_for_aggregates(user: User) -> list[Institution]:
    """Institutions a user may pick in a report's filter (viewers: all)."""
    if user.role == Role.VIEWER:
        return list(db.session.scalars(select(Institution).order_by(Institution.code)))
    return institutions_in_scope(user)
