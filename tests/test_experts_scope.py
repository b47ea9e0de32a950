"""Scope: a Border Guard HR officer never sees a Police expert — list, detail, matrix, CSV."""
import pytest

from seconding.models import Role
from tests.job_downloads import training_matrix


@pytest.fixture
def two_pools(make_expert):
    return (make_expert("POLICE", family_name="Policjantka", external_id="POL-1"),
            make_expert("BORDER_GUARD", family_name="Strażniczka", external_id="SG-1"))


def test_border_guard_hr_never_sees_police_experts(client, make_user, login, two_pools):
    police, border = two_pools
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    listing = client.get("/experts/").get_data(as_text=True)
    assert "Strażniczka" in listing and "Policjantka" not in listing
    assert "Policjantka" not in client.get("/experts/?institution=POLICE").get_data(as_text=True)
    assert "Policjantka" not in client.get("/experts/?q=POL-1").get_data(as_text=True)
    assert client.get(f"/experts/{police.id}").status_code == 404
    assert client.get(f"/experts/{police.id}/edit").status_code == 404
    assert client.get(f"/experts/{border.id}").status_code == 200
    matrix = client.get("/training/").get_data(as_text=True)
    assert "Strażniczka" in matrix and "Policjantka" not in matrix
    csv_text = training_matrix(client).get_data(as_text=True)
    assert "SG-1" in csv_text and "POL-1" not in csv_text


def test_ministry_coordinator_sees_its_services(client, make_user, login, two_pools):
    login(make_user(Role.COORDINATOR, "MIA"))
    listing = client.get("/experts/").get_data(as_text=True)
    assert "Strażniczka" in listing and "Policjantka" in listing


def test_other_ministry_sees_neither(client, make_user, login, two_pools):
    police, _border = two_pools
    login(make_user(Role.COORDINATOR, "MF"))
    listing = client.get("/experts/").get_data(as_text=True)
    assert "Strażniczka" not in listing and "Policjantka" not in listing
    assert client.get(f"/experts/{police.id}").status_code == 404


def test_hr_officer_cannot_create_an_expert_in_another_service(client, make_user, login, institutions, db):
    from sqlalchemy import func, select

    from seconding.models import Expert

    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    response = client.post_form("/experts/new", {
        "institution_id": institutions["POLICE"].id, "external_id": "X1", "given_name": "A", "family_name": "B",
        "sex": "F", "experience_years": "3", "clearance_level": "NONE", "driving_licence": "NONE",
        "pool_status": "active"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Expert.id))) == 0
