"""The kinds of notification a user can choose how to receive: at once, in a daily summary, or not at all."""
from flask_babel import lazy_gettext as _l

from seconding.models import Role

NOW, DAILY, OFF = "now", "daily", "off"
MODES = (NOW, DAILY, OFF)
MODE_LABELS = {NOW: _l("At once"), DAILY: _l("In a daily summary (07:00)"), OFF: _l("Off")}

KIND_LABELS = {
    "nomination_submitted": _l("A nomination is submitted to the coordinators"),
    "nomination_returned": _l("A nomination is returned or rejected"),
    "nomination_eeas": _l("A nomination is forwarded to the EEAS, and the EEAS's steps (shortlist, interview, "
                          "outcome)"),
    "cfc_opened": _l("A new call for contributions is opened"),
    "deadline": _l("National deadlines in 7 and in 2 days, with positions still without a nomination"),
    "tour_ending": _l("Tours ending in 60 and in 30 days"),
    "nip_due": _l("NIP actions due within 30 days or overdue"),
    "incident": _l("An incident is recorded on a tour"),
}

# What each role gets, and how, until the user chooses: the events of their own work at once; the reminders of the
# coordinators, who oversee everything, gathered in the daily summary.
DEFAULTS = {
    Role.ADMIN: {kind: NOW for kind in KIND_LABELS} | {"tour_ending": DAILY, "nip_due": DAILY},
    Role.COORDINATOR: {kind: NOW for kind in KIND_LABELS} | {"tour_ending": DAILY, "nip_due": DAILY},
    Role.HR_OFFICER: {kind: NOW for kind in KIND_LABELS},
    Role.VIEWER: {kind: OFF for kind in KIND_LABELS} | {"nip_due": DAILY},
}


# The kinds a role can receive at all (the events choose their recipients by role and scope).
RECEIVED = {
    Role.ADMIN: ("nomination_submitted", "nomination_eeas", "deadline", "tour_ending", "nip_due", "incident"),
    Role.COORDINATOR: ("nomination_submitted", "nomination_eeas", "deadline", "tour_ending", "nip_due", "incident"),
    Role.HR_OFFICER: ("nomination_returned", "nomination_eeas", "cfc_opened", "deadline", "tour_ending", "nip_due"),
    Role.VIEWER: ("nip_due",),
}


def mode_for(user, kind: str) -> str:
    """How `user` gets notifications of `kind`: their choice, else their role's default."""
    chosen = (user.notification_modes or {}).get(kind)
    return chosen if chosen in MODES else DEFAULTS[user.role].get(kind, OFF)
