"""Reads through the API: the expert list's filters and paging as on the page, matches in the CLI's JSON shape
(SPEC §6) with as_of, nominations, deployments, calls, positions and NIP actions."""
import json

from seconding.models import CfcStatus, PoolStatus, Role
from tests.conftest import PASSWORD
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403


def test_the_expert_list_filters_sorts_and_pages_like_the_page(api_as, make_expert, make_user, app):
    for n, (languages, status) in enumerate([("en:C1", "active"), ("en:B1", "active"), ("ru:C2", "suspended"),
                                             ("en:C2", "active")]):
        make_expert("POLICE", external_id=f"P-{n}", family_name=f"Nazwisko{n}", languages=languages,
                    pool_status=PoolStatus(status))
    make_expert("BORDER_GUARD", external_id="B-9", languages="en:C2")
    api = api_as(user=make_user(Role.HR_OFFICER, "POLICE"))  # signs in to the page below too
    everyone = api.get("/experts").get_json()
    assert everyone["total"] == 4 and {e["institution"] for e in everyone["items"]} == {"POLICE"}
    english = api.get("/experts", query={"language": "en", "min_level": "C1", "sort": "-name"}).get_json()
    assert [e["external_id"] for e in english["items"]] == ["P-3", "P-0"]
    assert english["items"][0]["languages"] == [{"code": "en", "level": "C2"}]
    suspended = api.get("/experts", query={"status": "suspended"}).get_json()
    assert [e["external_id"] for e in suspended["items"]] == ["P-2"]
    paged = api.get("/experts", query={"per_page": 3, "page": 2}).get_json()
    assert (paged["page"], paged["per_page"], paged["total"], paged["pages"]) == (2, 3, 4, 2)
    assert [e["external_id"] for e in paged["items"]] == ["P-3"]
    assert api.get("/experts", query={"page": 9}).get_json()["items"] == []
    # The page shows the same rows for the same filters.
    client = app.test_client()
    client.post_form("/sign-in", {"email": api.user.email, "password": PASSWORD})
    page = client.get("/experts/?language=en&min_level=C1&sort=-name").get_data(as_text=True)
    assert page.index("Nazwisko3") < page.index("Nazwisko0") and "Nazwisko1" not in page


def test_position_matches_are_the_clis_json_as_of_a_date(api_as, runner, world, db):
    position = world["position"]
    api = api_as(Role.ADMIN)
    answer = api.get(f"/positions/{position.id}/matches", query={"as_of": "2030-01-15", "all": "true"}).get_json()
    result = runner.invoke(args=["match", "position", position.reference, "--all", "--as-of", "2030-01-15",
                                 "--json"])
    assert answer == json.loads(result.output)
    assert answer["as_of"] == "2030-01-15"
    statuses = {r["external_id"]: r["status"] for r in answer["results"]}
    assert statuses["P-1"] in ("eligible", "gaps") and len(statuses) == 4
    limited = api.get(f"/positions/{position.id}/matches", query={"as_of": "2030-01-15", "all": "true",
                                                                  "limit": 1, "offset": 1}).get_json()
    assert limited["results"] == answer["results"][1:2]
    # The HR officer's ranking holds their own service only.
    own = api_as(Role.HR_OFFICER, "BORDER_GUARD").get(f"/positions/{position.id}/matches",
                                                       query={"all": "true"}).get_json()
    assert {r["institution"] for r in own["results"]} == {"BORDER_GUARD"}


def test_expert_matches_are_the_clis_json(api_as, runner, world):
    expert = world["experts"]["POLICE"]
    answer = api_as(Role.HR_OFFICER, "POLICE").get(f"/experts/{expert.id}/matches",
                                                   query={"as_of": "2030-01-15"}).get_json()
    result = runner.invoke(args=["match", "expert", "POLICE", "P-1", "--as-of", "2030-01-15", "--json"])
    assert answer == json.loads(result.output)
    assert [r["position_ref"] for r in answer["results"]] == ["GEO 1"]
    bad = api_as(Role.HR_OFFICER, "POLICE").get(f"/experts/{expert.id}/matches", query={"as_of": "1. März"})
    assert bad.status_code == 422 and "as_of" in bad.get_json()["error"]["fields"]


