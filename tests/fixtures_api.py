"""Fixtures for the JSON API: a client per user that sends the user's token and checks every answer against the
OpenAPI document, and a small world of two services (POLICE, BORDER_GUARD) with an object of each kind.

Import with `from tests.fixtures_api import *  # noqa: F403`."""
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException

from seconding.api import tokens
from seconding.api.openapi import OPERATIONS
from seconding.api.schema import DOCUMENT_URI, registry
from seconding.models import Mission, Role, User
from tests.fixtures_missions import MOTIVATION

__all__ = ["api_as", "world", "ApiClient", "check_against_document"]


def _pointer(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def check_against_document(app, method: str, path: str, response) -> tuple[str | None, int]:
    """Assert the answer is one the document describes for this path and method, in its schema.

    Returns (endpoint, status); unknown paths must answer the Error shape."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method=method)
    except HTTPException:  # unknown path or method: the API still answers its Error shape
        endpoint = None
    assert response.mimetype == "application/json", (path, response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    status = response.status_code
    row = None
    if endpoint is None or not endpoint.startswith("api.") or endpoint == "api.openapi":
        pointer = "/components/schemas/Error" if status >= 400 else None
    else:
        row = next(op for op in OPERATIONS if op[2] == endpoint)
    if row and row[0] != method.lower():  # OPTIONS: not an operation, still the Error shape
        pointer = "/components/schemas/Error"
    elif row:
        assert status in row[6], f"{method} {path} answered {status}, which the document does not describe"
        pointer = (f"/paths/{_pointer(row[1])}/{row[0]}/responses/{status}/content/"
                   f"{_pointer('application/json')}/schema")
    if pointer:
        validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry())
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{method} {path} -> {status}: {errors[:5]}"
    return endpoint, status


class ApiClient:
    """Requests with a bearer token; every answer is checked against the OpenAPI document."""

    def __init__(self, app, client, secret: str | None):
        self.app, self.client, self.secret = app, client, secret
        self.seen: list[tuple[str | None, str, int]] = []

    def request(self, method: str, path: str, *, json=None, data=None, headers=None, query=None):
        headers = dict(headers or {})
        if self.secret is not None:
            headers.setdefault("Authorization", f"Bearer {self.secret}")
        url = "/api/v1" + path
        response = self.client.open(url, method=method, json=json, data=data, headers=headers, query_string=query)
        endpoint, status = check_against_document(self.app, method, url, response)
        self.seen.append((endpoint, method, status))
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)


@pytest.fixture
def api_as(app, db, institutions):
    """Factory: an ApiClient for a new user of a role and institution (or for a given user; None = no token).

    These users never sign in, so they get no password (hashing one costs more than the test's requests)."""
    counter = iter(range(1, 10_000))

    def make(role: Role | str | None = Role.COORDINATOR, institution: str = "MFA", *, user=None, days=None):
        if role is None and user is None:
            return ApiClient(app, app.test_client(), None)
        if user is None:
            role = Role(role)
            user = User(email=f"api-{role.value}{next(counter)}@example.org", name=f"API {role.value}", role=role,
                        institution=institutions[institution], active=True, locale="en", digest_opt_in=False,
                        failed_logins=0, password_hash="!")
            db.session.add(user)
        _token, secret = tokens.create_token(user, "test", days)
        db.session.commit()
        client = ApiClient(app, app.test_client(), secret)
        client.user = user
        return client

    return make


@pytest.fixture
def world(db, make_expert, make_cfc, make_position, api_as, make_action):
    """One object of each kind for the Police and for the Border Guard, and a call with one position."""
    from seconding.deployments.services import record_deployment
    from seconding.models.enums import DeploymentStatus
    from seconding.nominations.services import create_nomination

    consent = date(2025, 1, 1)
    police = make_expert("POLICE", external_id="P-1", family_name="Nowak", consent_on=consent,
                         languages="en:C1;ru:B2")
    guard = make_expert("BORDER_GUARD", external_id="B-1", family_name="Wiśniewska", sex="F", consent_on=consent)
    police_away = make_expert("POLICE", external_id="P-2", family_name="Zieliński")
    guard_away = make_expert("BORDER_GUARD", external_id="B-2", family_name="Lewandowski")
    cfc = make_cfc()
    position = make_position(cfc, "GEO 1", languages_essential="en:B2")
    coordinator = api_as(Role.COORDINATOR, "MFA").user
    nominations = {code: create_nomination(position, expert, coordinator, motivation=MOTIVATION)
                   for code, expert in (("POLICE", police), ("BORDER_GUARD", guard))}
    mission = db.session.query(Mission).filter_by(acronym="EULEX Kosovo").one()
    deployments = {code: record_deployment(expert=expert, mission=mission, start=date(2025, 1, 1),
                                           end=date(2025, 12, 31), status=DeploymentStatus.COMPLETED)
                   for code, expert in (("POLICE", police_away), ("BORDER_GUARD", guard_away))}
    action = make_action("POLICE")
    db.session.commit()
    return {"experts": {"POLICE": police, "BORDER_GUARD": guard}, "away": {"POLICE": police_away,
                                                                          "BORDER_GUARD": guard_away},
            "cfc": cfc, "position": position, "nominations": nominations, "deployments": deployments,
            "action": action, "coordinator": coordinator}
