"""Creating and editing experts: validation, optimistic locking, database uniqueness, pool status, audit."""
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from seconding.dates import today_in_warsaw
from seconding.models import AuditEvent, CefrLevel, ClearanceLevel, Expert, PoolStatus, Role

FUTURE = (today_in_warsaw() + timedelta(days=500)).isoformat()


def form(institutions, **overrides):
    data = {"institution_id": institutions["POLICE"].id, "external_id": "P-1", "given_name": "Anna",
            "family_name": "Nowak", "sex": "F", "date_of_birth": "1985-04-02", "email": "anna@example.org",
            "experience_years": "8", "primary_expertise": "community_policing", "other_expertise": "monitoring",
            "languages-0-code": "en", "languages-0-level": "C1", "languages-1-code": "ru", "languages-1-level": "B2",
            "clearance_level": "SECRET", "clearance_expires": FUTURE, "passport_expires": FUTURE,
            "driving_licence": "B_4X4", "pool_status": "active", "consent_on": "2026-01-05",
            "unavailability-0-start": "", "unavailability-0-end": "", "history-0-mission": "EUMM Georgia",
            "history-0-host_country": "Georgia", "history-0-start": "2019-01-01", "history-0-end": "2019-12-31",
            "history-0-csdp": "y"}
    data.update(overrides)
    return data


@pytest.fixture
def hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def count_experts(db) -> int:
    return db.session.scalar(select(func.count(Expert.id)))


def test_create_expert_with_languages_clearance_and_history(client, hr, institutions, db):
    response = client.post_form("/experts/new", form(institutions))
    assert response.status_code == 302, response.get_data(as_text=True)
    expert = db.session.scalars(select(Expert)).one()
    assert sorted((lang.code, lang.level) for lang in expert.languages) == [("en", CefrLevel.C1), ("ru", CefrLevel.B2)]
    assert expert.clearance_level == ClearanceLevel.SECRET and expert.clearance_expires.isoformat() == FUTURE
    assert expert.primary_expertise.code == "community_policing"
    assert [a.code for a in expert.secondary_expertise] == ["monitoring"]
    assert [(h.mission, h.host_country) for h in expert.mission_history] == [("EUMM Georgia", "Georgia")]
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "expert", AuditEvent.object_id == str(expert.id))) == "expert_created"
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "English C1" in page and "Russian B2" in page and "SECRET (tajne)" in page and "Female" in page


def test_dates_up_to_today_count_warsaw_days(client, hr, institutions, db, server_day_not_warsaw):
    """After midnight in Warsaw, today's consent is accepted and tomorrow's refused, wherever the server runs."""
    today = server_day_not_warsaw
    tomorrow = (today + timedelta(days=1)).isoformat()
    refused = client.post_form("/experts/new", form(institutions, consent_on=tomorrow))
    assert "Consent cannot be recorded in the future." in refused.get_data(as_text=True) and count_experts(db) == 0
    refused = client.post_form("/experts/new", form(institutions, date_of_birth=tomorrow))
    assert "The date of birth must be in the past." in refused.get_data(as_text=True) and count_experts(db) == 0
    assert client.post_form("/experts/new", form(institutions, consent_on=today.isoformat())).status_code == 302
    assert db.session.scalars(select(Expert)).one().consent_on == today


