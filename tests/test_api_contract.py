"""The API keeps the contract of its own OpenAPI document: schemathesis, in-process (WSGI), with every check, against
/api/v1/openapi.json with a coordinator's and an HR officer's token, finds nothing (issue 26). And each mismatch an
outside run of schemathesis found has a test of its own: the document now states the limits the code keeps, and the
code refuses what the document calls invalid."""
import pytest
import schemathesis
from flask import g
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator, FormatChecker
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.specs.openapi.checks import positive_data_acceptance

from seconding.api.openapi import OPERATIONS, SCHEMAS, document
from seconding.api.schema import DOCUMENT_URI, registry
from seconding.models import Role
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403
from tests.test_routes import snapshot

# Examples per operation in the generated (fuzzing) phase; the coverage phase adds every boundary and every invalid
# value the document implies (empty values, one past a maximum, wrong types, undeclared methods, ...).
EXAMPLES = 25
# 422 answers that are not about the document: a rule that depends on the data (a workflow step not open from the
# nomination's status, an id of nothing, an institution outside the scope, the expert form's rules across fields,
# a forward that needs confirming). A request valid by the document may meet them; the document says so (422).
BUSINESS_REFUSALS = {"refused", "confirmation_needed"}


def _parameter(endpoint: str, name: str) -> dict:
    return next(p["schema"] for p in next(op for op in OPERATIONS if op[2] == endpoint)[4] if p["name"] == name)


def _valid(schema: dict, value) -> bool:
    return Draft202012Validator(schema, format_checker=FormatChecker(), registry=registry()).is_valid(value)


def _contract_failures(app, secret: str) -> list[str]:
    """Every operation of the document, run by schemathesis with every check; the failures found, as text."""

    def wsgi(environ, start_response):
        # The test holds an app context open, which requests would share: a fresh `g` per request, as a server has.
        for key in list(g.__dict__):
            g.__dict__.pop(key)
        return app(environ, start_response)

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    load_all_checks()
    disabled = [name for name in CHECKS.get_all_names() if not schema.config.checks.get_by_name(name=name).enabled]
    assert not disabled, f"every check runs: {disabled}"
    headers = {"Authorization": f"Bearer {secret}"}

    def call_and_validate(case):
        response = case.call(headers=headers)
        body = response.json() if response.headers.get("content-type", [""])[0].startswith("application/json") \
            else None
        business = (response.status_code == 422 and isinstance(body, dict)
                    and body.get("error", {}).get("code") in BUSINESS_REFUSALS)
        # Every check, on every answer (default: all built-in checks, all enabled); a refusal by a rule of the data
        # is not held against a request that the document finds valid.
        case.validate_response(response, headers=headers, transport_kwargs={"headers": headers},
                               excluded_checks=[positive_data_acceptance] if business else None)

    failures = []
    tests = get_all_tests(schema=schema, test_func=call_and_validate, given_kwargs={},
                          settings=settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                                            suppress_health_check=list(HealthCheck)))
    for result in tests:
        operation, test = result.ok()
        try:
            test()
        except FailureGroup as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.parametrize(("role", "institution"), [(Role.COORDINATOR, "MFA"), (Role.HR_OFFICER, "POLICE")],
                         ids=["coordinator", "hr_officer"])
def test_schemathesis_finds_no_contract_mismatch(app, world, api_as, role, institution):
    failures = _contract_failures(app, api_as(role, institution).secret)
    assert not failures, "\n".join(failures)


# --- what the outside run found, one by one ---------------------------------------------------------------------


