"""The person's own data: the JSON export of everything held on an expert, and anonymisation."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from seconding.experts.services import Period
from seconding.extensions import db as _db
from seconding.models import (
    SKILLS,
    AuditEvent,
    CefrLevel,
    ClearanceLevel,
    Education,
    EducationLevel,
    Employment,
    Expert,
    Institution,
    Job,
    MissionHistory,
    PoolStatus,
    Role,
    Sex,
)
from seconding.register.subject import PLACEHOLDER_FAMILY, PLACEHOLDER_GIVEN, REDACTED
from seconding.register.subject import expert_data as subject_data
from tests.fixtures_jobs import finished
from tests.fixtures_register import snapshot
from tests.job_downloads import expert_data, job_file, post_form_of


@pytest.fixture
def coordinator(make_user, login):
    return login(make_user(Role.COORDINATOR, "MIA"))


@pytest.fixture
def leaver(make_expert, add_training):
    """A Police expert who left the pool, with everything a record can hold, and audit events naming her."""
    from seconding.audit.services import record

    expert = make_expert("POLICE", external_id="KGP-4711", given_name="Zofia", family_name="Brzęczyszczykiewicz",
                         sex="F", date_of_birth=date(1979, 4, 1), email="zofia@example.org", phone="+48 601 000 111",
                         rank="komisarz", notes="asked to be contacted in May", languages="en:C1;de:B1",
                         expertise=["monitoring"], clearance_level=ClearanceLevel.SECRET,
                         clearance_expires=date(2029, 1, 1), passport_expires=date(2030, 1, 1),
                         pool_status=PoolStatus.LEFT, unavailability=[Period(date(2026, 1, 1), date(2026, 2, 1),
                                                                              "medical")])
    expert.mission_history = [MissionHistory(mission="EUMM Georgia", host_country="Georgia", role="Team leader",
                                             start=date(2019, 1, 1), end=date(2020, 1, 1))]
    expert.education = [Education(level=EducationLevel.MASTER, field="Criminology", organisation="Uniwersytet Gdański",
                                  country="Poland", start=date(1998, 10, 1), end=date(2003, 6, 30),
                                  degree="magister")]
    expert.employment = [Employment(employer="Komenda Wojewódzka Policji w Gdańsku", position="Naczelnik wydziału",
                                    start=date(2015, 3, 1), duties="Prowadzi wydział prewencji.")]
    expert.computer_skills = "i2 Analyst's Notebook"
    expert.languages[1].writing = CefrLevel.B2  # en: C1 overall, writing B2 by her own account
    add_training(expert, "PDT", date(2024, 5, 17)).certificate_ref = "ESDC-2024-0099"
    record("expert_created", object_type="expert", object_id=expert.id, institution_id=expert.institution_id,
           summary=f"{expert.name} ({expert.external_id})")
    record("nomination_created", object_type="nomination", object_id=1, institution_id=expert.institution_id,
           summary="Zofia Brzęczyszczykiewicz nominated; Zofia Kowalska informed")
    _db.session.commit()
    return expert


def test_the_json_export_holds_everything_on_the_expert_and_is_audited(client, coordinator, leaver, db):
    response = expert_data(client, leaver.id)
    assert response.headers["Content-Disposition"] == f"attachment; filename=expert-{leaver.id}-data.json"
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["profile"]["family_name"] == "Brzęczyszczykiewicz" and data["profile"]["institution"] == "POLICE"
    assert data["profile"]["date_of_birth"] == "1979-04-01" and data["profile"]["clearance_level"] == "SECRET"
    own = dict.fromkeys(SKILLS)
    assert data["languages"] == [{"code": "de", "level": "B1", "self_assessment": own},
                                 {"code": "en", "level": "C1", "self_assessment": {**own, "writing": "B2"}}]
    assert data["education"] == [{"level": "master", "field": "Criminology", "organisation": "Uniwersytet Gdański",
                                  "country": "Poland", "start": "1998-10-01", "end": "2003-06-30",
                                  "degree": "magister"}]
    assert data["employment"] == [{"employer": "Komenda Wojewódzka Policji w Gdańsku",
                                   "position": "Naczelnik wydziału", "start": "2015-03-01", "end": None,
                                   "duties": "Prowadzi wydział prewencji."}]
    assert data["profile"]["computer_skills"] == "i2 Analyst's Notebook"
    assert data["expertise"][0]["code"] == "monitoring"
    assert data["training_records"][0]["course"] == "PDT"
    assert data["training_records"][0]["certificate_ref"] == "ESDC-2024-0099"
    assert data["unavailability"] == [{"start": "2026-01-01", "end": "2026-02-01", "reason": "medical"}]
    assert data["mission_history"][0]["role"] == "Team leader"
    assert [e["action"] for e in data["audit_events"]] == ["expert_created"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expert_data_exported"))
    assert event.object_id == str(leaver.id) and event.actor_id == coordinator.id


def exports() -> int:
    return _db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "expert_data_exported"))


def test_the_export_is_a_job_whose_file_is_the_direct_export_for_its_owner_only(app, client, coordinator, leaver,
                                                                                 make_user, login, db):
    # What the request wrote before the export was a job: the data as it is, then the export audited.
    direct = json.loads(json.dumps(subject_data(leaver), ensure_ascii=False, indent=2, default=str))
    started = client.post_form(f"/register/experts/{leaver.id}/export")
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "expert_data_export" and not exports(), "nothing is exported (nor audited) until the job runs"
    response = job_file(client, started)
    exported = json.loads(response.data)
    assert exported.pop("exported_at") >= direct.pop("exported_at")  # the moment it was written
    assert exported == direct
    assert exports() == 1
    assert client.get(f"/jobs/{job.id}/download").data == response.data
    assert exports() == 1, "downloading the file again is not another export"
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR, "MIA"))
    assert client.get(f"/jobs/{job.id}/download").status_code == 404, "another user's file is not found"


def test_the_scope_is_checked_at_the_request_and_again_in_the_job(client, leaver, make_user, login, db):
    def sign_in(role, institution):
        client.post_form("/sign-out")
        return login(make_user(role, institution))

    sign_in(Role.COORDINATOR, "BORDER_GUARD")
    assert client.post_form(f"/register/experts/{leaver.id}/export").status_code == 404
    sign_in(Role.HR_OFFICER, "POLICE")
    assert client.post_form(f"/register/experts/{leaver.id}/export").status_code == 403, "coordinators only"
    assert not db.session.scalar(select(func.count(Job.id))), "no job for an expert out of scope, or not allowed"
    coordinator = sign_in(Role.COORDINATOR, "POLICE")
    started = client.post_form(f"/register/experts/{leaver.id}/export")
    assert started.status_code == 302
    coordinator.institution_id = db.session.scalar(select(Institution.id).where(Institution.code == "NRA"))
    db.session.commit()  # moved to another service before the job ran
    page = finished(client, started).get_data(as_text=True)
    assert "no longer in your scope" in page and "/download" not in page
    assert not exports(), "nothing exported, nothing audited"


def test_the_expert_page_and_the_anonymise_page_start_the_export(client, coordinator, leaver):
    for url in (f"/experts/{leaver.id}", f"/register/experts/{leaver.id}/anonymise"):
        page = client.get(url).get_data(as_text=True)
        button = "Export personal data (JSON)" if url.startswith("/experts") else "all data held on this expert (JSON)"
        data = json.loads(job_file(client, post_form_of(client, page, button)).data)
        assert data["profile"]["external_id"] == "KGP-4711"
    assert exports() == 2


def test_anonymise_asks_for_confirmation_first(client, coordinator, leaver):
    before = snapshot()
    page = client.get(f"/register/experts/{leaver.id}/anonymise").get_data(as_text=True)
    assert "Erase the personal data" in page and "cannot be undone" in page
    assert snapshot() == before


def test_anonymise_erases_personal_data_and_keeps_statistics(client, coordinator, leaver, db):
    expert_id = leaver.id
    response = client.post_form(f"/register/experts/{expert_id}/anonymise")
    assert response.status_code == 302
    db.session.expire_all()
    expert = db.session.get(Expert, expert_id)
    assert (expert.given_name, expert.family_name) == (PLACEHOLDER_GIVEN, PLACEHOLDER_FAMILY)
    assert expert.external_id == f"ANON-{expert_id}"
    assert (expert.date_of_birth, expert.email, expert.phone, expert.rank, expert.passport_expires, expert.notes) \
        == (None, None, None, None, None, "")
    assert expert.languages == [] and expert.unavailability == [] and expert.anonymised_at is not None
    assert expert.education == [] and expert.employment == [] and expert.computer_skills == ""
    assert not db.session.scalar(select(func.count()).select_from(Education)) + db.session.scalar(
        select(func.count()).select_from(Employment))
    assert "brzęczyszczykiewicz" not in expert.search_text
    # Statistics are kept.
    assert expert.sex == Sex.F and expert.institution.code == "POLICE" and expert.pool_status == PoolStatus.LEFT
    assert [e.area.code for e in expert.expertise] == ["monitoring"]
    assert [(h.mission, h.start, h.role) for h in expert.mission_history] == [("EUMM Georgia", date(2019, 1, 1), "")]
    assert [(t.course.code, t.certificate_ref) for t in expert.training_records] == [("PDT", "")]


def test_audit_summaries_no_longer_carry_the_name(client, coordinator, leaver, db):
    client.post_form(f"/register/experts/{leaver.id}/anonymise")
    summaries = db.session.scalars(select(AuditEvent.summary)).all()
    assert not [s for s in summaries if "Brzęczyszczykiewicz" in s or "KGP-4711" in s]
    assert f"{REDACTED} ({REDACTED})" in summaries
    # Elsewhere only the full name is taken out: another Zofia keeps hers.
    assert f"{REDACTED} nominated; Zofia Kowalska informed" in summaries
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expert_anonymised"))
    assert event.actor_id == coordinator.id
    assert event.summary == "personal data erased; 2 earlier audit summaries redacted"
    data = json.loads(expert_data(client, leaver.id).data)
    assert "Brzęczyszczykiewicz" not in json.dumps(data, ensure_ascii=False)


def test_only_an_expert_who_left_the_pool_can_be_anonymised(client, coordinator, make_expert):
    active = make_expert("POLICE", given_name="Still", family_name="Here")
    page = client.get(f"/register/experts/{active.id}/anonymise").get_data(as_text=True)
    assert "Only an expert who left the pool can be anonymised" in page and "Erase the personal data" not in page
    before = snapshot()
    response = client.post_form(f"/register/experts/{active.id}/anonymise", follow_redirects=True)
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert snapshot() == before


def test_anonymising_twice_changes_nothing_the_second_time(client, coordinator, leaver):
    client.post_form(f"/register/experts/{leaver.id}/anonymise")
    before = snapshot()
    response = client.post_form(f"/register/experts/{leaver.id}/anonymise", follow_redirects=True)
    assert "already anonymised" in response.get_data(as_text=True)
    assert snapshot() == before


def test_anonymised_external_ids_stay_unique(client, coordinator, make_expert, db):
    first = make_expert("POLICE", pool_status=PoolStatus.LEFT)
    taken = make_expert("POLICE", external_id=f"ANON-{first.id}")  # a real personnel number that looks alike
    client.post_form(f"/register/experts/{first.id}/anonymise")
    db.session.expire_all()
    assert db.session.get(Expert, first.id).external_id not in (taken.external_id, "")
    assert db.session.get(Expert, taken.id).external_id == f"ANON-{first.id}"
