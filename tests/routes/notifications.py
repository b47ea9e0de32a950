"""Routes of notifications: every signed-in user chooses theirs; admins read the delivery log."""
from tests.routes.common import ADMIN, ALL

KINDS = ("nomination_submitted", "nomination_returned", "nomination_eeas", "cfc_opened", "deadline", "tour_ending",
         "nip_due")

ROUTES = {
    "notifications.preferences": (("GET", "POST"), ALL, None, {kind: "daily" for kind in KINDS}),
    "notifications.log": (("GET",), ADMIN, None, None),
}
