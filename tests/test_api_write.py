"""Writes through the API: the expert form's validation and optimistic locking, nominations through the workflow
table; every refusal is JSON with a stable shape and changes nothing."""

from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.models import SKILLS, Expert, Role
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_nip import *  # noqa: F403
from tests.test_routes import snapshot


def _body(**changes) -> dict:
    body = {"institution": "POLICE", "external_id": "P-100", "given_name": "Ewa", "family_name": "Kamińska",
            "sex": "F", "experience_years": 7, "date_of_birth": "1985-04-02", "email": "ewa@example.org",
            "expertise": ["community_policing", "human_rights"],
            "languages": [{"code": "en", "level": "C1"}, {"code": "uk", "level": "B1"}],
            "clearance_level": "SECRET", "clearance_expires": "2030-06-30", "driving_licence": "B_4X4",
            "short_notice": True, "consent_on": "2025-02-01",
            "unavailability": [{"start": "2026-07-01", "end": "2026-07-31", "reason": "leave"}],
            "history": [{"mission": "EUMM Georgia", "host_country": "Georgia", "start": "2019-01-01",
                         "end": "2020-01-01", "csdp": True}]}
    body.update(changes)
    return body


def test_create_read_and_update_an_expert(api_as, db):
    api = api_as(Role.HR_OFFICER, "POLICE")
    created = api.post("/experts", json=_body())
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/experts/{data['id']}")
    assert data["expertise"] == ["community_policing", "human_rights"]
    no_assessment = dict.fromkeys(SKILLS)
    assert data["languages"] == [{"code": "en", "level": "C1", "skills": no_assessment},
                                 {"code": "uk", "level": "B1", "skills": no_assessment}]
    assert data["education"] == [] and data["employment"] == [] and data["computer_skills"] == ""
    assert data["unavailability"][0]["reason"] == "leave" and data["history"][0]["mission"] == "EUMM Georgia"
    read = api.get(f"/experts/{data['id']}").get_json()
    assert read == data
    # What was read can be sent back as it is: nothing changes, the version stays.
    same = api.put(f"/experts/{data['id']}", json=read)
    assert same.status_code == 200 and same.get_json()["version"] == data["version"]
    changed = api.put(f"/experts/{data['id']}", json={**read, "experience_years": 8,
                                                      "languages": [{"code": "en", "level": "C2"}]})
    assert changed.status_code == 200
    assert changed.get_json()["version"] > data["version"]
    expert = db.session.get(Expert, data["id"])
    db.session.refresh(expert)
    assert expert.experience_years == 8 and [(lang.code, lang.level.value) for lang in expert.languages] == [
        ("en", "C2")]


CV = {
    "languages": [{"code": "en", "level": "C1", "skills": {"listening": "C2", "writing": "B2"}},
                  {"code": "uk", "level": "B1"}],
    "education": [{"level": "master", "field": "Law", "organisation": "University of Warsaw", "country": "Poland",
                   "start": "2004-10-01", "end": "2009-06-30", "degree": "Master of Laws"},
                  {"level": "bachelor", "field": "Internal security", "organisation": "Police Academy in Szczytno",
                   "country": "Poland", "start": "2010-10-01", "end": None, "degree": ""}],
    "employment": [{"employer": "Polish Police", "position": "Head of section", "start": "2015-01-01", "end": None,
                    "duties": "Leads a section of 12 officers."},
                   {"employer": "Polish Police", "position": "Officer", "start": "2009-09-01",
                    "end": "2014-12-31", "duties": ""}],
    "computer_skills": "MS Office, i2 Analyst's Notebook",
}


