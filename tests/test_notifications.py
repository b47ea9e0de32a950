"""Notifications: each event reaches exactly the right recipients once, in their language, after the commit only;
a failed request sends nothing; two concurrent senders and an SMTP outage still send each once; reminders at their
boundaries, and a second run of the job sends nothing new."""
import re
import threading
import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from seconding.dates import WARSAW, today_in_warsaw
from seconding.extensions import db as _db
from seconding.models import DeliveryStatus, Mission, NipAction, NipStatus, Notification, Role
from seconding.models.deployments import Deployment
from seconding.models.enums import DeploymentStatus
from seconding.nominations.services import Decision, act, create_nomination
from seconding.notifications.delivery import send_daily, send_due, send_now
from seconding.notifications.events import remind
from tests.conftest import config
from tests.fixtures_mail import StepMailer, another_worker
from tests.fixtures_missions import MOTIVATION

TODAY = today_in_warsaw()


def _received(server) -> dict[str, list]:
    by = {}
    for recipients, message in server.messages:
        for address in recipients:
            by.setdefault(address, []).append(message)
    return by


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


@pytest.fixture
def people(make_user):
    """Two coordinators (one reads Polish), the Police's HR officer, and a Border Guard HR officer."""
    return {
        "coordinator": make_user(Role.COORDINATOR, "MFA", email="coord@example.org", name="Koordynatorka"),
        "coordinator_pl": make_user(Role.COORDINATOR, "MFA", email="coord.pl@example.org", locale="pl"),
        "police_hr": make_user(Role.HR_OFFICER, "POLICE", email="hr.police@example.org", name="Ewa Kadrowa"),
        "border_hr": make_user(Role.HR_OFFICER, "BORDER_GUARD", email="hr.border@example.org"),
        "viewer": make_user(Role.VIEWER, "MFA", email="viewer@example.org"),
    }


@pytest.fixture
def draft(people, make_cfc, make_position, make_expert, db):
    position = make_position(make_cfc("EUMM Georgia"), "GEO 7", available_on=date(2030, 6, 1))
    expert = make_expert("POLICE", given_name="Anna", family_name="Nowak", consent_on=date(2026, 1, 1))
    nomination = create_nomination(position, expert, people["police_hr"], motivation=MOTIVATION)
    db.session.commit()
    return nomination


