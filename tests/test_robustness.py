"""Odd input a user can send gets a clear answer, never a 500 (found by review)."""
from datetime import date

import pytest

from seconding.deployments.services import record_deployment
from seconding.models import CfcStatus, Mission, Role
from seconding.models.enums import DeploymentStatus


@pytest.fixture
def coordinator(make_user, login):
    return login(make_user(Role.COORDINATOR, "MFA"))


@pytest.mark.parametrize("url", [
    "/experts/99999999999999999999", "/experts/2147483648/edit", "/nominations/99999999999999999999",
    "/deployments/2147483648", "/missions/99999999999999999999", "/admin/users/99999999999999999999",
    "/training/experts/99999999999999999999/records/new", "/register/experts/99999999999999999999/anonymise",
])
def test_ids_beyond_the_integer_range_are_not_found(client, coordinator, url):
    assert client.get(url).status_code == 404


def test_huge_ids_and_pages_elsewhere(client, coordinator):
    assert client.get("/audit/?page=99999999999999999999").status_code == 200
    assert client.post_form("/nominations/bulk", {"ids": "99999999999999999999", "action": "endorse"}).status_code \
        == 404


@pytest.mark.parametrize("url", ["/experts/?q=a%00b", "/audit/?action=%00", "/training/?q=%00"])
def test_nul_characters_are_refused(client, coordinator, url):
    assert client.get(url).status_code == 400


def test_nul_in_a_form_is_refused(client):
    assert client.post_form("/sign-in", {"email": "a\x00@example.org", "password": "x"}).status_code == 400


def test_deployment_forms_report_errors_and_refuse_absurd_dates(client, coordinator, make_expert, db):
    mission = db.session.query(Mission).filter_by(acronym="EUMA").one()
    tour = record_deployment(expert=make_expert(), mission=mission, start=date(2030, 1, 1), end=date(2030, 12, 31),
                             status=DeploymentStatus.PLANNED)
    db.session.commit()
    missing = client.post_form(f"/deployments/{tour.id}/curtail", {"curtail-version": tour.version,
                                                                   "curtail-on": "2030-03-01"})
    assert missing.status_code == 200 and "Give the reason." in missing.get_data(as_text=True)
    absurd = client.post_form(f"/deployments/{tour.id}/advance", {"advance-version": tour.version,
                                                                  "advance-on": "9999-12-31"})
    assert "Use a date from 2000-01-01 to 2099-12-31." in absurd.get_data(as_text=True)
    assert client.get(f"/deployments/{tour.id}").status_code == 200


def test_training_in_the_far_future_is_refused(client, coordinator, make_expert, courses):
    expert = make_expert()
    response = client.post_form(f"/training/experts/{expert.id}/records/new",
                                {"course_id": courses["HEAT"].id, "completed_on": "9999-12-30"})
    assert response.status_code == 200 and "Use a date from 1990-01-01 to today." in response.get_data(as_text=True)


def test_plan_to_nominations_refuses_absurd_dates_and_closed_calls(client, coordinator, make_cfc, make_position,
                                                                     make_expert, db):
    cfc = make_cfc("EUMA")
    make_position(cfc, "ARM 1")
    make_expert(consent_on=date(2026, 1, 1))
    absurd = client.post_form(f"/nominations/from-plan/{cfc.id}", {"as_of": "9999-12-31"}, follow_redirects=True)
    assert absurd.status_code == 200 and "As of: Use a date from 2000-01-01" in absurd.get_data(as_text=True)
    cfc.status = CfcStatus.CLOSED
    db.session.commit()
    closed = client.post_form(f"/nominations/from-plan/{cfc.id}", {"as_of": "2030-01-01"}, follow_redirects=True)
    assert "is closed" in closed.get_data(as_text=True)


@pytest.mark.parametrize(("url", "status"), [
    ("/reports/years?year=²", 200), ("/reports/funnel?year=٢٠٢٦", 200), ("/nip/?lead=²&commitment=٣", 200),
    ("/nominations/?cfc=²", 200), ("/missions/cfcs/new?mission_id=²", 200), ("/experts/?page=²", 200),
    # No batch is named: back to the board, as without ids.
    ("/packages/batch?ids=²", 302), ("/packages/batch?ids=³", 302),
    # The recipient named is no user: not found, as for any unknown id.
    ("/digest/preview?user=²&period=2026-12", 404),
])
def test_digits_that_are_not_0_to_9_are_refused_quietly(client, coordinator, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    if status == 302:
        assert response.headers["Location"] == "/nominations/"


def test_a_version_in_odd_digits_is_a_stale_form_not_a_500(client, coordinator, make_expert, db):
    expert = make_expert("POLICE")
    response = client.post_form(f"/experts/{expert.id}/confirm", {"version": "²"})
    assert response.status_code == 302 and response.headers["Location"] == f"/experts/{expert.id}"
    db.session.refresh(expert)
    assert expert.confirmed_at is None
