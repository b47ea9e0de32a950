"""A fictional demo data set for trying the app (`flask seed-demo`): reference data and users here, then each
area's fictional data from its module in this package (experts, missions, nominations, nip)."""
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from seconding.extensions import db
from seconding.models import Institution, Role, User
from seconding.reference import seed_reference

DEMO_USERS = (
    ("admin@seconding.example.org", "Anna Administratorka", Role.ADMIN, "MFA"),
    ("coordinator@seconding.example.org", "Marek Koordynator", Role.COORDINATOR, "MFA"),
    ("hr.police@seconding.example.org", "Ewa Kadrowa", Role.HR_OFFICER, "POLICE"),
    ("hr.border@seconding.example.org", "Piotr Graniczny", Role.HR_OFFICER, "BORDER_GUARD"),
    ("viewer@seconding.example.org", "Zofia Obserwatorka", Role.VIEWER, "MFA"),
)


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)


def seed_demo() -> DemoReport:
    """Load reference data and demo users (new passwords each run); later areas add their demo data here."""
    report = DemoReport()
    counts = seed_reference()
    report.lines.append("Reference data: " + ", ".join(f"{n} {kind} created" for kind, n in counts.items()))
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    for email, name, role, code in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role, institution=institutions[code], active=True,
                        locale="en", digest_opt_in=True, failed_logins=0)
            db.session.add(user)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.failed_logins, user.locked_until = 0, None
        report.users.append((email, role.value, code, password))
    db.session.flush()
    # Each area adds its fictional data; steps return lines for the console.
    from importlib import import_module

    for name in DEMO_STEPS:
        report.lines.extend(import_module(name).seed_demo_data())
    db.session.flush()
    return report


DEMO_STEPS = (
    "seconding.demo.experts",
    "seconding.demo.missions",
    "seconding.demo.nominations",
    "seconding.demo.care",
    "seconding.demo.after_tour",
    "seconding.demo.nip",
)