@pytest.mark.parametrize(("overrides", "message"), [
    ({"clearance_expires": ""}, "A clearance level needs its expiry date."),
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"experience_years": "-1"}, "Number must be between 0 and 60."),
    ({"experience_years": "many"}, "Not a valid integer value."),
    ({"date_of_birth": "2026-02-30"}, "Not a valid date value."),
    ({"date_of_birth": (today_in_warsaw() + timedelta(days=3)).isoformat()}, "The date of birth must be in the past."),
    ({"languages-1-code": "en"}, "Each language may be listed once."),
    ({"languages-1-level": ""}, "Choose the level of this language."),
    ({"languages-1-level": "D1"}, "Not a valid choice"),
    ({"languages-1-code": "xx"}, "Not a valid choice"),
    ({"unavailability-0-start": "2027-05-10", "unavailability-0-end": "2027-05-01"},
     "The period must end on or after its start."),
    ({"unavailability-0-start": "2027-05-10"}, "Give both dates of the period."),
    ({"history-0-end": "2018-01-01"}, "The mission must end on or after its start."),
    ({"given_name": ""}, "This field is required."),
    ({"primary_expertise": "", "other_expertise": "monitoring"}, "Choose the primary area first."),
])
def test_invalid_forms_are_refused_with_a_message_and_save_nothing(client, hr, institutions, db, overrides, message):
    response = client.post_form("/experts/new", form(institutions, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_experts(db) == 0


def test_duplicate_personnel_number_in_the_same_institution(client, hr, institutions, db, make_expert):
    make_expert("POLICE", external_id="P-1")
    response = client.post_form("/experts/new", form(institutions))
    assert "already exists in this institution" in response.get_data(as_text=True)
    assert count_experts(db) == 1


def test_database_enforces_unique_personnel_number_per_institution(db, institutions, make_expert):
    make_expert("POLICE", external_id="SAME")
    make_expert("BORDER_GUARD", external_id="SAME")  # another institution may use the same number
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Expert).values(
            institution_id=institutions["POLICE"].id, external_id="SAME", given_name="X", family_name="Y", sex="M",
            experience_years=1, clearance_level="NONE", driving_licence="NONE", short_notice=False,
            pool_status="active", notes="", version=1))
    db.session.rollback()


def test_stale_form_overwrites_nothing_and_says_so(client, hr, institutions, db, make_expert):
    expert = make_expert("POLICE", external_id="P-1", given_name="Original")
    stale_version = expert.version
    # Someone else saves first.
    first = client.post_form(f"/experts/{expert.id}/edit",
                             form(institutions, given_name="FirstEditor", version=str(stale_version)))
    assert first.status_code == 302
    second = client.post_form(f"/experts/{expert.id}/edit",
                              form(institutions, given_name="SecondEditor", family_name="Changed",
                                   version=str(stale_version)), follow_redirects=True)
    assert "Someone else changed this expert" in second.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Expert, expert.id)
    assert (saved.given_name, saved.family_name) == ("FirstEditor", "Nowak")


def test_list_only_change_moves_the_version(client, hr, institutions, db, make_expert):
    expert = make_expert("POLICE", external_id="P-1", languages="en:B2")
    version = expert.version
    from seconding.experts.services import ExpertData, update_expert

    data = ExpertData(institution_id=expert.institution_id, external_id="P-1", given_name=expert.given_name,
                      family_name=expert.family_name, sex=expert.sex, experience_years=expert.experience_years,
                      languages=[("en", CefrLevel.C1)])
    assert update_expert(expert, data, version=version) == ["languages"]
    db.session.commit()
    assert expert.version == version + 1


def test_pool_status_change_is_audited_and_checks_the_version(client, hr, db, make_expert):
    expert = make_expert("POLICE")
    ok = client.post_form(f"/experts/{expert.id}/status",
                          {"version": str(expert.version), "pool_status": "suspended", "reason": "sick leave"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).pool_status == PoolStatus.SUSPENDED
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert_status_changed")).one()
    assert event.summary == "active -> suspended: sick leave"
    stale = client.post_form(f"/experts/{expert.id}/status", {"version": "1", "pool_status": "left"},
                             follow_redirects=True)
    assert "Someone else changed this expert" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).pool_status == PoolStatus.SUSPENDED


def test_edit_form_shows_the_stored_values(client, hr, make_expert):
    expert = make_expert("POLICE", languages="en:C1;fr:B1", family_name="Zielińska")
    html = client.get(f"/experts/{expert.id}/edit").get_data(as_text=True)
    assert 'value="Zielińska"' in html
    assert '<option selected value="fr">' in html or 'value="fr" selected' in html