def test_the_cv_round_trips_through_the_api_and_a_put_without_it_keeps_it(api_as, db):
    """Issue 27: the new lists go in and come out (most recent first); a PUT that leaves them out keeps them, an empty
    list clears one."""
    api = api_as(Role.HR_OFFICER, "POLICE")
    created = api.post("/experts", json=_body(**CV))
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert [e["organisation"] for e in data["education"]] == ["Police Academy in Szczytno", "University of Warsaw"]
    assert data["education"][1] == CV["education"][0]
    assert [p["position"] for p in data["employment"]] == ["Head of section", "Officer"]
    assert data["employment"][0]["duties"] == "Leads a section of 12 officers."
    assert data["computer_skills"] == "MS Office, i2 Analyst's Notebook"
    assert data["languages"][0]["skills"] == {"listening": "C2", "reading": None, "spoken_interaction": None,
                                              "spoken_production": None, "writing": "B2"}
    assert api.get(f"/experts/{data['id']}").get_json() == data
    # A client that knows nothing of the CV sends its old shape back: the CV stays.
    old_shape = {k: v for k, v in data.items() if k not in ("education", "employment", "computer_skills")}
    old_shape["languages"] = [{"code": lang["code"], "level": lang["level"]} for lang in data["languages"]]
    kept = api.put(f"/experts/{data['id']}", json=old_shape)
    assert kept.status_code == 200 and kept.get_json() == data
    cleared = api.put(f"/experts/{data['id']}", json={**data, "employment": []}).get_json()
    assert cleared["employment"] == [] and cleared["education"] == data["education"]
    bad = api.put(f"/experts/{data['id']}", json={**cleared, "education": [
        {**CV["education"][0], "end": "2001-01-01"}]})
    assert bad.status_code == 422 and "education[0].end" in bad.get_json()["error"]["fields"]


