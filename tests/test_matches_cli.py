"""`flask match position|expert` and `flask plan cfc`: the JSON shapes of SPEC §6 and clear errors."""
import json
from datetime import date

import pytest

from seconding.models import ClearanceLevel, PoolStatus
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)

POSITION_KEYS = {"cfc_ref", "position_ref", "title", "start", "end"}
RESULT_KEYS = {"institution", "external_id", "name", "status", "score", "blockers", "gaps"}


@pytest.fixture
def staffed(make_expert, add_training, make_cfc, make_position):
    """A CfC with two positions and three experts: eligible, eligible with gaps, ineligible."""
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 2-2030")
    monitor = make_position(cfc, "GEO ZM 12", title="Monitor", posts=2, available_on=date(2030, 3, 1),
                            languages_essential="en:B2", min_experience_years=3)
    make_position(cfc, "GEO HQ 07", title="Human Rights Adviser", available_on=date(2030, 3, 1),
                  clearance_level=ClearanceLevel.SECRET, languages_essential="ro:C1")
    ready = make_expert("POLICE", external_id="P-1", given_name="Anna", family_name="Gotowa", languages="en:C1",
                        experience_years=10, passport_expires=date(2035, 1, 1))
    add_training(ready, "PDT", date(2029, 1, 1))
    add_training(ready, "HEAT", date(2029, 1, 1))
    make_expert("BORDER_GUARD", external_id="B-2", given_name="Jan", family_name="Luka", languages="en:B2",
                experience_years=4)
    make_expert("NRA", external_id="N-3", given_name="Ola", family_name="Slaba", languages="en:A2")
    make_expert("PRISON", external_id="S-4", pool_status=PoolStatus.SUSPENDED, languages="en:C2")
    return cfc, monitor