def test_each_step_reaches_the_right_people_once_in_their_language(client, login, people, draft, smtp_server, db):
    login(people["police_hr"])
    response = client.post_form(f"/nominations/{draft.id}/act", {
        "action": "submit", "submit-action": "submit", "submit-version": draft.version})
    assert response.status_code == 302
    received = _received(smtp_server)
    assert sorted(received) == ["coord.pl@example.org", "coord@example.org"]  # not the HR officers, not viewers
    assert received["coord@example.org"][0]["Subject"] == (
        "Nomination submitted: Anna Nowak for GEO 7 (EUMM Georgia 1-2030)")
    assert str(make_header(decode_header(received["coord.pl@example.org"][0]["Subject"]))) == (
        "Złożono nominację: Anna Nowak na stanowisko GEO 7 (EUMM Georgia 1-2030)")
    message = received["coord@example.org"][0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert f"/nominations/{draft.id}" in _text(message)
    thread = message["References"]

    smtp_server.messages.clear()
    client.post_form("/sign-out")
    login(people["coordinator"])
    _db.session.expire_all()
    client.post_form(f"/nominations/{draft.id}/act", {
        "action": "return", "return-action": "return", "return-version": _db.session.get(type(draft), draft.id).version,
        "return-comment": "Add the Georgian certificate"})
    received = _received(smtp_server)
    assert list(received) == ["hr.police@example.org"]  # the HR officer who submitted, not the coordinator acting
    text = _text(received["hr.police@example.org"][0])
    assert "Add the Georgian certificate" in text and f"/nominations/{draft.id}" in text
    assert received["hr.police@example.org"][0]["References"] == thread  # one thread per nomination
    assert _db.session.scalar(select(Notification.id).where(Notification.status != DeliveryStatus.SENT)) is None


def test_a_request_that_fails_after_queueing_sends_nothing(client, login, people, draft, smtp_server, db, monkeypatch):
    """The submission queues the e-mails, then the request fails: rolled back, nothing written, nothing sent."""
    from seconding.nominations import services

    login(people["police_hr"])
    original = services.record

    def fail_after_queueing(action, **kwargs):
        if action == "nomination_submit":
            raise RuntimeError("the disk is full")
        return original(action, **kwargs)

    monkeypatch.setattr(services, "record", fail_after_queueing)
    monkeypatch.setitem(client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post_form(f"/nominations/{draft.id}/act", {
        "action": "submit", "submit-action": "submit", "submit-version": draft.version})
    assert response.status_code == 500
    assert smtp_server.messages == []
    assert _db.session.scalar(select(Notification.id)) is None


@pytest.mark.real_db  # two senders in two threads, each with its own connection
def test_an_outage_is_retried_and_two_concurrent_senders_send_each_once(app, people, draft, smtp_server, db):
    smtp_server.stop()  # the SMTP server is down when the coordinators are told
    act(draft, "submit", people["police_hr"], Decision(), version=None)
    db.session.commit()
    report = send_now()
    assert report.sent == [] and len(report.failed) == 2
    assert {n.status for n in db.session.scalars(select(Notification))} == {DeliveryStatus.FAILED}
    smtp_server.start()
    start, errors = threading.Barrier(2), []

    def run():
        with app.app_context():
            try:
                start.wait()
                send_due()
            except Exception as exc:  # pragma: no cover - shown by the assertion below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    received = _received(smtp_server)
    assert sorted(received) == ["coord.pl@example.org", "coord@example.org"]
    assert all(len(messages) == 1 for messages in received.values())
    db.session.expire_all()
    assert {(n.status, n.attempts) for n in db.session.scalars(select(Notification))} == {(DeliveryStatus.SENT, 2)}


@pytest.mark.real_db  # the second sender runs in a thread, with its own connection
def test_a_batch_longer_than_the_lease_is_not_sent_twice(app, people, draft, smtp_server, db):
    """A sender renews its claim before each e-mail: a second sender that starts while the first, a lease after
    claiming its batch, is sending the batch's last e-mail finds nothing to take."""
    act(draft, "submit", people["police_hr"], Decision(), version=None)
    db.session.commit()  # two notifications: one per coordinator
    second = []
    # Before the first e-mail leaves, the batch's claim grows older than the lease; before the second, another
    # sender runs to its end.
    mailer = StepMailer({1: lambda: time_module.sleep(1.5),
                         2: lambda: another_worker(app, lambda: second.append(send_due())).join(30)})
    with config(app, DIGEST_LEASE_MINUTES=0.02):  # 1.2 s
        first = send_now(mailer=mailer)
    assert len(first.sent) == 2 and second[0].sent == []
    received = _received(smtp_server)
    assert sorted(received) == ["coord.pl@example.org", "coord@example.org"]
    assert all(len(messages) == 1 for messages in received.values())


def test_the_daily_summary_gathers_the_day_in_one_e_mail_at_seven(app, people, draft, smtp_server, db):
    coordinator = people["coordinator"]
    coordinator.notification_modes = {"nomination_submitted": "daily"}
    db.session.commit()
    act(draft, "submit", people["police_hr"], Decision(), version=None)
    db.session.commit()
    send_now()
    assert "coord@example.org" not in _received(smtp_server)  # waits for the summary
    written = db.session.scalar(select(Notification.created_at).where(Notification.user_id == coordinator.id))
    before_seven = datetime.combine(written.astimezone(WARSAW).date(), time(6, 59), WARSAW)
    if written.astimezone(WARSAW) < before_seven + timedelta(minutes=1):  # written before 07:00: due at 07:00 today
        at_seven = before_seven + timedelta(minutes=1)
    else:
        at_seven = before_seven + timedelta(days=1, minutes=1)
    assert send_daily(at_seven - timedelta(minutes=2)).sent == []
    report = send_daily(at_seven + timedelta(minutes=1))
    assert len(report.sent) == 1 and "coord@example.org" in report.sent[0]
    assert send_daily(at_seven + timedelta(hours=1)).sent == []


def test_preferences_turn_a_kind_off_and_are_kept(client, login, people, draft, smtp_server, db):
    login(people["coordinator"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "A nomination is submitted to the coordinators" in page
    assert "A new call for contributions is opened" not in page  # HR officers' kind
    saved = client.post_form("/account/notifications", {
        "nomination_submitted": "off", "nomination_eeas": "now", "deadline": "daily", "tour_ending": "daily",
        "nip_due": "off"})
    assert saved.status_code == 302
    refused = client.post_form("/account/notifications", {"nomination_submitted": "sometimes"})
    assert refused.status_code == 200 and 'id="error-summary"' in refused.get_data(as_text=True)
    act(draft, "submit", people["police_hr"], Decision(), version=None)
    db.session.commit()
    send_now()
    assert sorted(_received(smtp_server)) == ["coord.pl@example.org"]


# --- reminders ---------------------------------------------------------------------------------------------


@pytest.fixture
def call_due(make_cfc, make_position):
    """An open call whose national deadline is at noon on the day given (days from today)."""

    def make(days: int):
        day = TODAY + timedelta(days=days)
        noon = datetime.combine(day, time(12), WARSAW).astimezone(UTC)
        cfc = make_cfc("EUMM Georgia", national_deadline=noon, eeas_deadline=noon + timedelta(days=3))
        make_position(cfc, "GEO R1")
        return cfc

    return make


@pytest.mark.parametrize(("days", "mark"), [(8, None), (7, "7d"), (6, "7d"), (3, "7d"), (2, "2d"), (0, "2d"),
                                            (-1, None)])
def test_deadline_reminders_at_each_boundary_and_once(people, call_due, db, days, mark):
    cfc = call_due(days)
    for _run in range(2):  # a second run writes nothing new
        remind(TODAY)
        db.session.commit()
    keys = {n.event_key for n in db.session.scalars(select(Notification).where(Notification.kind == "deadline"))}
    assert keys == ({f"deadline:{cfc.id}:{mark}"} if mark else set())
    if mark:
        told = {n.email for n in db.session.scalars(select(Notification).where(Notification.kind == "deadline"))}
        assert told == {"coord@example.org", "coord.pl@example.org", "hr.police@example.org",
                        "hr.border@example.org"}


def test_a_deadline_reminder_skips_who_has_nominated_for_every_position(people, call_due, make_expert, db):
    cfc = call_due(2)
    create_nomination(cfc.positions[0], make_expert("POLICE", consent_on=date(2026, 1, 1)), people["police_hr"])
    db.session.commit()
    remind(TODAY)
    db.session.commit()
    told = {n.email for n in db.session.scalars(select(Notification).where(Notification.kind == "deadline"))}
    assert told == {"hr.border@example.org"}  # the Police has nominated; the coordinators see it covered


@pytest.mark.parametrize(("days", "mark"), [(61, None), (60, "60d"), (59, "60d"), (31, "60d"), (30, "30d"),
                                            (1, "30d")])
def test_tour_ending_reminders_at_each_boundary_and_once(people, make_expert, db, days, mark):
    mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUPM Moldova"))
    from seconding.deployments.services import record_deployment

    tour = record_deployment(expert=make_expert("POLICE"), mission=mission, start=TODAY - timedelta(days=200),
                             end=TODAY + timedelta(days=days), status=DeploymentStatus.DEPLOYED)
    db.session.commit()
    for _run in range(2):
        remind(TODAY)
        db.session.commit()
    rows = db.session.scalars(select(Notification).where(Notification.kind == "tour_ending")).all()
    assert {r.event_key for r in rows} == ({f"tour:{tour.id}:{tour.end_date.isoformat()}:{mark}"} if mark else set())
    if mark:  # the Police's HR officer and the coordinators; not the Border Guard
        assert {r.email for r in rows} == {"hr.police@example.org", "coord@example.org", "coord.pl@example.org"}
    assert db.session.scalar(select(Deployment.id)) == tour.id


def test_nip_reminders_reach_the_lead_and_partners_only(people, institutions, make_user, db):
    action = NipAction(code="NIP-9", title="Train monitors", lead_institution_id=institutions["POLICE"].id,
                       due_on=TODAY + timedelta(days=30), status=NipStatus.IN_PROGRESS)
    action.partners.append(institutions["BORDER_GUARD"])
    db.session.add(action)
    db.session.commit()
    remind(TODAY)
    db.session.commit()
    told = {n.email for n in db.session.scalars(select(Notification).where(Notification.kind == "nip_due"))}
    assert told == {"hr.police@example.org", "hr.border@example.org"}


def test_a_new_call_tells_hr_officers_how_many_of_their_experts_qualify(people, make_cfc, make_position, make_expert,
                                                                        smtp_server, db):
    cfc = make_cfc("EUMM Georgia")
    make_position(cfc, "GEO N1", title="Monitor", available_on=date(2030, 6, 1))
    make_expert("POLICE")
    make_expert("POLICE")
    make_expert("BORDER_GUARD")
    for _run in range(2):
        remind(TODAY)
        db.session.commit()
    send_now()
    received = _received(smtp_server)
    assert sorted(received) == ["hr.border@example.org", "hr.police@example.org"]
    assert all(len(messages) == 1 for messages in received.values())
    police = _text(received["hr.police@example.org"][0])
    assert re.search(r"GEO N1 \(Monitor\): 2 of your experts qualify", police)
    assert "GEO N1 (Monitor): 1 of your experts qualifies" in _text(received["hr.border@example.org"][0])