def test_a_stale_version_answers_409_and_changes_nothing(api_as, make_expert, db):
    """Acceptance 3: two clients read version 1; the first saves, the second is told and overwrites nothing."""
    expert = make_expert("POLICE", external_id="P-7", family_name="Nowak")
    first, second = api_as(Role.HR_OFFICER, "POLICE"), api_as(Role.COORDINATOR, "MFA")
    read = first.get(f"/experts/{expert.id}").get_json()
    assert first.put(f"/experts/{expert.id}", json={**read, "family_name": "Nowak-Kowalska"}).status_code == 200
    before = snapshot()
    stale = second.put(f"/experts/{expert.id}", json={**read, "family_name": "Overwritten"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert snapshot() == before
    assert second.get(f"/experts/{expert.id}").get_json()["family_name"] == "Nowak-Kowalska"


def test_validation_is_the_forms_and_names_the_fields(api_as, make_expert, db):
    api = api_as(Role.HR_OFFICER, "POLICE")
    make_expert("POLICE", external_id="P-100")
    before = snapshot()
    # `invalid`: the OpenAPI document refuses it; `refused`: a rule beyond the document (the form's, the data's).
    cases = [
        (_body(clearance_expires=None), "clearance_expires", "refused"),  # a level needs its expiry (form rule)
        (_body(languages=[{"code": "en", "level": "C1"}, {"code": "en", "level": "B1"}]), "languages", "refused"),
        (_body(languages=[{"code": "qq", "level": "C1"}]), "languages[0].code", "refused"),
        (_body(date_of_birth="2026-02-30"), "date_of_birth", "invalid"),
        (_body(date_of_birth="1920-01-01"), "date_of_birth", "invalid"),
        (_body(consent_on="1999-12-31"), "consent_on", "invalid"),
        (_body(experience_years=-1), "experience_years", "invalid"),
        (_body(experience_years="7"), "experience_years", "invalid"),  # a string is not a number
        (_body(given_name=""), "given_name", "invalid"),
        (_body(expertise=["no_such_area"]), "expertise", "refused"),
        (_body(unavailability=[{"start": "2026-08-01", "end": "2026-07-01"}]), "unavailability[0].end", "refused"),
        (_body(institution="BORDER_GUARD"), "institution", "refused"),  # outside the HR officer's scope
        (_body(nickname="Ewa"), "nickname", "invalid"),  # unknown field
        ({k: v for k, v in _body().items() if k != "family_name"}, "family_name", "invalid"),
        (_body(), "external_id", "refused"),  # the personnel number is taken in the Police
    ]
    for body, field, code in cases:
        answer = api.post("/experts", json=body)
        assert answer.status_code == 422, (field, answer.get_json())
        error = answer.get_json()["error"]
        assert error["code"] == code, (field, error)
        assert field in error["fields"], (field, error)
        assert error["message"]
    assert snapshot() == before


def test_unreadable_bodies_answer_400(api_as):
    api = api_as(Role.COORDINATOR)
    before = snapshot()
    for data, content_type in (("{not json", "application/json"), ("a=b", "application/x-www-form-urlencoded"),
                               ('{"given_name": "A\\u0000"}', "application/json")):
        answer = api.request("POST", "/experts", data=data, headers={"Content-Type": content_type})
        assert answer.status_code == 400, answer.get_json()
        assert answer.get_json()["error"]["code"] == "bad_request"
    assert api.post("/experts", json=[1, 2]).status_code == 422
    assert snapshot() == before


def test_unknown_paths_wrong_methods_and_bad_parameters_answer_json(api_as):
    api = api_as(Role.COORDINATOR)
    assert api.get("/nothing-here").status_code == 404
    assert api.get("/experts/99999999999").status_code == 404
    wrong = api.request("DELETE", "/experts")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    bad = api.get("/experts", query={"available_on": "2026-02-30", "colour": "blue", "sort": "shoe_size"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"colour"}  # unknown parameters first
    bad = api.get("/experts", query={"available_on": "2026-02-30", "sort": "shoe_size", "per_page": "1000"})
    assert set(bad.get_json()["error"]["fields"]) == {"available_on", "sort", "per_page"}


def test_nominations_are_made_and_moved_through_the_workflow(api_as, world, db):
    hr, coordinator = api_as(Role.HR_OFFICER, "POLICE"), api_as(Role.COORDINATOR, "MFA")
    expert = world["away"]["POLICE"]
    made = hr.post("/nominations", json={"position_id": world["position"].id, "expert_id": expert.id,
                                         "consent_on": "2025-03-01", "comment": "fits well",
                                         "motivation": "Ten years of border checks in English."})
    assert made.status_code == 201, made.get_json()
    nomination = made.get_json()
    assert nomination["status"] == "draft" and nomination["allowed_actions"] == ["submit", "withdraw"]
    again = hr.post("/nominations", json={"position_id": world["position"].id, "expert_id": expert.id})
    assert again.status_code == 422 and "already has an active nomination" in again.get_json()["error"]["message"]
    # Submitting checks eligibility: this expert has English B2, as the position needs.
    url = f"/nominations/{nomination['id']}/transitions"
    submitted = hr.post(url, json={"action": "submit", "version": nomination["version"]})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "submitted"
    version = submitted.get_json()["version"]
    before = snapshot()
    refused = hr.post(url, json={"action": "endorse", "version": version})
    assert refused.status_code == 403  # HR officers do not endorse (SPEC §3)
    stale = coordinator.post(url, json={"action": "endorse", "version": nomination["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    wrong = coordinator.post(url, json={"action": "forward", "version": version, "forwarded_on": "2026-01-05",
                                        "goalkeeper_ref": "GK-1"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "refused"
    reason = coordinator.post(url, json={"action": "reject", "version": version})
    assert reason.status_code == 422  # a rejection needs its reason
    for day in ("2026-02-30", "1900-01-01"):
        odd = coordinator.post(url, json={"action": "forward", "version": version, "forwarded_on": day,
                                          "goalkeeper_ref": "GK-1"})
        assert odd.status_code == 422 and "forwarded_on" in odd.get_json()["error"]["fields"]
    assert snapshot() == before
    endorsed = coordinator.post(url, json={"action": "endorse", "version": version})
    assert endorsed.status_code == 200 and endorsed.get_json()["status"] == "endorsed"
    history = coordinator.get(f"/nominations/{nomination['id']}").get_json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [(None, "draft"), ("draft", "submitted"),
                                                        ("submitted", "endorsed")]
    assert history[-1]["actor"] == coordinator.user.email


def _advance(client, nomination_id: int, *actions: str, **extra) -> dict:
    body = {}
    for action in actions:
        version = client.get(f"/nominations/{nomination_id}").get_json()["version"]
        answer = client.post(f"/nominations/{nomination_id}/transitions",
                             json={"action": action, "version": version, **extra})
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
    return body


def test_forwarding_asks_to_confirm_the_warnings(api_as, world, db):
    """Two men of the Police for one call: forwarding the second needs confirm_warnings, as on the page."""
    coordinator = api_as(Role.COORDINATOR, "MFA")
    forward = {"forwarded_on": today_in_warsaw().isoformat(), "goalkeeper_ref": "GK-7"}
    first = world["nominations"]["POLICE"]
    _advance(coordinator, first.id, "submit", "endorse")
    assert _advance(coordinator, first.id, "forward", **forward)["status"] == "forwarded"
    second = coordinator.post("/nominations", json={"position_id": world["position"].id,
                                                    "expert_id": world["away"]["POLICE"].id,
                                                    "consent_on": "2025-01-01",
                                                    "motivation": "A second Police officer."}).get_json()
    version = _advance(coordinator, second["id"], "submit", "endorse")["version"]
    url = f"/nominations/{second['id']}/transitions"
    before = snapshot()
    warned = coordinator.post(url, json={"action": "forward", "version": version, **forward})
    assert warned.status_code == 422
    error = warned.get_json()["error"]
    assert error["code"] == "confirmation_needed" and "one institution (Police)" in error["message"]
    assert "would have 0 women and 2 men of 2: 0 % women" in error["message"]
    assert snapshot() == before
    confirmed = coordinator.post(url, json={"action": "forward", "version": version, "confirm_warnings": True,
                                            **forward})
    assert confirmed.status_code == 200 and confirmed.get_json()["goalkeeper_ref"] == "GK-7"
    assert db.session.scalar(select(func.count(Nomination.id)).where(
        Nomination.status == NominationStatus.FORWARDED)) == 2
    assert db.session.get(Nomination, second["id"]).forwarded_on == today_in_warsaw()
    assert db.session.get(Nomination, second["id"]).history[-1].comment == (  # the confirmation is kept
        "Forwarded with the national shortlist at 0 % women (0 of 2), under the 40 % target; confirmed. "
        "Forwarded with all 2 nominations of the shortlist from one institution (Police); confirmed.")


def test_odd_input_gets_a_clear_answer_never_a_500(api_as, make_expert):
    """Hostile or careless input: deep nesting, odd digits, huge numbers, NUL in the query, wrong types."""
    expert = make_expert("POLICE")
    api = api_as(Role.COORDINATOR)
    before = snapshot()
    answers = [
        api.request("POST", "/experts", data="[" * 100_000 + "]" * 100_000,
                    headers={"Content-Type": "application/json"}),
        api.request("POST", "/experts", data='{"experience_years": ' + "9" * 5000 + "}",
                    headers={"Content-Type": "application/json"}),
        api.get("/experts", query={"page": "²"}),
        api.get("/experts", query={"q": "a\x00b"}),
        api.get("/positions", query={"cfc_id": "99999999999"}),
        api.get(f"/experts/{expert.id}/matches", query={"as_of": "9999-12-31"}),
        api.put(f"/experts/{expert.id}", json={"version": "1"}),
        api.post("/nominations", json={"position_id": 2**40, "expert_id": expert.id}),
        api.post("/nominations/1/transitions", json={"action": "teleport", "version": 1}),
        api.request("OPTIONS", "/experts", headers={"Authorization": ""}),
    ]
    assert [a.status_code for a in answers] == [400, 400, 422, 400, 422, 422, 422, 422, 404, 401]
    assert snapshot() == before