def _json(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_match_position_json_has_the_documented_shape(runner, staffed):
    doc = _json(runner, ["match", "position", "GEO ZM 12", "--as-of", "2030-01-15", "--json"])
    assert set(doc) == {"position", "as_of", "results"}
    assert doc["position"] == {"cfc_ref": "EUMM Georgia 2-2030", "position_ref": "GEO ZM 12", "title": "Monitor",
                               "start": "2030-03-01", "end": "2031-03-01"}
    assert doc["as_of"] == "2030-01-15"
    assert all(set(r) == RESULT_KEYS for r in doc["results"])
    assert [(r["external_id"], r["status"]) for r in doc["results"]] == [("P-1", "eligible"), ("B-2", "gaps")]
    first, second = doc["results"]
    assert (first["institution"], first["name"], first["blockers"], first["gaps"]) == ("POLICE", "Anna Gotowa", [],
                                                                                      [])
    assert 0 <= second["score"] <= 100 and first["score"] > second["score"]
    assert {g["rule"] for g in second["gaps"]} == {"course", "passport"}
    assert all(set(g) == {"rule", "detail"} and g["detail"] for g in second["gaps"])


def test_match_position_all_limit_and_case(runner, staffed):
    doc = _json(runner, ["match", "position", "geo  zm 12", "--all", "--as-of", "2030-01-15", "--json"])
    statuses = [r["status"] for r in doc["results"]]
    assert statuses == ["eligible", "gaps", "ineligible", "ineligible"]
    weak = next(r for r in doc["results"] if r["external_id"] == "N-3")
    assert {"rule": "language", "detail": "en A2, needs B2"} in weak["blockers"]
    assert any(b["rule"] == "pool_status" for b in doc["results"][-1]["blockers"] + doc["results"][-2]["blockers"])
    limited = _json(runner, ["match", "position", "GEO ZM 12", "--cfc", "eumm georgia 2-2030", "--limit", "1",
                             "--json"])
    assert [r["external_id"] for r in limited["results"]] == ["P-1"]


def test_match_position_prints_a_readable_table(runner, staffed):
    result = runner.invoke(args=["match", "position", "GEO ZM 12", "--as-of", "2030-01-15"])
    assert result.exit_code == 0
    assert "EUMM Georgia 2-2030 / GEO ZM 12: Monitor" in result.output
    assert "Anna Gotowa" in result.output and "gap course: PDT missing" in result.output


def test_plan_cfc_json_has_the_documented_shape(runner, staffed):
    doc = _json(runner, ["plan", "cfc", "EUMM Georgia 2-2030", "--as-of", "2030-01-15", "--json"])
    assert set(doc) == {"cfc_ref", "as_of", "total_score", "assignments", "unfilled"}
    assert (doc["cfc_ref"], doc["as_of"]) == ("EUMM Georgia 2-2030", "2030-01-15")
    assert all(set(a) == {"position_ref", "institution", "external_id", "score"} for a in doc["assignments"])
    assert sorted((a["position_ref"], a["external_id"]) for a in doc["assignments"]) == [
        ("GEO ZM 12", "B-2"), ("GEO ZM 12", "P-1")]
    assert doc["total_score"] == sum(a["score"] for a in doc["assignments"])
    assert doc["unfilled"] == [{"position_ref": "GEO HQ 07", "missing": 1, "reason": "no active expert with ro C1"}]
    text = runner.invoke(args=["plan", "cfc", "EUMM Georgia 2-2030", "--as-of", "2030-01-15"])
    assert text.exit_code == 0 and "2 of 3 posts filled" in text.output and "unfilled" in text.output


def test_match_expert_lists_open_positions(runner, staffed):
    doc = _json(runner, ["match", "expert", "police", "p-1", "--as-of", "2030-01-15", "--json"])
    assert set(doc) == {"expert", "as_of", "results"}
    assert doc["expert"] == {"institution": "POLICE", "external_id": "P-1", "name": "Anna Gotowa"}
    assert [(r["position_ref"], r["status"]) for r in doc["results"]] == [("GEO ZM 12", "eligible")]
    assert set(doc["results"][0]) == POSITION_KEYS | {"status", "score", "blockers", "gaps"}
    every = _json(runner, ["match", "expert", "POLICE", "P-1", "--all", "--json", "--as-of", "2030-01-15"])
    assert [r["status"] for r in every["results"]] == ["eligible", "ineligible"]


@pytest.mark.parametrize(("args", "message"), [
    (["match", "position", "NOPE 1"], "Unknown position 'NOPE 1'"),
    (["match", "position", "GEO ZM 12", "--cfc", "Other 1-2030"], "Unknown CfC 'Other 1-2030'"),
    (["match", "position", "GEO ZM 12", "--as-of", "2030-02-30"], "is not a date"),
    (["match", "position", "GEO ZM 12", "--limit", "0"], "--limit"),
    (["match", "expert", "POLICE", "X-404"], "No expert 'X-404' in POLICE"),
    (["match", "expert", "SPACE_FORCE", "X-1"], "Unknown institution 'SPACE_FORCE'"),
    (["plan", "cfc", "Nothing 0-2030"], "Unknown CfC 'Nothing 0-2030'"),
    (["plan", "cfc", "EUMM Georgia 2-2030", "--as-of", "tomorrow"], "is not a date"),
    (["plan", "cfc", "EUMM Georgia 2-2030", "--as-of", "9999-12-31"], "use a date from 2000-01-01 to 2099-12-31"),
])
def test_errors_say_what_is_wrong_and_exit_non_zero(runner, staffed, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_ambiguous_position_ref_needs_the_cfc(runner, staffed, make_cfc, make_position):
    make_position(make_cfc("EUMA", "EUMA 1-2030"), "GEO ZM 12")
    result = runner.invoke(args=["match", "position", "GEO ZM 12", "--json"])
    assert result.exit_code != 0
    assert "in several CfCs (EUMA 1-2030, EUMM Georgia 2-2030); choose one with --cfc" in result.output
    doc = _json(runner, ["match", "position", "GEO ZM 12", "--cfc", "EUMA 1-2030", "--json"])
    assert doc["position"]["cfc_ref"] == "EUMA 1-2030"
