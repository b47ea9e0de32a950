"""Routes of the call tracker: every role reads it (counts only; the ctx's open CfC comes from routes/missions.py)."""
from tests.routes.common import ALL

ROUTES = {
    "tracker.board": (("GET",), ALL, None, None),
    "tracker.board_file": (("GET",), ALL, lambda ctx: {"fmt": "xlsx"}, None),
    "tracker.call": (("GET",), ALL, lambda ctx: {"cfc_id": ctx["cfc"].id}, None),
    "tracker.call_file": (("GET",), ALL, lambda ctx: {"cfc_id": ctx["cfc"].id, "fmt": "csv"}, None),
}
