"""NIP pages: who may edit and report progress, the latest update as the current state, refusals that change nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seconding.models import AuditEvent, NipAction, NipProgressUpdate, NipStatus, Role


def _progress(client, action, **fields):
    data = {"reported_on": fields.pop("reported_on", None), "status": "in_progress", "progress": "50",
            "narrative": "Second course held", "version": str(action.version), **fields}
    return client.post_form(f"/nip/actions/{action.id}/progress", {k: v for k, v in data.items() if v is not None})


def _updates(db, action) -> int:
    return db.session.scalar(select(func.count(NipProgressUpdate.id)).where(NipProgressUpdate.action_id == action.id))


def test_hr_officer_updates_an_action_their_institution_leads(client, login, make_user, make_action, db, today):
    action = make_action("POLICE", progress=10)
    login(make_user(Role.HR_OFFICER, "POLICE"))
    page = client.get(f"/nip/actions/{action.id}").get_data(as_text=True)
    assert "Add a progress update" in page and "Edit the action" in page
    response = _progress(client, action, reported_on=today.isoformat(), progress="60", value="12",
                         evidence_url="https://intranet.example.gov.pl/report.pdf")
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    assert (action.status, action.progress, action.indicator_current, action.last_update_on) == (
        NipStatus.IN_PROGRESS, 60, 12.0, today)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "nip_progress_update")) is not None
    edit = client.post_form(f"/nip/actions/{action.id}/edit", {
        "code": action.code, "title": "Renamed by the Police", "lead_institution_id": action.lead_institution_id,
        "due_on": action.due_on.isoformat(), "version": str(action.version)})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(NipAction, action.id).title == "Renamed by the Police"


def test_hr_officer_of_a_partner_institution_may_report_progress(client, login, make_user, make_action, db, today):
    action = make_action("MIA", partners=("BORDER_GUARD",))
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    assert _progress(client, action, reported_on=today.isoformat()).status_code == 302
    assert _updates(db, action) == 3


@pytest.mark.parametrize("role", [Role.HR_OFFICER, Role.VIEWER])
def test_others_cannot_edit_or_report_on_an_action(client, login, make_user, make_action, db, today, role):
    action = make_action("POLICE", partners=("MIA",))
    before = (action.version, action.title, _updates(db, action))
    login(make_user(role, "BORDER_GUARD"))
    page = client.get(f"/nip/actions/{action.id}")
    assert page.status_code == 200  # everyone reads the plan
    assert "Add a progress update" not in page.get_data(as_text=True)
    assert client.get(f"/nip/actions/{action.id}/edit").status_code == 403
    assert client.post_form(f"/nip/actions/{action.id}/edit", {
        "code": action.code, "title": "Hijacked", "lead_institution_id": action.lead_institution_id,
        "due_on": action.due_on.isoformat(), "version": str(action.version)}).status_code == 403
    assert _progress(client, action, reported_on=today.isoformat()).status_code == 403
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    assert (action.version, action.title, _updates(db, action)) == before


def test_the_latest_update_is_the_current_state_and_the_history_stays(client, login, make_user, make_action, db,
                                                                      today):
    action = make_action("POLICE", progress=30, updated=10)
    login(make_user(Role.COORDINATOR))
    assert _progress(client, action, reported_on=today.isoformat(), progress="70", status="delayed").status_code == 302
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    # A back-dated update joins the history without changing the current state.
    old = (today - timedelta(days=5)).isoformat()
    assert _progress(client, action, reported_on=old, progress="40", narrative="Late report").status_code == 302
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    assert (action.status, action.progress, action.last_update_on) == (NipStatus.DELAYED, 70, today)
    assert [u.progress for u in action.updates] == [70, 40, 30, 0]
    page = client.get(f"/nip/actions/{action.id}").get_data(as_text=True)
    assert "Late report" in page and page.index("Second course held") < page.index("Late report")


@pytest.mark.parametrize(("fields", "message"), [
    ({"reported_on": "FUTURE"}, "cannot be dated in the future"),
    ({"status": "completed", "progress": "80"}, "A completed action has progress 100 %"),
    ({"evidence_url": "javascript:alert(1)"}, "must be a web address"),
    ({"progress": "150"}, "Give a percentage from 0 to 100"),
    ({"narrative": ""}, "Say what was done"),
    ({"value": "NaN"}, "Give an ordinary number"),
    ({"value": "1e400"}, "Give an ordinary number"),
    ({"status": "finished"}, "Not a valid choice"),
    ({"reported_on": "2026-02-30"}, "Not a valid date value"),
])
def test_bad_progress_updates_are_refused_and_change_nothing(client, login, make_user, make_action, db, today,
                                                             fields, message):
    action = make_action("POLICE", progress=10)
    before = (action.version, action.progress, _updates(db, action))
    login(make_user(Role.COORDINATOR))
    if fields.get("reported_on") == "FUTURE":
        fields["reported_on"] = (today + timedelta(days=1)).isoformat()
    fields.setdefault("reported_on", today.isoformat())
    response = _progress(client, action, **fields)
    assert response.status_code == 200  # the form again, with its errors and the input kept
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    assert (action.version, action.progress, _updates(db, action)) == before


def test_a_stale_form_overwrites_nothing(client, login, make_user, make_action, db, today):
    action = make_action("POLICE", progress=10)
    opened_at = str(action.version)
    login(make_user(Role.COORDINATOR))
    assert _progress(client, action, reported_on=today.isoformat(), progress="20").status_code == 302
    response = _progress(client, action, reported_on=today.isoformat(), progress="90", version=opened_at)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.get_data(as_text=True)
    edit = client.post_form(f"/nip/actions/{action.id}/edit", {
        "code": action.code, "title": "Stale title", "lead_institution_id": action.lead_institution_id,
        "due_on": action.due_on.isoformat(), "version": opened_at})
    assert edit.status_code == 302
    db.session.expire_all()
    action = db.session.get(NipAction, action.id)
    assert (action.progress, action.title) == (20, "Action 1")


def test_a_coordinator_creates_an_action_with_its_initial_state(client, login, make_user, db, institutions, today):
    from seconding.models import CompactCommitment

    commitment = db.session.scalars(select(CompactCommitment).where(CompactCommitment.code == "WOMEN-40")).one()
    login(make_user(Role.COORDINATOR))
    form = {"code": " nip-77 ", "title": "Women in the rapid roster", "due_on": "2030-06-30", "start_on": "2026-01-01",
            "lead_institution_id": institutions["MIA"].id, "partner_ids": [institutions["POLICE"].id],
            "commitment_ids": [commitment.id], "indicator": "Women on the roster", "indicator_unit": "%",
            "indicator_baseline": "22", "indicator_target": "40", "initial-status": "in_progress",
            "initial-progress": "15", "initial-value": "25"}
    response = client.post_form("/nip/actions/new", form)
    assert response.status_code == 302
    action = db.session.scalars(select(NipAction)).one()
    assert (action.code, action.status, action.progress, action.indicator_current) == (
        "NIP-77", NipStatus.IN_PROGRESS, 15, 25.0)
    assert [p.code for p in action.partners] == ["POLICE"] and action.commitments == [commitment]
    assert len(action.updates) == 1 and action.updates[0].reported_on == today
    again = client.post_form("/nip/actions/new", form)
    assert again.status_code == 200 and "Another action already has the code NIP-77" in again.get_data(as_text=True)
    late = client.post_form("/nip/actions/new", {**form, "code": "NIP-78", "start_on": "2031-01-01"})
    assert "cannot start after its due date" in late.get_data(as_text=True)
    assert db.session.scalar(select(func.count(NipAction.id))) == 1


def test_hr_officers_cannot_create_actions(client, login, make_user, db, institutions):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    response = client.post_form("/nip/actions/new", {"code": "NIP-1", "title": "x", "due_on": "2030-01-01",
                                                     "lead_institution_id": institutions["POLICE"].id,
                                                     "initial-status": "planned", "initial-progress": "0"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(NipAction.id))) == 0


def test_the_overview_counts_per_institution_and_commitment(client, login, make_user, make_action, db):
    from seconding.models import CompactCommitment

    women, rapid = (db.session.scalars(select(CompactCommitment).where(CompactCommitment.edition == 2023,
                                                                       CompactCommitment.code == code)).one()
                    for code in ("WOMEN-40", "RAPID-200"))
    make_action("POLICE", due=-10, progress=50, commitments=[women])              # overdue
    make_action("POLICE", due=30, progress=20, updated=120, commitments=[women, rapid])  # at risk and stale
    make_action("POLICE", due=-50, status=NipStatus.COMPLETED, progress=100)     # completed
    make_action("NRA", due=300, progress=10, updated=5, commitments=[rapid])     # fine
    make_action("NRA", due=-1, status=NipStatus.CANCELLED, progress=0)           # closed: nothing
    from seconding.dates import today_in_warsaw
    from seconding.nip.queries import action_rows, by_commitment, by_institution, totals

    rows = action_rows(today_in_warsaw())
    assert totals(rows).figures == (5, 1, 1, 1, 1)
    assert {t.label: t.figures for t in by_institution(rows, "en")} == {"Police": (3, 1, 1, 1, 1),
                                                                        "NRA": (2, 0, 0, 0, 0)}
    by_c = {t.label: t.figures for t in by_commitment(rows)}
    assert by_c["2023 · WOMEN-40"] == (2, 0, 1, 1, 1)
    assert by_c["2023 · RAPID-200"] == (2, 0, 0, 1, 1)
    assert by_c["2018 · WOMEN"] == (0, 0, 0, 0, 0)
    login(make_user(Role.VIEWER))
    page = client.get("/nip/compliance").get_data(as_text=True)
    assert "All actions: 5, completed 1, overdue 1, at risk 1, stale 1." in page
    listed = client.get("/nip/?flag=overdue").get_data(as_text=True)
    assert "1 action" in listed and "Action 1" in listed and "Action 2" not in listed
