"""The training matrix CSV is made by a job (issue 25: built in the request it took ~4 s on a 50,000-expert pool):
the matrix page's button starts it with the list's filters, the job page offers the file to its owner only, the
export is audited once, and the file is what the download used to give."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.models import AuditEvent, Job, Role
from seconding.training.status import computed_expiry
from tests.fixtures_jobs import run_jobs
from tests.job_downloads import job_file, post_form_of, training_matrix
from tests.test_routes import snapshot


def _events(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_matrix_exported")).all()


@pytest.fixture
def pool(make_expert, add_training, courses):
    today = today_in_warsaw()
    nowak = make_expert("POLICE", external_id="P-1", family_name="Nowak", given_name="Anna")
    add_training(nowak, "HEAT", today - timedelta(days=10))
    add_training(nowak, "PDT", today - timedelta(days=10))
    make_expert("POLICE", external_id="P-2", family_name="Żółć", given_name="Łucja")
    make_expert("NRA", external_id="N-1", family_name="=1+1", given_name="Jan")
    return today, computed_expiry(today - timedelta(days=10), courses["HEAT"].validity_months)


def test_the_file_is_the_matrix_it_always_was(client, make_user, login, pool):
    """Byte for byte: the BOM, the columns (each mandatory course's status and expiry), the list's order, a name
    starting a formula written as text, the user's scope only, CRLF rows."""
    today, heat_until = pool
    login(make_user(Role.COORDINATOR, "MIA"))  # the Police's ministry: the NRA is not in its scope
    file = training_matrix(client, sort="external_id")
    assert file.headers["Content-Disposition"] == f"attachment; filename=training-matrix-{today.isoformat()}.csv"
    assert file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in file.headers["Cache-Control"]
    assert file.data.decode("utf-8") == (
        "\ufeffinstitution,external_id,family_name,given_name,overall,HEAT_status,HEAT_valid_until,PDT_status,"
        "PDT_valid_until\r\n"
        f"POLICE,P-1,Nowak,Anna,valid,valid,{heat_until.isoformat()},valid,\r\n"
        "POLICE,P-2,Żółć,Łucja,expired,missing,,missing,\r\n")
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR, "MFA"))  # every institution
    rows = training_matrix(client, sort="external_id").data.decode("utf-8-sig").splitlines()
    assert rows[1] == "NRA,N-1,'=1+1,Jan,expired,missing,,missing,"


def test_the_button_starts_a_job_whose_file_only_its_owner_downloads_and_is_audited_once(
        client, make_user, login, pool, db):
    owner = login(make_user(Role.HR_OFFICER, "POLICE"))
    page = client.get("/training/?q=nowak").get_data(as_text=True)
    before = snapshot()
    started = post_form_of(client, page, "Download CSV")
    assert started.status_code == 302 and started.headers["Location"].startswith("/jobs/")
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "training_matrix" and job.user_id == owner.id
    assert job.output is None and not _events(db), "nothing is written (nor audited) until the job runs"
    assert {k: v for k, v in snapshot().items() if k != "jobs"} == {k: v for k, v in before.items() if k != "jobs"}
    waiting = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Training matrix (CSV)" in waiting and "/download" not in waiting

    file = job_file(client, started)
    assert [line.split(",")[1] for line in file.data.decode("utf-8-sig").splitlines()[1:]] == ["P-1"], \
        "the page's filters came with the button"
    events = _events(db)
    assert len(events) == 1 and events[0].actor_id == owner.id and events[0].summary == "1 experts"
    assert events[0].institution_id == owner.institution_id
    assert client.get(f"/jobs/{job.id}/download").status_code == 200  # again, for its owner
    assert len(_events(db)) == 1, "one export, one event (downloading the file again writes none)"

    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))  # the same scope, but not the job's owner
    assert client.get(f"/jobs/{job.id}/download").status_code == 404, "another user's file is not found"
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_a_get_of_the_old_address_makes_nothing_and_offers_the_button(client, make_user, login, pool, db):
    """Old links to /training/matrix.csv land on the button, their filters kept; only its POST starts a job."""
    login(make_user(Role.HR_OFFICER, "POLICE"))
    before = snapshot()
    page = client.get("/training/matrix.csv?q=%C5%BC%C3%B3%C5%82%C4%87")  # "żółć"
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert snapshot() == before and not run_jobs(), "a GET makes nothing"
    file = job_file(client, post_form_of(client, page.get_data(as_text=True), "Download CSV"))
    assert [line.split(",")[1] for line in file.data.decode("utf-8-sig").splitlines()[1:]] == ["P-2"]


def test_the_job_shows_its_progress_while_writing(client, make_user, login, pool, heard):
    """The job reports the rows written of the experts in the matrix (the job page's bar)."""
    login(make_user(Role.COORDINATOR, "MFA"))
    training_matrix(client)
    writing = [(done, total) for step, done, total in heard if step == "writing"]
    assert writing[0] == (0, 3) and writing[-1] == (3, 3)

