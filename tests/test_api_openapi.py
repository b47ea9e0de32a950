"""The OpenAPI document: valid, served at /api/v1/openapi.json, describing exactly the routes there are, every
parameter accepted, and every documented response produced by a real request and checked against its schema
(ApiClient checks every answer of every API test the same way)."""
import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy.exc import OperationalError

from seconding.api.openapi import OPERATIONS, document
from seconding.errors import Race
from seconding.models import Role
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403
from tests.test_api_scope import CASES
from tests.test_routes import snapshot


def test_the_document_is_valid_openapi_and_served_without_a_token(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == document()
    validate(served.get_json())


def test_the_document_describes_exactly_the_api_routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(method.lower(), path, rule.endpoint) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {(op[0], op[1], op[2]) for op in OPERATIONS}
    for method, path, endpoint, *_rest in OPERATIONS:
        operation = document()["paths"][path][method]
        assert operation["operationId"] == endpoint.removeprefix("api.")
        named = set(re.findall(r"{(\w+)}", path))
        assert named == {p["name"] for p in operation["parameters"] if p["in"] == "path"}


def _example(parameter: dict, world) -> str:
    """A valid value of a documented query parameter."""
    schema, name = parameter["schema"], parameter["name"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "integer":
        return str(world["cfc"].id if name == "cfc_id" else max(schema.get("minimum", 1), 1))
    if schema.get("format") == "date":
        return "2030-01-15"
    known = {"institution": "POLICE", "lead": "POLICE", "language": "en", "expertise": "border_management"}
    return known.get(name, "x")


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_every_documented_parameter_is_accepted(api_as, world, endpoint):
    method, path, body, _personal = CASES[endpoint]
    operation = next(op for op in OPERATIONS if op[2] == endpoint)
    query = {p["name"]: _example(p, world) for p in operation[4] if p["in"] == "query"}
    if "min_level" in query:
        query["language"] = "en"
    url = path(world, "POLICE").split("?")[0]
    answer = api_as(Role.ADMIN).request(method, url, query=query, json=body(world, "POLICE") if body else None)
    assert answer.status_code in (200, 201), (query, answer.get_json())


def _recipe(endpoint: str, status: int, world, api_as, monkeypatch):
    """A real request that gets this documented status from this endpoint (prepared, sent when called)."""
    method, path, body, _personal = CASES[endpoint]
    url, payload = path(world, "POLICE"), body(world, "POLICE") if body else None
    client = {401: api_as(None), 403: api_as(Role.VIEWER)}.get(status) or api_as(Role.ADMIN)
    kwargs = {"json": payload}
    if status == 404:
        url = re.sub(r"/\d+", "/999999", url, count=1)
    elif status == 400 and method == "GET":
        url, kwargs["query"] = url.split("?")[0], {"q": "\x00"}
    elif status == 400:
        kwargs = {"data": "{", "headers": {"Content-Type": "application/json"}}
    elif status == 422:
        url, kwargs["query"] = url.split("?")[0], {"bogus": "1"}
    elif status == 409 and endpoint == "api.create_nomination":
        def race(*_args, **_kwargs):
            raise Race("already nominated at the same moment")

        monkeypatch.setattr("seconding.api.workflow.create_nomination_service", race)
    elif status == 500:  # a fault of ours, whatever the endpoint: the answer is still JSON, the change undone
        def fault(*_args, **_kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr("seconding.api.tokens.touch", fault)
    elif status == 503:  # the database went away in the middle of the request
        def gone(*_args, **_kwargs):
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

        monkeypatch.setattr("seconding.api.tokens.touch", gone)
    elif status == 409:  # a version read before someone else's change
        kwargs["json"] = {**payload, "version": payload["version"] + 5}
    elif status not in (200, 201, 401, 403):
        raise AssertionError(f"no recipe for {endpoint} {status}")
    return lambda: client.request(method, url, **kwargs)


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_every_documented_response_happens_and_matches_its_schema(api_as, world, monkeypatch, endpoint):
    """Each status the document lists for the endpoint, from a real request (ApiClient checks the schema)."""
    statuses = next(op[6] for op in OPERATIONS if op[2] == endpoint)
    for status in sorted(statuses, key=lambda s: (s in (409, 500, 503), s)):  # recipes that patch code come last
        send = _recipe(endpoint, status, world, api_as, monkeypatch)
        before = snapshot()
        answer = send()
        assert answer.status_code == status, (status, answer.get_json())
        if status >= 400:
            assert snapshot() == before  # a refusal changes nothing
