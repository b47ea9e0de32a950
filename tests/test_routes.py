"""Every route × every role: anonymous users go to sign-in, wrong roles get 403, refused requests change nothing.

When an area adds a route, it adds a row to its module in tests/routes/ (the first test fails until it does).
"""
import pytest

from seconding.extensions import db as _db
from seconding.models import Role
from tests.routes import ROUTES, SCOPED

PUBLIC = None
# What a role allowed on a route gets: the page (GET), or a redirect once the change is made (POST), except these
# POSTs, which answer with a page.
PAGE_AFTER_POST = {
    "deployments.complete": "refused: the tour in ctx is planned, not under way",
    "deployments.curtail": "the confirmation page; nothing changes until it is confirmed",
    "nip.import_commitments": "no file sent: the form with its error",
    "second_factor.setup": "refused: the table's code is not one of the secret made on the page",
}


def snapshot() -> dict:
    """Every row of every table, to prove a refused request changed nothing: read in the test's transaction, by the
    driver (the rows as stored; a fifth of the time of ORM statements)."""
    cursor = _db.session.connection().connection.dbapi_connection.cursor()
    try:
        rows = {}
        for table in _db.metadata.sorted_tables:
            cursor.execute(f'SELECT * FROM "{table.name}"')
            rows[table.name] = sorted(map(tuple, cursor.fetchall()), key=repr)
        return rows
    finally:
        cursor.close()


def test_every_route_is_in_the_table(app):
    # The JSON API (api.*) takes bearer tokens, never the session this table signs in with: its endpoint × role ×
    # scope table is tests/test_api_scope.py, which also checks that it covers every API endpoint.
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint != "static" and not rule.endpoint.startswith("api.")}
    assert endpoints == set(ROUTES), "add new routes to ROUTES with the roles that may use them"


def _url(app, endpoint, args):
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **(args or {}))


def _send(client, method: str, url: str, data, ctx):
    """The request of a table row: a GET, or a POST of the row's form data (with a CSRF token)."""
    if method == "POST":
        return client.post_form(url, data(ctx) if callable(data) else dict(data or {}))
    return client.get(url)


def _cases():
    for endpoint, (methods, _roles, _args, _data) in ROUTES.items():
        for method in methods:
            yield endpoint, method


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_anonymous_users_are_sent_to_sign_in(app, client, ctx, endpoint, method):
    methods, roles, args, data = ROUTES[endpoint]
    url = _url(app, endpoint, args(ctx) if args else None)
    if roles is PUBLIC:  # open to all: a page (GET), or a form (POST, the language switch) sending back
        response = _send(client, method, url, data, ctx) if method == "POST" else client.open(url, method=method)
        assert response.status_code == (302 if method == "POST" else 200)
        return
    before = snapshot()
    response = _send(client, method, url, data, ctx)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert snapshot() == before


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("endpoint", "method"), [c for c in _cases() if ROUTES[c[0]][1] is not PUBLIC])
def test_roles(app, client, ctx, make_user, login, role, endpoint, method):
    methods, roles, args, data = ROUTES[endpoint]
    ctx["user"] = login(make_user(role, "MFA"))  # a row's objects may be the signed-in user's own (a job)
    url = _url(app, endpoint, args(ctx) if args else None)
    before = snapshot()
    response = _send(client, method, url, data, ctx)
    if role in roles:
        expected = 200 if method == "GET" or endpoint in PAGE_AFTER_POST else 302
        assert response.status_code == expected, (
            f"{endpoint} answered {response.status_code}; a POST answering with a page is named in PAGE_AFTER_POST: "
            + response.get_data(as_text=True)[:500])
        if expected == 302 and endpoint != "auth.sign_out":
            assert not response.headers["Location"].startswith("/sign-in")
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("role", [Role.HR_OFFICER, Role.COORDINATOR])
@pytest.mark.parametrize(("endpoint", "method"), [c for c in _cases() if c[0] in SCOPED])
def test_out_of_scope_objects_are_not_found(app, client, ctx, make_user, login, role, endpoint, method):
    """A Border Guard user asking for a Police object is told it does not exist, and nothing changes."""
    _methods, roles, args, data = ROUTES[endpoint]
    if role not in roles:
        pytest.skip("role refused anyway")
    url = _url(app, endpoint, args(ctx) if args else None)
    login(make_user(role, "BORDER_GUARD"))
    before = snapshot()
    response = _send(client, method, url, data, ctx)
    assert response.status_code in (403, 404)
    assert snapshot() == before