def test_dates_outside_2000_to_2099_are_invalid_in_the_document_as_in_the_code(api_as, world):
    """`as_of=0363-01-17` was valid by the document (any four digits) and refused by the code (2000-2099)."""
    api = api_as(Role.COORDINATOR)
    url = f"/positions/{world['position'].id}/matches"
    for endpoint, name in (("api.position_matches", "as_of"), ("api.expert_matches", "as_of"),
                           ("api.cfc_plan", "as_of"), ("api.list_experts", "available_on")):
        schema = _parameter(endpoint, name)
        assert not _valid(schema, "0363-01-17") and not _valid(schema, "2100-01-01")
        assert _valid(schema, "2000-01-01") and _valid(schema, "2099-12-31")
        assert not _valid(schema, "2030-02-30")  # the format: a day that exists
    refused = api.get(url, query={"as_of": "0363-01-17"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid"
    assert set(refused.get_json()["error"]["fields"]) == {"as_of"}
    assert api.get(url, query={"as_of": "2099-12-31"}).status_code == 200
    for body_date in (SCHEMAS["NominationInput"]["properties"]["consent_on"],
                      SCHEMAS["Transition"]["properties"]["forwarded_on"]):
        assert not _valid(body_date, "1900-01-01") and _valid(body_date, "2026-01-05") and _valid(body_date, None)


def test_page_numbers_stop_at_a_million_in_the_document_as_in_the_code(api_as, world):
    api = api_as(Role.COORDINATOR)
    for endpoint in ("api.list_experts", "api.list_positions", "api.list_nominations", "api.list_deployments"):
        assert _parameter(endpoint, "page")["maximum"] == 1_000_000
    assert _parameter("api.position_matches", "offset")["maximum"] == 1_000_000
    assert api.get("/deployments", query={"page": "1000000"}).status_code == 200
    beyond = api.get("/deployments", query={"page": "1000001"})
    assert beyond.status_code == 422 and set(beyond.get_json()["error"]["fields"]) == {"page"}


def test_every_whole_number_parameter_states_its_bounds():
    unbounded = [(op[2], p["name"]) for op in OPERATIONS for p in op[4]
                 if p["schema"].get("type") == "integer" and not {"minimum", "maximum"} <= set(p["schema"])]
    assert not unbounded


def test_a_nul_in_a_json_body_is_invalid_in_the_document_as_in_the_code(api_as):
    """The code answers 400 to a NUL in any string of a body; the document now says no string holds one."""
    api = api_as(Role.HR_OFFICER, "POLICE")
    body = {"institution": "POLICE", "external_id": "P-NUL", "given_name": "A\x00", "family_name": "Nowa",
            "sex": "F", "experience_years": 4}
    validator = Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/ExpertInput"},
                                     registry=registry())
    assert not validator.is_valid(body)
    assert validator.is_valid({**body, "given_name": "Anna"})
    for name in ("NominationInput", "Transition"):
        assert all(s.get("pattern") == r"^[^\x00]*$" for s in SCHEMAS[name]["properties"].values()
                   if s.get("type") == "string" and "enum" not in s)
    before = snapshot()
    answer = api.post("/experts", json=body)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_request"
    assert snapshot() == before


@pytest.mark.parametrize(("path", "name"), [("/cfcs", "status"), ("/nominations", "status"),
                                            ("/deployments", "status"), ("/deployments", "active"),
                                            ("/nip/actions", "flag"), ("/experts", "sort"),
                                            ("/experts", "available_on"), ("/positions", "cfc_id"),
                                            ("/experts", "page")])
def test_an_empty_value_is_refused_where_the_document_has_no_empty_value(api_as, path, name):
    """`status=` was answered as if no status had been given, while the document's enum has no empty value."""
    answer = api_as(Role.COORDINATOR).get(path, query={name: ""})
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["code"] == "invalid" and set(answer.get_json()["error"]["fields"]) == {name}


@pytest.mark.parametrize("path", ["/experts/{expert}/matches", "/cfcs/{cfc}/plan",
                                  "/positions/{position}/matches"])
def test_an_empty_date_is_refused(api_as, world, path):
    url = path.format(expert=world["experts"]["POLICE"].id, cfc=world["cfc"].id, position=world["position"].id)
    answer = api_as(Role.COORDINATOR).get(url, query={"as_of": ""})
    assert answer.status_code == 422 and set(answer.get_json()["error"]["fields"]) == {"as_of"}


def test_an_id_beyond_any_there_can_be_is_not_found_whatever_the_method(api_as):
    """PUT /experts/2147483648 answered 405 (the router saw the GET route's path), which the document does not list
    for the operation: it is 404, as for GET."""
    api = api_as(Role.COORDINATOR)
    too_big = 2**31
    assert api.put(f"/experts/{too_big}", json={}).status_code == 404
    assert api.get(f"/experts/{too_big}").status_code == 404
    assert api.post(f"/nominations/{too_big}/transitions", json={}).status_code == 404
    wrong = api.request("DELETE", "/experts/1")  # a real route, a method it does not have: still 405
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"


def test_the_document_says_which_422_is_which():
    description = document()["paths"]["/experts"]["post"]["responses"]["422"]["description"]
    assert "`invalid`" in description and "`refused`" in description
