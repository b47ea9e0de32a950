"""Training status (the 90-day boundary), computed expiry, records, sessions and courses."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from seconding.models import Course, Role, TrainingRecord, TrainingStatus
from seconding.training.status import computed_expiry, overall, status_of
from tests.job_downloads import export_register, training_matrix

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(("expires", "expected"), [
    (TODAY + timedelta(days=91), TrainingStatus.VALID),
    (TODAY + timedelta(days=90), TrainingStatus.EXPIRING),
    (TODAY, TrainingStatus.EXPIRING),
    (TODAY - timedelta(days=1), TrainingStatus.EXPIRED),
])
def test_status_at_the_90_day_boundary(expires, expected):
    assert status_of([expires], TODAY, 90) == expected


def test_status_of_several_records_and_no_expiry():
    assert status_of([], TODAY, 90) == TrainingStatus.MISSING
    assert status_of([None], TODAY, 90) == TrainingStatus.VALID
    assert status_of([TODAY - timedelta(days=400), TODAY + timedelta(days=200)], TODAY, 90) == TrainingStatus.VALID
    assert overall([TrainingStatus.VALID, TrainingStatus.EXPIRING]) == TrainingStatus.EXPIRING
    assert overall([TrainingStatus.EXPIRED, TrainingStatus.MISSING]) == TrainingStatus.MISSING


def test_computed_expiry_uses_the_course_validity():
    assert computed_expiry(date(2025, 1, 31), 36) == date(2028, 1, 31)
    assert computed_expiry(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert computed_expiry(date(2024, 2, 29), None) is None


def test_heat_validity_comes_from_configuration(courses, app):
    assert courses["HEAT"].validity_months == app.config["HEAT_VALIDITY_MONTHS"] == 36
    assert courses["HEAT"].mandatory and courses["PDT"].mandatory and not courses["EHEST"].mandatory


def test_matrix_status_at_the_boundary_is_the_same_on_every_page(client, make_user, login, make_expert,
                                                                   add_training, app, server_day_not_warsaw):
    """Matrix, list, detail and register export agree on the boundary, counted in Warsaw days."""
    login(make_user(Role.COORDINATOR, "MFA"))
    today = server_day_not_warsaw
    horizon = app.config["TRAINING_EXPIRING_DAYS"]
    edge = make_expert(family_name="Edge", external_id="EDGE")
    add_training(edge, "PDT", today - timedelta(days=10))
    add_training(edge, "HEAT", today - timedelta(days=10), expires_on=today + timedelta(days=horizon))
    safe = make_expert(family_name="Safe", external_id="SAFE")
    add_training(safe, "PDT", today - timedelta(days=10))
    add_training(safe, "HEAT", today - timedelta(days=10), expires_on=today + timedelta(days=horizon + 1))
    csv_rows = {line.split(",")[1]: line for line in training_matrix(client).get_data(as_text=True)
                .splitlines()[1:]}
    assert ",expiring," in csv_rows["EDGE"] and csv_rows["EDGE"].split(",")[4] == "expiring"
    assert csv_rows["SAFE"].split(",")[4] == "valid"
    detail = client.get(f"/experts/{edge.id}").get_data(as_text=True)
    assert 'app-badge--expiring app-badge--family-waiting">expiring' in detail
    listed = client.get("/experts/?training=expiring").get_data(as_text=True)
    assert "Edge" in listed and "Safe" not in listed
    exported = export_register(client, "csv", training="expiring")
    assert "EDGE" in exported.get_data(as_text=True) and "SAFE" not in exported.get_data(as_text=True)
    assert f"register-{today.isoformat()}.csv" in exported.headers["Content-Disposition"]


def test_a_course_completed_today_in_warsaw_is_accepted_tomorrow_refused(client, make_user, login, make_expert,
                                                                         courses, db, server_day_not_warsaw):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    today = server_day_not_warsaw
    url = f"/training/experts/{make_expert('POLICE').id}/records/new"
    tomorrow = client.post_form(url, {"course_id": courses["PDT"].id,
                                      "completed_on": (today + timedelta(days=1)).isoformat()})
    assert "Use a date from 1990-01-01 to today." in tomorrow.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0
    assert client.post_form(url, {"course_id": courses["PDT"].id, "completed_on": today.isoformat()}).status_code == 302
    assert db.session.scalars(select(TrainingRecord)).one().completed_on == today


def test_add_record_computes_expiry_and_validates(client, make_user, login, make_expert, courses, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    expert = make_expert("POLICE")
    url = f"/training/experts/{expert.id}/records/new"
    bad = client.post_form(url, {"course_id": courses["HEAT"].id, "completed_on": "2026-01-10",
                                 "expires_on": "2025-01-01"})
    assert "The expiry date must be on or after the completion date." in bad.get_data(as_text=True)
    assert client.post_form(url, {"course_id": courses["HEAT"].id, "completed_on": "yesterday"}).status_code == 200
    ok = client.post_form(url, {"course_id": courses["HEAT"].id, "completed_on": "2026-01-10",
                                "certificate_ref": "HEAT/2026/15"})
    assert ok.status_code == 302
    entry = db.session.scalars(select(TrainingRecord)).one()
    assert entry.expires_on == date(2029, 1, 10) and entry.certificate_ref == "HEAT/2026/15"
    again = client.post_form(url, {"course_id": courses["HEAT"].id, "completed_on": "2026-01-10"})
    assert "already recorded" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 1


def test_course_session_for_many_experts_is_all_or_nothing(client, make_user, login, make_expert, courses, db):
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    make_expert("BORDER_GUARD", external_id="SG-1")
    make_expert("BORDER_GUARD", external_id="SG-2")
    make_expert("POLICE", external_id="PO-1")
    data = {"course_id": courses["PDT"].id, "completed_on": "2026-10-01", "institution": "BORDER_GUARD"}
    refused = client.post_form("/training/sessions/new", {**data, "participants": "SG-1, SG-2, PO-1"})
    assert "Not in the pool of BORDER_GUARD: PO-1. Nothing was recorded." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0
    outside = client.post_form("/training/sessions/new", {**data, "institution": "POLICE", "participants": "PO-1"})
    assert outside.status_code == 200 and "Not a valid choice" in outside.get_data(as_text=True)
    ok = client.post_form("/training/sessions/new", {**data, "participants": "SG-1\nSG-2\nSG-2"})
    assert ok.status_code == 302
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 2


def test_delete_record(client, make_user, login, make_expert, add_training, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    expert = make_expert("POLICE")
    entry = add_training(expert, "PDT", date(2024, 5, 5))
    assert client.post_form(f"/training/records/{entry.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0


def test_admin_edits_courses_with_validation(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    assert "Use letters, digits and _ only." in client.post_form(
        "/training/courses/new", {"code": "BAD CODE", "name": "X"}).get_data(as_text=True)
    assert "exists already" in client.post_form(
        "/training/courses/new", {"code": "heat", "name": "Again"}).get_data(as_text=True)
    heat = db.session.scalar(select(Course).where(Course.code == "HEAT"))
    response = client.post_form(f"/training/courses/{heat.id}", {"code": "HEAT", "name": heat.name,
                                                                 "validity_months": "24", "mandatory": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, heat.id).validity_months == 24
