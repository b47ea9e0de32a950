"""The digest through a real SMTP server on 127.0.0.1: content, scope, and exactly once whatever happens."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from seconding.digest.render import period_start
from seconding.digest.sending import current_period, send_digests
from seconding.mail import transport
from seconding.models import DeliveryStatus, DigestDelivery, Role
from tests.conftest import config
from tests.fixtures_mail import StepMailer, another_worker

# Claims and results are committed on their own connections (seconding/digest/sending.py): real commits.
pytestmark = pytest.mark.real_db


@pytest.fixture
def pool(make_user, make_expert):
    """Four recipients, two who get nothing (inactive, digest off) and an expert per service with an expiry soon."""
    as_of = period_start(current_period())
    users = {
        "coordinator": make_user(Role.COORDINATOR, "MFA", email="coord@example.org"),
        "police": make_user(Role.HR_OFFICER, "POLICE", email="hr.police@example.org"),
        "border": make_user(Role.HR_OFFICER, "BORDER_GUARD", email="hr.border@example.org"),
        "viewer": make_user(Role.VIEWER, "MFA", email="viewer@example.org"),
    }
    make_user(Role.COORDINATOR, "MFA", email="inactive@example.org", active=False)
    make_user(Role.COORDINATOR, "MFA", email="optout@example.org", digest_opt_in=False)
    make_expert("POLICE", given_name="Anna", family_name="Policyjna", passport_expires=as_of + timedelta(days=20))
    make_expert("BORDER_GUARD", given_name="Bartosz", family_name="Graniczny",
                passport_expires=as_of + timedelta(days=40))
    return users


def _by_recipient(server) -> dict:
    found = {}
    for recipients, message in server.messages:
        for r in recipients:
            found.setdefault(r, []).append(message)
    return found


def _parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
            if not p.is_multipart()}


def test_digests_arrive_scoped_with_both_parts(app, db, pool, smtp_server):
    report = send_digests()
    assert sorted(report.sent) == sorted(u.email for u in pool.values())
    received = _by_recipient(smtp_server)
    assert set(received) == {u.email for u in pool.values()}  # not the inactive one, not the one who opted out
    parts = {}
    for email, messages in received.items():
        assert len(messages) == 1
        message = messages[0]
        assert message["Subject"] == f"Compliance digest {report.period}: what needs attention in your scope"
        assert message["From"] == app.config["MAIL_DEFAULT_SENDER"] and message["To"] == email
        parts[email] = _parts(message)
        assert set(parts[email]) == {"text/plain", "text/html"}
    police, border = parts["hr.police@example.org"], parts["hr.border@example.org"]
    for part in police.values():
        assert "Policyjna" in part and "Graniczny" not in part
    for part in border.values():
        assert "Graniczny" in part and "Policyjna" not in part
    assert all("Policyjna" in p and "Graniczny" in p for p in parts["coord@example.org"].values())
    viewer = parts["viewer@example.org"]["text/plain"]
    assert "Passports (2)" in viewer and "Policyjna" not in viewer and "Graniczny" not in viewer
    assert f"{app.config['BASE_URL']}/experts/" in police["text/plain"]
    assert 'href="http://127.0.0.1:5000/account"' in police["text/html"]


def test_two_concurrent_runs_send_each_digest_once(app, db, make_user, smtp_server):
    emails = [make_user(Role.COORDINATOR, "MFA", email=f"c{n}@example.org").email for n in range(24)]
    db.session.commit()
    start, reports, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            try:
                start.wait()
                reports.append(send_digests())
            except Exception as exc:  # pragma: no cover - shown by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    received = _by_recipient(smtp_server)
    assert sorted(received) == sorted(emails) and all(len(m) == 1 for m in received.values())
    assert sum(len(r.sent) for r in reports) == len(emails)
    rows = db.session.scalars(select(DigestDelivery)).all()
    assert {(r.status, r.attempts) for r in rows} == {(DeliveryStatus.SENT, 1)}


class Crash(BaseException):
    """The process dies (not an error the sender could catch)."""


class CrashingMailer:
    def __init__(self, after: int):
        self.inner, self.left = transport(), after

    def send(self, message, name):
        if self.left == 0:
            raise Crash()
        self.left -= 1
        self.inner.send(message, name)

    def close(self):
        self.inner.close()


def test_a_run_after_a_crash_sends_the_rest_once(app, db, make_user, smtp_server):
    emails = sorted(make_user(Role.COORDINATOR, "MFA", email=f"c{n}@example.org").email for n in range(6))
    with pytest.raises(Crash):
        send_digests(mailer=CrashingMailer(after=2))
    crashed_at = time.monotonic()
    assert len(smtp_server.messages) == 2
    statuses = sorted(d.status.value for d in db.session.scalars(select(DigestDelivery)))
    assert statuses == ["pending"] * 3 + ["sending"] + ["sent"] * 2
    with config(app, DIGEST_LEASE_MINUTES=0.05):  # 3 s
        again = send_digests()  # the three left at once; the interrupted one when the dead process's lease ends
    assert len(again.sent) == 4 and again.skipped == 0
    assert 2.5 < time.monotonic() - crashed_at < 10  # not before the lease ran out, and not long after
    received = _by_recipient(smtp_server)
    assert sorted(received) == emails and all(len(m) == 1 for m in received.values())
    assert send_digests().sent == []


def test_a_run_longer_than_its_lease_keeps_the_digest_it_is_sending(app, db, make_user, smtp_server):
    """The lease counts from each claim, not from the start of the run: a second sender that starts while the
    first, already a lease into its run, is sending a digest leaves that digest to it."""
    emails = sorted(make_user(Role.COORDINATOR, "MFA", email=f"c{n}@example.org").email for n in range(3))
    db.session.commit()
    reports, threads = [], []

    def second_sender():  # while the second digest is claimed and on its way
        threads.append(another_worker(app, lambda: reports.append(send_digests())))
        time.sleep(1)

    # Before the first digest leaves, the run grows older than its lease.
    mailer = StepMailer({1: lambda: time.sleep(3.5), 2: second_sender})
    with config(app, DIGEST_LEASE_MINUTES=0.05):  # 3 s
        reports.append(send_digests(mailer=mailer))
        threads[0].join(30)
    assert sum(len(r.sent) for r in reports) == 3
    received = _by_recipient(smtp_server)
    assert sorted(received) == emails and all(len(m) == 1 for m in received.values())


def test_smtp_down_then_up_retries_the_failed_ones_once(app, db, make_user, smtp_server):
    emails = sorted(make_user(Role.COORDINATOR, "MFA", email=f"c{n}@example.org").email for n in range(3))
    smtp_server.stop()
    down = send_digests()
    assert len(down.failed) == 3 and down.sent == []
    rows = db.session.scalars(select(DigestDelivery)).all()
    assert {(r.status, r.attempts) for r in rows} == {(DeliveryStatus.FAILED, 1)}
    assert all("Connection refused" in r.last_error or "Error" in r.last_error for r in rows)
    smtp_server.start()
    up = send_digests()
    assert sorted(up.sent) == emails
    received = _by_recipient(smtp_server)
    assert sorted(received) == emails and all(len(m) == 1 for m in received.values())
    db.session.expire_all()
    assert {(r.status, r.attempts, r.last_error) for r in db.session.scalars(select(DigestDelivery))} == {
        (DeliveryStatus.SENT, 2, "")}
    assert send_digests().sent == [] and len(smtp_server.messages) == 3


def test_failed_deliveries_stop_after_the_attempt_limit(app, db, make_user, smtp_server):
    make_user(Role.COORDINATOR, "MFA")
    smtp_server.stop()
    limit = app.config["DIGEST_MAX_ATTEMPTS"]
    for _ in range(limit + 2):
        send_digests()
    delivery = db.session.scalars(select(DigestDelivery)).one()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, limit)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_starttls_and_ssl_with_login(app, db, make_user, smtp_server, mode):
    user = make_user(Role.COORDINATOR, "MFA")
    smtp_server.stop()
    smtp_server.start(tls=mode, auth=True)
    smtp_server.point_app()
    report = send_digests()
    assert report.sent == [user.email] and report.failed == []
    assert [r for r, _m in smtp_server.messages] == [[user.email]]


def test_wrong_smtp_password_fails_with_the_reason(app, db, make_user, smtp_server):
    make_user(Role.COORDINATOR, "MFA")
    smtp_server.stop()
    smtp_server.start(tls="starttls", auth=True)
    smtp_server.point_app()
    app.config["MAIL_PASSWORD"] = "wrong"
    report = send_digests()
    assert report.sent == [] and report.failed[0][1].startswith("SMTP")  # the reason is kept for the log


def test_without_smtp_the_digest_goes_to_the_outbox(app, db, make_user, tmp_path):
    user = make_user(Role.COORDINATOR, "MFA")
    app.config["MAIL_SERVER"] = ""
    report = send_digests()
    path = f"{app.instance_path}/outbox/digest-{report.period}-{user.id}.eml"
    with open(path, "rb") as f:
        assert b"Compliance digest" in f.read()


def test_a_dry_run_sends_and_records_nothing(db, pool, smtp_server):
    report = send_digests(dry_run=True)
    assert sorted(e for e, status, _s in report.planned if status == "would send") == sorted(
        u.email for u in pool.values())
    assert smtp_server.messages == [] and db.session.scalars(select(DigestDelivery)).all() == []
