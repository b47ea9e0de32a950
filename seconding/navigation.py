"""The main navigation: each entry names the roles that may use it, so nobody sees what they cannot open."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from seconding.models import Role

ALL = frozenset(Role)
PERSONAL = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER})


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object
    roles: frozenset


MENU = (
    MenuEntry("main.dashboard", _l("Dashboard"), ALL),
    MenuEntry("experts.index", _l("Experts"), PERSONAL),
    MenuEntry("training.matrix", _l("Training"), PERSONAL),
    MenuEntry("register.index", _l("Register"), PERSONAL),
    MenuEntry("missions.index", _l("Missions"), ALL),
    MenuEntry("tracker.board", _l("Call tracker"), ALL),
    MenuEntry("nominations.board", _l("Nominations"), PERSONAL),
    MenuEntry("deployments.index", _l("Deployments"), PERSONAL),
    MenuEntry("nip.index", _l("NIP"), ALL),
    MenuEntry("reports.index", _l("Reports"), ALL),
    MenuEntry("digest.preview", _l("Digest"), frozenset({Role.ADMIN, Role.COORDINATOR})),
    MenuEntry("audit.index", _l("Audit log"), frozenset({Role.ADMIN, Role.COORDINATOR})),
    MenuEntry("admin.users", _l("Administration"), frozenset({Role.ADMIN})),
)


def menu_for(user) -> list[MenuEntry]:
    """Entries the user's role may use."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [e for e in MENU if user.role in e.roles]
