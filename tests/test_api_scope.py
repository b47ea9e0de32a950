"""Every API endpoint × every role × scope: tokens carry their user's role and scope, refusals change nothing,
and an HR officer's token never returns another service's expert (issue 12, acceptance 1)."""
import json

import pytest

from seconding.api.openapi import OPERATIONS
from seconding.models import Role
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403
from tests.test_routes import snapshot


def _expert_body(world, code):
    return {"institution": code, "external_id": f"{code[:2]}-NEW", "given_name": "Anna", "family_name": "Nowa",
            "sex": "F", "experience_years": 4, "languages": [{"code": "en", "level": "B2"}]}


def _update_body(world, code):
    expert = world["experts"][code]
    return {**_expert_body(world, code), "external_id": expert.external_id, "version": expert.version}


def _transition_body(world, code):
    return {"action": "withdraw", "version": world["nominations"][code].version, "comment": "no longer available"}


# endpoint -> (method, path for the object of an institution, body, personal data?)
CASES = {
    "api.list_experts": ("GET", lambda w, c: "/experts", None, True),
    "api.create_expert": ("POST", lambda w, c: "/experts", _expert_body, True),
    "api.get_expert": ("GET", lambda w, c: f"/experts/{w['experts'][c].id}", None, True),
    "api.update_expert": ("PUT", lambda w, c: f"/experts/{w['experts'][c].id}", _update_body, True),
    "api.expert_matches": ("GET", lambda w, c: f"/experts/{w['experts'][c].id}/matches?all=true", None, True),
    "api.list_cfcs": ("GET", lambda w, c: "/cfcs", None, False),
    "api.get_cfc": ("GET", lambda w, c: f"/cfcs/{w['cfc'].id}", None, False),
    "api.cfc_plan": ("GET", lambda w, c: f"/cfcs/{w['cfc'].id}/plan", None, True),
    "api.list_positions": ("GET", lambda w, c: "/positions", None, False),
    "api.get_position": ("GET", lambda w, c: f"/positions/{w['position'].id}", None, False),
    "api.position_matches": ("GET", lambda w, c: f"/positions/{w['position'].id}/matches?all=true", None, True),
    "api.list_nominations": ("GET", lambda w, c: "/nominations", None, True),
    "api.create_nomination": ("POST", lambda w, c: "/nominations",
                              lambda w, c: {"position_id": w["position"].id, "expert_id": w["away"][c].id}, True),
    "api.get_nomination": ("GET", lambda w, c: f"/nominations/{w['nominations'][c].id}", None, True),
    "api.transition_nomination": ("POST", lambda w, c: f"/nominations/{w['nominations'][c].id}/transitions",
                                  _transition_body, True),
    "api.list_deployments": ("GET", lambda w, c: "/deployments", None, True),
    "api.get_deployment": ("GET", lambda w, c: f"/deployments/{w['deployments'][c].id}", None, True),
    "api.list_nip_actions": ("GET", lambda w, c: "/nip/actions", None, False),
    "api.get_nip_action": ("GET", lambda w, c: f"/nip/actions/{w['action'].id}", None, False),
}
LISTS = {"api.list_experts", "api.list_nominations", "api.list_deployments", "api.position_matches",
         "api.cfc_plan"}


def test_the_table_covers_every_documented_operation():
    assert set(CASES) == {op[2] for op in OPERATIONS}
    assert all(CASES[op[2]][0] == op[0].upper() for op in OPERATIONS)


def _send(client, world, endpoint, code="POLICE"):
    method, path, body, _personal = CASES[endpoint]
    return client.request(method, path(world, code), json=body(world, code) if body else None)


WRITES = {e for e in CASES if CASES[e][0] != "GET"}


def test_without_a_valid_token_every_endpoint_answers_401(api_as, world):
    stranger = api_as(None)
    stranger.secret = "sec_" + "x" * 43
    before = snapshot()
    for endpoint in CASES:
        assert _send(api_as(None), world, endpoint).status_code == 401, endpoint
        response = _send(stranger, world, endpoint)
        assert response.status_code == 401, endpoint
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert snapshot() == before


def _check_role(client, world, endpoint, role):
    before = snapshot()
    response = _send(client, world, endpoint)
    if CASES[endpoint][3] and role == Role.VIEWER:
        assert response.status_code == 403, endpoint
        assert snapshot() == before
    else:
        assert response.status_code in (200, 201), (endpoint, role, response.get_json())


@pytest.mark.parametrize("endpoint", sorted(set(CASES) - WRITES))
def test_every_role_at_the_root_reads(api_as, world, endpoint):
    """A user of the MFA reads everything their role allows; viewers get no personal data."""
    for role in Role:
        _check_role(api_as(role, "MFA"), world, endpoint, role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_every_role_at_the_root_writes(api_as, world, role, endpoint):
    """Viewers change nothing; the other roles may write in their scope (the MFA's is everything)."""
    _check_role(api_as(role, "MFA"), world, endpoint, role)


@pytest.mark.parametrize("endpoint", sorted(e for e in CASES if CASES[e][3]))
def test_another_services_objects_are_not_found_and_never_listed(api_as, world, endpoint):
    """A Border Guard token asking about the Police: not found, refused, or simply not in the list."""
    for role in (Role.HR_OFFICER, Role.COORDINATOR):
        client = api_as(role, "BORDER_GUARD")
        before = snapshot()
        response = _send(client, world, endpoint, "POLICE")
        text = json.dumps(response.get_json(), ensure_ascii=False)
        assert "P-1" not in text and "P-2" not in text and "POLICE" not in text
        if endpoint in LISTS:
            assert response.status_code == 200
            assert "B-1" in text or "B-2" in text  # the list does show the service's own
        else:
            assert response.status_code in (404, 422), (role, response.get_json())
            assert snapshot() == before


def test_own_service_objects_are_served(api_as, world):
    """The same requests about the Border Guard's own objects succeed (the refusals above are about scope)."""
    client = api_as(Role.HR_OFFICER, "BORDER_GUARD")
    for endpoint in sorted(e for e in CASES if CASES[e][3] and e not in LISTS):
        response = _send(client, world, endpoint, "BORDER_GUARD")
        assert response.status_code in (200, 201), (endpoint, response.get_json())
