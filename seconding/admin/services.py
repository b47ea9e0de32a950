"""Creating and changing users."""
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from seconding.audit.services import record
from seconding.errors import Refusal, check_version
from seconding.extensions import db
from seconding.models import Institution, Role, User


def create_user(*, email: str, name: str, role: str, institution: Institution, password: str | None = None,
                active: bool = True) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when not given)."""
    address = User.normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Refusal(_("A user with the e-mail %(email)s already exists.", email=address), "email")
    try:
        role_value = Role(role)
    except ValueError as exc:
        raise Refusal(_("Unknown role “%(role)s”; use one of %(roles)s.", role=role,
                          roles=", ".join(Role.values())), "role") from exc
    if password:
        _check_password(password, address, name)
    password = password or secrets.token_urlsafe(12)
    user = User(email=address, name=name.strip(), role=role_value, institution=institution, active=active,
                locale="en", digest_opt_in=True, failed_logins=0)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user_created", object_type="user", object_id=user.id, institution_id=institution.id,
           summary=f"{address} as {role_value.value} of {institution.code}")
    return user, password


def _check_password(password: str, email: str, name: str) -> None:
    from seconding.auth.services import password_problem

    problem = password_problem(password, email=email, name=name)
    if problem:
        raise Refusal(problem, "password")


def update_user(user: User, *, email: str, name: str, role: str, institution: Institution, active: bool,
                password: str | None, version: int | None = None) -> None:
    """Change a user's details; a new password is set only when given. A form opened at another version (someone
    changed the user meanwhile) changes nothing. A new password or deactivation ends the user's sessions."""
    check_version(user, version, _("Someone else changed this user in the meantime. Nothing was changed; the form "
                                   "shows the current details."))
    address = User.normalise_email(email)
    other = db.session.scalar(select(User.id).where(User.email == address, User.id != user.id))
    if other is not None:
        raise Refusal(_("A user with the e-mail %(email)s already exists.", email=address), "email")
    changes = []
    for field, value in (("email", address), ("name", name.strip()), ("role", Role(role)),
                         ("institution_id", institution.id), ("active", active)):
        if getattr(user, field) != value:
            changes.append(field)
            setattr(user, field, value)
    if password:
        _check_password(password, address, name)
        user.set_password(password)
        changes.append("password")
    if "password" in changes or "active" in changes and not active:
        user.end_sessions()
    if changes:
        user.version = (user.version or 1) + 1
    db.session.flush()
    if changes:
        record("user_updated", object_type="user", object_id=user.id, institution_id=institution.id,
               summary="changed: " + ", ".join(changes))
