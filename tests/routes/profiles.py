"""Routes of profile completeness: the overview, its downloads, "confirm as current" (the expert comes from pool.py)."""
from tests.routes.common import PERSONAL

ROUTES = {
    "profiles.index": (("GET",), PERSONAL, None, None),
    "profiles.download": (("GET",), PERSONAL, lambda ctx: {"fmt": "xlsx"}, None),
    "profiles.confirm": (("POST",), PERSONAL, lambda ctx: {"expert_id": ctx["expert"].id},
                         lambda ctx: {"version": str(ctx["expert"].version)}),
}

# A Border Guard user confirming a Police expert is told the expert does not exist, and nothing changes.
SCOPED = {"profiles.confirm"}
