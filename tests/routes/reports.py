"""Routes of the reports: every role reads them (aggregates only; viewers see the whole pool's figures)."""
from tests.routes.common import ALL

ROUTES = {
    "reports.index": (("GET",), ALL, None, None),
    "reports.show": (("GET",), ALL, lambda ctx: {"slug": "funnel"}, None),
    "reports.download": (("GET",), ALL, lambda ctx: {"slug": "training", "key": "training", "fmt": "xlsx"}, None),
}