def test_the_staffing_plan_is_the_clis_json_in_the_readers_scope(api_as, runner, world):
    cfc = world["cfc"]
    answer = api_as(Role.ADMIN).get(f"/cfcs/{cfc.id}/plan", query={"as_of": "2030-01-15"}).get_json()
    result = runner.invoke(args=["plan", "cfc", cfc.reference, "--as-of", "2030-01-15", "--json"])
    assert answer == json.loads(result.output)
    assert [a["position_ref"] for a in answer["assignments"]] == ["GEO 1"]
    own = api_as(Role.HR_OFFICER, "BORDER_GUARD").get(f"/cfcs/{cfc.id}/plan").get_json()
    assert {a["institution"] for a in own["assignments"]} == {"BORDER_GUARD"}


def test_nominations_and_deployments_in_scope_with_filters(api_as, world):
    api = api_as(Role.COORDINATOR, "MIA")  # the ministry: Police and Border Guard below it
    everything = api.get("/nominations").get_json()
    assert {n["expert"]["institution"] for n in everything["items"]} == {"POLICE", "BORDER_GUARD"}
    police = api.get("/nominations", query={"institution": "POLICE", "status": "draft",
                                            "cfc_id": world["cfc"].id}).get_json()
    assert [n["expert"]["external_id"] for n in police["items"]] == ["P-1"]
    assert police["items"][0]["allowed_actions"] == ["submit", "withdraw"]
    assert api.get("/nominations", query={"status": "endorsed"}).get_json()["total"] == 0
    assert api.get("/nominations", query={"status": "maybe"}).status_code == 422
    tours = api.get("/deployments", query={"active": "false"}).get_json()
    assert sorted(d["expert"]["external_id"] for d in tours["items"]) == ["B-2", "P-2"]
    assert api.get("/deployments", query={"active": "true"}).get_json()["items"] == []
    one = api.get(f"/deployments/{world['deployments']['POLICE'].id}").get_json()
    assert (one["mission"], one["status"], one["end_date"]) == ("EULEX Kosovo", "completed", "2025-12-31")


def test_calls_positions_and_nip_actions_are_read_by_every_role(api_as, world, make_cfc):
    closed = make_cfc(reference="EUMM Georgia 9-2020", status=CfcStatus.CLOSED)
    viewer = api_as(Role.VIEWER)
    calls = viewer.get("/cfcs").get_json()["items"]
    assert {c["reference"] for c in calls} == {world["cfc"].reference, closed.reference}
    assert [c["reference"] for c in viewer.get("/cfcs", query={"status": "closed"}).get_json()["items"]] == [
        closed.reference]
    detail = viewer.get(f"/cfcs/{world['cfc'].id}").get_json()
    assert [p["reference"] for p in detail["position_list"]] == ["GEO 1"]
    position = viewer.get(f"/positions/{world['position'].id}").get_json()
    assert position["languages_essential"] == [{"code": "en", "level": "B2"}]
    assert viewer.get("/positions").get_json()["total"] == 1  # open calls only, unless a call is named
    assert viewer.get("/positions", query={"cfc_id": closed.id}).get_json()["total"] == 0
    actions = viewer.get("/nip/actions").get_json()["items"]
    assert [a["code"] for a in actions] == [world["action"].code]
    assert viewer.get("/nip/actions", query={"lead": "BORDER_GUARD"}).get_json()["items"] == []
    assert viewer.get("/nip/actions", query={"lead": "NOWHERE"}).status_code == 422
    action = viewer.get(f"/nip/actions/{world['action'].id}").get_json()
    assert action["lead"] == "POLICE" and len(action["updates"]) == 2
