"""NIP forms answer with every problem at once (the fields' and the service's), in the error summary, with the input
kept; nothing is saved."""
import re
from datetime import timedelta
from io import BytesIO

from sqlalchemy import func, select

from seconding.models import CompactCommitment, NipAction, NipProgressUpdate, Role
from tests.fixtures_jobs import finished


def _summary(page: str) -> list[str]:
    match = re.search(r'<div class="usa-alert usa-alert--error"[^>]*id="error-summary".*?</ul>', page, re.S)
    assert match, "no error summary"
    return [re.sub(r"<[^>]+>", "", item).replace("&#39;", "'").strip()
            for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def _count(db, column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_the_progress_form_shows_every_problem_at_once(client, login, make_user, make_action, db, today):
    action = make_action("POLICE", progress=10)
    updates = _count(db, NipProgressUpdate.id)
    login(make_user(Role.COORDINATOR))
    response = client.post_form(f"/nip/actions/{action.id}/progress", {
        "reported_on": (today + timedelta(days=3)).isoformat(), "status": "completed", "progress": "80",
        "value": "NaN", "narrative": "", "evidence_url": "javascript:alert(1)", "version": str(action.version)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = _summary(page)
    for expected in ("Date: A progress update cannot be dated in the future.",
                     "Progress (%): A completed action has progress 100 %.",
                     "Current value of the indicator: Give an ordinary number.",
                     "What was done: Say what was done.",
                     "Evidence link: The evidence link must be a web address starting with https:// or http://."):
        assert expected in summary, (expected, summary)
    assert 'value="javascript:alert(1)"' in page and 'value="80"' in page  # the input is kept
    assert _count(db, NipProgressUpdate.id) == updates


def test_a_field_error_does_not_hide_the_service_checks_of_the_other_fields(client, login, make_user, make_action,
                                                                            db, today):
    action = make_action("POLICE", progress=10)
    login(make_user(Role.COORDINATOR))
    response = client.post_form(f"/nip/actions/{action.id}/progress", {
        "reported_on": "2026-02-30", "status": "completed", "progress": "150", "narrative": "x",
        "evidence_url": "ftp://example.org/x", "version": str(action.version)})
    summary = _summary(response.get_data(as_text=True))
    # one message per field: the form's own when it has one
    assert summary == ["Date: Not a valid date value.", "Progress (%): Give a percentage from 0 to 100.",
                       "Evidence link: The evidence link must be a web address starting with https:// or http://."]


def test_a_stale_progress_form_keeps_the_input_and_can_be_sent_again(client, login, make_user, make_action, db,
                                                                    today):
    action = make_action("POLICE", progress=10)
    opened_at = str(action.version)
    login(make_user(Role.COORDINATOR))
    form = {"reported_on": today.isoformat(), "status": "in_progress", "progress": "20", "narrative": "First",
            "version": opened_at}
    assert client.post_form(f"/nip/actions/{action.id}/progress", form).status_code == 302
    stale = client.post_form(f"/nip/actions/{action.id}/progress", {**form, "progress": "90",
                                                                      "narrative": "Written meanwhile"})
    assert stale.status_code == 200
    page = stale.get_data(as_text=True)
    assert "Someone else changed this record" in " ".join(_summary(page))
    assert "Written meanwhile" in page and 'value="90"' in page
    db.session.expire_all()
    current = db.session.get(NipAction, action.id)
    assert current.progress == 20
    assert f'name="version" type="hidden" value="{current.version}"' in page
    again = client.post_form(f"/nip/actions/{action.id}/progress", {**form, "progress": "90",
                                                                      "narrative": "Written meanwhile",
                                                                      "version": str(current.version)})
    assert again.status_code == 302


def test_the_action_form_shows_every_problem_at_once(client, login, make_user, make_action, db, institutions):
    make_action("POLICE", code="NIP-001")
    action = make_action("POLICE", code="NIP-002")
    login(make_user(Role.COORDINATOR))
    response = client.post_form(f"/nip/actions/{action.id}/edit", {
        "code": "nip-001", "title": "Kept title", "lead_institution_id": action.lead_institution_id,
        "start_on": "2031-01-01", "due_on": "2030-06-30", "indicator_target": "NaN", "version": str(action.version)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _summary(page) == ["Code: Another action already has the code NIP-001.",
                              "Start: The action cannot start after its due date.",
                              "Target: Give an ordinary number."]
    assert 'value="Kept title"' in page
    db.session.expire_all()
    assert db.session.get(NipAction, action.id).code == "NIP-002"


def test_a_new_action_shows_every_problem_at_once(client, login, make_user, make_action, db, institutions):
    make_action("POLICE", code="NIP-001")
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nip/actions/new", {
        "code": "NIP-001", "title": "", "lead_institution_id": institutions["MIA"].id, "start_on": "2031-01-01",
        "due_on": "2030-06-30", "initial-status": "completed", "initial-progress": "50"})
    assert response.status_code == 200
    summary = _summary(response.get_data(as_text=True))
    assert summary == ["Code: Another action already has the code NIP-001.", "Title: This field is required.",
                       "Start: The action cannot start after its due date.",
                       "Progress (%): A completed action has progress 100 %."]
    assert _count(db, NipAction.id) == 1


def test_the_commitment_form_shows_every_problem_at_once(client, login, make_user, db):
    women = db.session.scalars(select(CompactCommitment).where(CompactCommitment.code == "WOMEN-40")).one()
    other = db.session.scalars(select(CompactCommitment).where(CompactCommitment.edition == women.edition,
                                                               CompactCommitment.id != women.id)).first()
    login(make_user(Role.ADMIN))
    response = client.post_form(f"/nip/commitments/{other.id}/edit", {
        "edition": str(women.edition), "code": "women-40", "title": "Kept title", "source": "",
        "version": str(other.version)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _summary(page) == [
        f"Code: The {women.edition} edition already has a commitment WOMEN-40.",
        "Source: Give the Council text it comes from."]
    assert 'value="Kept title"' in page
    db.session.expire_all()
    assert db.session.get(CompactCommitment, other.id).code == other.code


def test_the_targets_form_shows_every_problem_at_once(client, login, make_user, db):
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nip/targets/edit?year=2026", {"year": "2026", "experts_deployed": "-1",
                                                                "women_percent": "140", "seconded_percent": "101",
                                                                "note": "Kept note"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(_summary(page)) == 3 and 'value="Kept note"' in page


def test_an_unreadable_commitments_file_is_shown_at_the_field(client, login, make_user, db):
    login(make_user(Role.ADMIN))
    count = _count(db, CompactCommitment.id)
    response = client.post_form("/nip/commitments/import", {"file": (BytesIO(b"code,edition\n"), "x.txt")},
                                content_type="multipart/form-data")
    assert response.status_code == 200
    summary = _summary(response.get_data(as_text=True))
    assert len(summary) == 1 and summary[0].startswith("Commitments file (CSV or XLSX): ")
    # A file that cannot be read as a table, found so by the job: said at the field all the same.
    unreadable = finished(client, client.post_form("/nip/commitments/import", {
        "file": (BytesIO(b"not a workbook"), "c.xlsx")}, content_type="multipart/form-data"))
    summary = _summary(unreadable.get_data(as_text=True))
    assert summary == ["Commitments file (CSV or XLSX): The XLSX file cannot be opened; is it an Excel workbook "
                       "(.xlsx)?"]
    wrong = finished(client, client.post_form("/nip/commitments/import", {
        "file": (BytesIO(b"code,edition,title\nX,2019,x\n"), "c.csv")}, content_type="multipart/form-data"))
    assert wrong.status_code == 200 and "Row 2, column edition: The edition is 2018 or 2023." in wrong.get_data(
        as_text=True)
    assert _count(db, CompactCommitment.id) == count


def test_values_the_forms_cannot_read_are_errors_not_crashes(client, login, make_user, make_action, db):
    action = make_action("POLICE")
    login(make_user(Role.ADMIN))
    huge = str(2**63)
    for url, form in [
        ("/nip/actions/new", {"code": "X", "title": "x", "lead_institution_id": huge, "partner_ids": [huge],
                              "commitment_ids": ["x"], "due_on": "2030-13-01", "start_on": "²",
                              "initial-status": "done", "initial-progress": huge}),
        (f"/nip/actions/{action.id}/edit", {"code": "", "title": "", "lead_institution_id": "x", "due_on": "",
                                            "version": "²"}),
        (f"/nip/actions/{action.id}/progress", {"reported_on": "", "status": "", "progress": "", "version": huge}),
        ("/nip/commitments/new", {"edition": "1999", "code": "", "title": "", "source": ""}),
        ("/nip/targets/edit", {"year": huge, "experts_deployed": "x", "women_percent": "-1"}),
    ]:
        response = client.post_form(url, form)
        assert response.status_code == 200, url
        assert _summary(response.get_data(as_text=True)), url
