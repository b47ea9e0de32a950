"""No browser or proxy keeps a copy of what a signed-in user reads: every page and every download (register export,
Goalkeeper packages, a person's data, training matrix, reports, the tracker's files, the private calendar feed) is
sent `Cache-Control: no-store`, as the API's answers are (issue 26: the downloads were sent send_file's
"no-cache", which lets a browser store them)."""
from seconding.models import Role
from seconding.web import SHARED_ASSETS
from tests.routes import ROUTES
from tests.test_routes import _url

PUBLIC = None
# Each format of the downloads the table names in one format only.
FORMATS = [
    ("register.example", lambda ctx: {"fmt": "csv"}),
    ("profiles.download", lambda ctx: {"fmt": "csv"}),
    ("reports.download", lambda ctx: {"slug": "training", "key": "training", "fmt": "csv"}),
    ("tracker.board_file", lambda ctx: {"fmt": "csv"}),
    ("tracker.call_file", lambda ctx: {"cfc_id": ctx["cfc"].id, "fmt": "xlsx"}),
]
# The downloads there are; the walk must meet every one (so a new one is not left out unseen).
# The files jobs make (the register export, the training matrix, a batch of packages, a person's data) are all sent
# by jobs.download.
DOWNLOADS = {"jobs.download", "register.template", "register.example",
             "packages.nomination_zip", "profiles.download",
             "reports.download", "tracker.board_file", "tracker.call_file", "nip.annual_report_xlsx", "calendar.ics",
             "missions.annex_example", "debrief.returned_xlsx"}
# JSON for the load balancer (no data), and a job's progress for its page's script: not downloads.
NOT_FILES = {"main.healthz", "jobs.status_json"}


def _role(roles) -> Role:
    return Role.ADMIN if Role.ADMIN in roles else sorted(roles, key=lambda r: r.value)[0]


def test_every_page_and_download_of_a_signed_in_user_is_sent_no_store(app, client, ctx, make_user, login):
    rows = [(endpoint, args) for endpoint, (methods, _roles, args, _data) in ROUTES.items()
            if "GET" in methods and endpoint not in SHARED_ASSETS]
    users, seen, stored = {}, set(), []
    for endpoint, args in rows + FORMATS:
        roles = ROUTES[endpoint][1]
        if roles is not PUBLIC:
            role = _role(roles)
            users.setdefault(role, make_user(role, "MFA"))
            login(users[role])
            ctx["user"] = users[role]  # a job of the table is the signed-in user's own
        response = client.get(_url(app, endpoint, args(ctx) if args else None))
        if response.status_code != 200:
            continue
        if response.mimetype != "text/html":
            seen.add(endpoint)
        cache = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
        if "no-store" not in cache:
            stored.append(f"{endpoint} ({response.mimetype}): {response.headers.get('Cache-Control')}")
    assert not stored, "sent without no-store:\n" + "\n".join(stored)
    assert seen - NOT_FILES == DOWNLOADS


def test_shared_assets_keep_their_caching(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and "no-store" not in icon.headers.get("Cache-Control", "")
    assert "max-age" in icon.headers["Cache-Control"]
