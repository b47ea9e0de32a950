"""Match pages: every rule shown as met / gap / blocker in words, filters, as-of date, staffing figures, plan."""
import re
from datetime import date

import pytest

from seconding.models import ClearanceLevel, PoolStatus, Role
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)


@pytest.fixture
def setting(make_expert, add_training, make_cfc, make_position):
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 2-2030")
    monitor = make_position(cfc, "GEO ZM 12", title="Monitor", posts=2, available_on=date(2030, 3, 1),
                            languages_essential="en:B2", min_experience_years=3)
    adviser = make_position(cfc, "GEO HQ 07", title="Adviser", available_on=date(2030, 3, 1),
                            clearance_level=ClearanceLevel.SECRET)
    ready = make_expert("POLICE", given_name="Anna", family_name="Gotowa", languages="en:C1", experience_years=10,
                        passport_expires=date(2035, 1, 1))
    add_training(ready, "PDT", date(2029, 1, 1))
    add_training(ready, "HEAT", date(2029, 1, 1))
    make_expert("BORDER_GUARD", given_name="Jan", family_name="Luka", languages="en:B2", experience_years=4)
    make_expert("NRA", given_name="Ola", family_name="Slaba", languages="en:A2")
    make_expert("PRISON", given_name="Zenon", family_name="Zawieszony", pool_status=PoolStatus.SUSPENDED)
    return cfc, monitor, adviser, ready


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_ranked_experts_with_every_rule_in_words(client, login, make_user, setting):
    _cfc, monitor, _adviser, _ready = setting
    login(make_user(Role.COORDINATOR))
    html = client.get(f"/matches/positions/{monitor.id}?as_of=2030-01-15").get_data(as_text=True)
    rows = _rows(html)
    assert [("Gotowa" in r, "Luka" in r) for r in rows] == [(True, False), (False, True)]
    assert "eligible with gaps" in rows[1] and ">eligible<" in rows[0]
    first = rows[0]
    for rule in ("Pool status", "Free for the tour", "Availability", "Language", "Clearance", "Experience",
                 "Driving licence", "Course", "Clearance validity", "Passport"):
        assert f"{rule}:</span>" in first, rule
    # The rules met folded under one line (one per rule, one per language and course), blockers and gaps open.
    assert "11 criteria met</summary>" in first and "<details" in first and "<details open" not in first
    assert first.count(">met</span>") == 1
    assert ">gap</span> <span class=\"text-bold\">Course:</span> PDT missing" in rows[1].replace("\n      ", " ")
    assert "1 eligible and 1 eligible with gaps for 2 post(s): 1.0 per post." in html
    assert "2030-03-01 to 2031-03-01" in html


def test_ineligible_experts_on_request_and_institution_filter(client, login, make_user, setting):
    _cfc, monitor, _adviser, _ready = setting
    login(make_user(Role.COORDINATOR))
    html = client.get(f"/matches/positions/{monitor.id}?as_of=2030-01-15&show=all").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 4 and "Slaba" in rows[2] and "Zawieszony" in rows[3]
    assert ">blocker</span> <span class=\"text-bold\">Language:</span> English A2, needs B2" in rows[2].replace(
        "\n      ", " ")
    assert "pool status is suspended" in rows[3]
    assert "2 ineligible." in html
    only = client.get(f"/matches/positions/{monitor.id}?as_of=2030-01-15&institution=BORDER_GUARD")
    rows = _rows(only.get_data(as_text=True))
    assert len(rows) == 1 and "Luka" in rows[0]


def test_the_expert_page_lists_open_positions(client, login, make_user, setting):
    _cfc, _monitor, _adviser, ready = setting
    login(make_user(Role.COORDINATOR))
    eligible = client.get(f"/matches/experts/{ready.id}?as_of=2030-01-15").get_data(as_text=True)
    assert "GEO ZM 12" in eligible and "GEO HQ 07" not in eligible
    every = client.get(f"/matches/experts/{ready.id}?as_of=2030-01-15&show=all").get_data(as_text=True)
    assert "GEO HQ 07" in every and "None, needs SECRET (tajne)" in every


def test_as_of_moves_an_asap_start(client, login, make_user, make_expert, make_cfc, make_position):
    position = make_position(make_cfc("EUMA"), "ARM YE 15", available_on=None)
    make_expert("POLICE", family_name="Pozniej", available_from=date(2030, 3, 1))
    login(make_user(Role.COORDINATOR))
    early = client.get(f"/matches/positions/{position.id}?as_of=2030-01-15&show=all").get_data(as_text=True)
    assert "available from 2030-03-01" in early and "2030-02-14 to 2031-02-14" in early
    later = client.get(f"/matches/positions/{position.id}?as_of=2030-02-15").get_data(as_text=True)
    assert "Pozniej" in later and "available on 2030-03-17" in later


def test_the_staffing_plan_shows_assignments_and_unfilled_reasons(client, login, make_user, setting):
    cfc, _monitor, _adviser, _ready = setting
    login(make_user(Role.HR_OFFICER, "MFA"))
    html = client.get(f"/matches/cfcs/{cfc.id}/plan?as_of=2030-01-15").get_data(as_text=True)
    assert "2 / 3" in html
    proposed, unfilled = html.split("Unfilled posts", 1)
    assert "Gotowa" in proposed and "Luka" in proposed
    assert "GEO HQ 07" in unfilled and "no active expert with clearance SECRET (tajne) valid on 2030-03-01" in unfilled
    assert "Turn this plan into draft nominations" in html
