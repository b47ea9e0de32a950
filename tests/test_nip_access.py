"""Who changes what on an NIP action: the lead institution (its HR officers) and the coordinators change who leads,
who takes part and what the action is; a partner institution only reports progress."""
import pytest
from sqlalchemy import func, select

from seconding.errors import Refusal
from seconding.models import NipAction, NipProgressUpdate, Role
from seconding.nip import services
from seconding.nip.services import ActionData


def _edit_form(action, **fields) -> dict:
    return {"code": action.code, "title": action.title, "lead_institution_id": action.lead_institution_id,
            "partner_ids": [p.id for p in action.partners], "due_on": action.due_on.isoformat(),
            "version": str(action.version), **fields}


def _state(db, action_id: int) -> tuple:
    db.session.expire_all()
    action = db.session.get(NipAction, action_id)
    return (action.version, action.title, action.lead.code, sorted(p.code for p in action.partners))


def _updates(db, action) -> int:
    return db.session.scalar(select(func.count(NipProgressUpdate.id)).where(NipProgressUpdate.action_id == action.id))


def test_a_partner_cannot_make_itself_the_lead_or_drop_the_other_partners(client, login, make_user, make_action, db,
                                                                          institutions, today):
    action = make_action("BORDER_GUARD", partners=("POLICE",))
    before = _state(db, action.id)
    login(make_user(Role.HR_OFFICER, "POLICE"))
    assert client.get(f"/nip/actions/{action.id}/edit").status_code == 403
    taken_over = client.post_form(f"/nip/actions/{action.id}/edit", _edit_form(
        action, lead_institution_id=institutions["POLICE"].id, partner_ids=[]))
    assert taken_over.status_code == 403
    renamed = client.post_form(f"/nip/actions/{action.id}/edit", _edit_form(action, title="Renamed by a partner"))
    assert renamed.status_code == 403
    assert _state(db, action.id) == before


def test_a_partner_sees_the_progress_form_but_not_the_edit_link(client, login, make_user, make_action, db, today):
    action = make_action("BORDER_GUARD", partners=("POLICE",))
    login(make_user(Role.HR_OFFICER, "POLICE"))
    page = client.get(f"/nip/actions/{action.id}").get_data(as_text=True)
    assert "Add a progress update" in page
    assert "Edit the action" not in page and f"/nip/actions/{action.id}/edit" not in page
    response = client.post_form(f"/nip/actions/{action.id}/progress", {
        "reported_on": today.isoformat(), "status": "in_progress", "progress": "40", "narrative": "Course held",
        "version": str(action.version)})
    assert response.status_code == 302
    assert _updates(db, action) == 3


def test_the_service_refuses_a_partner_changing_the_definition(db, make_user, make_action, institutions):
    action = make_action("BORDER_GUARD", partners=("POLICE",))
    before = _state(db, action.id)
    partner = make_user(Role.HR_OFFICER, "POLICE")
    data = ActionData(code=action.code, title=action.title, lead_institution_id=institutions["POLICE"].id,
                      due_on=action.due_on, partner_ids=[])
    with pytest.raises(Refusal):
        services.update_action(action, data, version=action.version, by=partner)
    db.session.rollback()
    assert _state(db, action.id) == before


@pytest.mark.parametrize(("role", "institution"), [(Role.HR_OFFICER, "BORDER_GUARD"), (Role.HR_OFFICER, "MIA"),
                                                   (Role.COORDINATOR, "MFA"), (Role.ADMIN, "MFA")])
def test_the_lead_and_the_coordinators_change_who_leads_and_who_takes_part(client, login, make_user, make_action, db,
                                                                          institutions, role, institution):
    action = make_action("BORDER_GUARD", partners=("POLICE",))
    login(make_user(role, institution))
    page = client.get(f"/nip/actions/{action.id}").get_data(as_text=True)
    assert "Edit the action" in page and "Add a progress update" in page
    response = client.post_form(f"/nip/actions/{action.id}/edit", _edit_form(
        action, lead_institution_id=institutions["NRA"].id, partner_ids=[institutions["BORDER_GUARD"].id]))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _state(db, action.id)[2:] == ("NRA", ["BORDER_GUARD"])
