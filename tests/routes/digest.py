"""Routes of the digest: coordinators preview a recipient's digest in scope; admins read the delivery log."""
from tests.routes.common import ADMIN, COORD

ROUTES = {
    "digest.preview": (("GET",), COORD, lambda ctx: {"user": ctx["target"].id, "period": "2026-12"}, None),
    "digest.preview_html": (("GET",), COORD, lambda ctx: {"user": ctx["target"].id, "period": "2026-12"}, None),
    "digest.deliveries": (("GET",), ADMIN, None, None),
}
SCOPED = {"digest.preview", "digest.preview_html"}  # the target is a Police HR officer
