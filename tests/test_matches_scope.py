"""Scope: an HR officer's match results hold only experts of their scope (SPEC §3)."""
from datetime import date

import pytest

from seconding.models import Role
from tests.fixtures_missions import *  # noqa: F403  (the make_cfc and make_position fixtures)


@pytest.fixture
def two_services(make_expert, make_cfc, make_position):
    cfc = make_cfc("EUMM Georgia", "EUMM Georgia 2-2030")
    position = make_position(cfc, "GEO ZM 12", posts=2, available_on=date(2030, 3, 1), languages_essential="en:B2")
    police = make_expert("POLICE", external_id="P-1", given_name="Piotr", family_name="Policyjny",
                         languages="en:C1", experience_years=12)
    border = make_expert("BORDER_GUARD", external_id="B-1", given_name="Beata", family_name="Graniczna",
                         languages="en:B2", experience_years=4)
    return cfc, position, police, border


def test_border_guard_hr_never_sees_a_police_expert(client, login, make_user, two_services):
    cfc, position, police, border = two_services
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))

    for url in (f"/matches/positions/{position.id}?as_of=2030-01-15",
                f"/matches/positions/{position.id}?as_of=2030-01-15&show=all",
                f"/matches/positions/{position.id}?institution=POLICE",
                f"/matches/cfcs/{cfc.id}/plan?as_of=2030-01-15"):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert "Policyjny" not in html and "P-1" not in html, url
    assert "Graniczna" in client.get(f"/matches/positions/{position.id}?as_of=2030-01-15").get_data(as_text=True)
    assert "Graniczna" in client.get(f"/matches/cfcs/{cfc.id}/plan?as_of=2030-01-15").get_data(as_text=True)
    assert client.get(f"/matches/experts/{police.id}").status_code == 404
    assert client.get(f"/matches/experts/{border.id}").status_code == 200


def test_counts_and_plan_are_limited_to_the_scope(client, login, make_user, two_services):
    cfc, position, _police, _border = two_services
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    html = client.get(f"/matches/positions/{position.id}?as_of=2030-01-15").get_data(as_text=True)
    assert "0 eligible and 1 eligible with gaps for 2 post(s)" in html
    plan = client.get(f"/matches/cfcs/{cfc.id}/plan?as_of=2030-01-15").get_data(as_text=True)
    assert "1 / 2" in plan


def test_a_coordinator_at_the_ministry_sees_both(client, login, make_user, two_services):
    _cfc, position, police, border = two_services
    login(make_user(Role.COORDINATOR, "MIA"))
    html = client.get(f"/matches/positions/{position.id}?as_of=2030-01-15").get_data(as_text=True)
    assert "Policyjny" in html and "Graniczna" in html
    assert "0 eligible and 2 eligible with gaps for 2 post(s)" in html
    assert client.get(f"/matches/experts/{police.id}").status_code == 200
