"""The audit log: append-only, readable in scope."""
import pytest
from sqlalchemy import select

from seconding.audit.services import record
from seconding.models import AuditEvent, Role
from seconding.models.audit import AppendOnlyError


def test_audit_events_cannot_be_changed_or_deleted(db, institutions):
    event = record("something", object_type="x", object_id=1, summary="first")
    db.session.commit()
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "first"


def test_coordinator_reads_only_events_in_scope(client, make_user, login, db, institutions):
    record("police_thing", institution_id=institutions["POLICE"].id, summary="police event")
    record("customs_thing", institution_id=institutions["NRA"].id, summary="customs event")
    db.session.commit()
    login(make_user(Role.COORDINATOR, "MIA"))
    html = client.get("/audit/").get_data(as_text=True)
    assert "police event" in html
    assert "customs event" not in html


def test_admin_reads_everything_and_can_filter(client, make_user, login, db, institutions):
    record("police_thing", institution_id=institutions["POLICE"].id, summary="police event")
    record("customs_thing", institution_id=institutions["NRA"].id, summary="customs event")
    db.session.commit()
    login(make_user(Role.ADMIN))
    html = client.get("/audit/?action=customs_thing").get_data(as_text=True)
    assert "customs event" in html and "police event" not in html


def test_user_changes_are_audited(client, make_user, login, db, institutions):
    login(make_user(Role.ADMIN))
    response = client.post_form("/admin/users/new", {
        "email": "New.Person@Example.org", "name": "New Person", "role": "hr_officer",
        "institution_id": institutions["PRISON"].id, "active": "y", "password": "a long password 1"})
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user_created")).one()
    assert event.summary == "new.person@example.org as hr_officer of PRISON"
    assert event.institution_id == institutions["PRISON"].id


def test_coordinator_at_the_root_reads_every_institution(client, make_user, login, db, institutions):
    record("police_thing", institution_id=institutions["POLICE"].id, summary="police event")
    record("customs_thing", institution_id=institutions["NRA"].id, summary="customs event")
    db.session.commit()
    login(make_user(Role.COORDINATOR, "MFA"))
    html = client.get("/audit/").get_data(as_text=True)
    assert "police event" in html and "customs event" in html
