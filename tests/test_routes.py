"""Every route × every role: anonymous users go to sign-in, wrong roles get 403, refused requests change nothing.

When an area adds a route, it adds a row to ROUTES (the first test fails until it does).
"""
import pytest
from sqlalchemy import select

from seconding.extensions import db as _db
from seconding.models import Role

ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
COORD = frozenset({Role.ADMIN, Role.COORDINATOR})
PUBLIC = None

# endpoint -> (methods to try, roles allowed (None = no sign-in needed), url arguments, form data for POST)
ROUTES = {
    "main.dashboard": (("GET",), ALL, None, None),
    "main.healthz": (("GET",), PUBLIC, None, None),
    "auth.sign_in": (("GET",), PUBLIC, None, None),
    "auth.sign_out": (("POST",), ALL, None, {}),
    "auth.account": (("GET", "POST"), ALL, None, {"pref-locale": "pl", "pref-submit": "1"}),
    "audit.index": (("GET",), COORD, None, None),
    "admin.users": (("GET",), ADMIN, None, None),
    "admin.institutions": (("GET",), ADMIN, None, None),
    "admin.new_user": (("GET", "POST"), ADMIN, None,
                       lambda ctx: {"email": "new.person@example.org", "name": "New Person", "role": "viewer",
                                    "institution_id": ctx["institutions"]["POLICE"].id, "active": "y",
                                    "password": "a long password 1"}),
    "admin.edit_user": (("GET", "POST"), ADMIN, lambda ctx: {"user_id": ctx["target"].id},
                        lambda ctx: {"email": ctx["target"].email, "name": "Renamed", "role": "admin",
                                     "institution_id": ctx["institutions"]["MFA"].id, "active": "y"}),
}


def snapshot() -> dict:
    """Every row of every table, to prove a refused request changed nothing."""
    with _db.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
                for t in _db.metadata.sorted_tables}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(ROUTES), "add new routes to ROUTES with the roles that may use them"


@pytest.fixture
def ctx(institutions, make_user):
    return {"institutions": institutions, "target": make_user(Role.HR_OFFICER, "POLICE", email="target@example.org")}


def _url(app, endpoint, args):
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **(args or {}))


def _cases():
    for endpoint, (methods, _roles, _args, _data) in ROUTES.items():
        for method in methods:
            yield endpoint, method


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_anonymous_users_are_sent_to_sign_in(app, client, ctx, endpoint, method):
    methods, roles, args, data = ROUTES[endpoint]
    url = _url(app, endpoint, args(ctx) if args else None)
    if roles is PUBLIC:
        assert client.open(url, method=method).status_code == 200
        return
    before = snapshot()
    if method == "POST":
        payload = data(ctx) if callable(data) else dict(data or {})
        response = client.post_form(url, payload)
    else:
        response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert snapshot() == before


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("endpoint", "method"), [c for c in _cases() if ROUTES[c[0]][1] is not PUBLIC])
def test_roles(app, client, ctx, make_user, login, role, endpoint, method):
    methods, roles, args, data = ROUTES[endpoint]
    url = _url(app, endpoint, args(ctx) if args else None)
    login(make_user(role, "MFA"))
    before = snapshot()
    if method == "POST":
        payload = data(ctx) if callable(data) else dict(data or {})
        response = client.post_form(url, payload)
    else:
        response = client.get(url)
    if role in roles:
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403
        assert snapshot() == before
