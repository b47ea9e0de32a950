"""The scheduler's job, the command line and the pages of the digest."""
import email
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from seconding.digest.sending import last_due, send_digests, send_due
from seconding.models import DigestDelivery, DigestRun, Role
from seconding.scheduler import _register_jobs

WARSAW_7AM_DEC_1 = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 07:00 in Warsaw (CET)


def test_last_due_is_the_latest_cron_moment_in_warsaw():
    assert last_due("0 7 1 * *", datetime(2026, 12, 1, 5, 59, tzinfo=UTC)) == datetime(2026, 11, 1, 6, 0,
                                                                                          tzinfo=UTC)
    assert last_due("0 7 1 * *", WARSAW_7AM_DEC_1) == WARSAW_7AM_DEC_1
    assert last_due("0 7 1 * *", datetime(2026, 12, 20, tzinfo=UTC)) == WARSAW_7AM_DEC_1
    assert last_due("0 7 1 * *", datetime(2026, 7, 1, 5, 0, tzinfo=UTC)) == datetime(2026, 7, 1, 5, 0, tzinfo=UTC)


@pytest.mark.real_db  # sending claims deliveries on connections of its own
def test_a_missed_run_is_caught_up_once(app, db, make_user):
    app.config["MAIL_SERVER"] = ""
    user = make_user(Role.COORDINATOR)
    assert send_due(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)).sent == [user.email]  # the app was down on the 1st
    late = make_user(Role.COORDINATOR)
    again = send_due(datetime(2026, 12, 3, 9, 30, tzinfo=UTC))
    assert again.sent == [] and late.email not in again.sent  # the run of December exists: nobody twice, no one new
    assert db.session.scalar(select(func.count(DigestRun.id))) == 1
    assert db.session.scalar(select(DigestRun.period)) == "2026-12"


def test_the_scheduler_registers_the_monthly_job_the_catch_up_and_the_notifications(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="Europe/Warsaw")
    _register_jobs(app, scheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"digest", "digest-catch-up", "notifications"}
    assert str(jobs["digest"].trigger) == "cron[month='*', day='1', day_of_week='*', hour='7', minute='0']"
    assert str(jobs["notifications"].trigger) == "interval[0:10:00]"  # reminders and retries (NOTIFY_MINUTES)


@pytest.mark.real_db  # sending claims deliveries on connections of its own
def test_the_command_sends_prints_and_refuses_bad_input(app, db, runner, make_user):
    app.config["MAIL_SERVER"] = ""
    first, second = make_user(Role.COORDINATOR), make_user(Role.HR_OFFICER, "POLICE")
    dry = runner.invoke(args=["digest", "send", "--period", "2026-11", "--dry-run"])
    assert dry.exit_code == 0 and first.email in dry.output and "2 would be sent; nothing was sent" in dry.output
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 0
    one = runner.invoke(args=["digest", "send", "--period", "2026-11", "--to", second.email.upper()])
    assert one.exit_code == 0 and "Digest 2026-11: 1 sent, 0 failed" in one.output
    rest = runner.invoke(args=["digest", "send", "--period", "2026-11"])
    assert "Digest 2026-11: 1 sent, 0 failed, 1 already sent before" in rest.output
    for args, message in ((["--period", "2026-13"], "'2026-13' is not a period"),
                          (["--period", "1999-01"], "use a year from 2000"),
                          (["--to", "nobody@example.org"], "No active user has the e-mail address")):
        result = runner.invoke(args=["digest", "send", *args])
        assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 2


@pytest.mark.real_db  # sending claims deliveries on connections of its own
def test_a_coordinator_previews_any_recipient_in_scope(app, db, client, login, make_user, make_expert):
    hr = make_user(Role.HR_OFFICER, "POLICE", name="Ewa Kadrowa")
    make_expert("POLICE", family_name="Policyjna", passport_expires=datetime(2026, 12, 20).date())
    login(make_user(Role.COORDINATOR, "MFA"))
    page = client.get(f"/digest/preview?user={hr.id}&period=2026-12")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Compliance digest 2026-12" in text and "Policyjna" in text
    html = client.get(f"/digest/preview/email.html?user={hr.id}&period=2026-12")
    assert "script-src" not in html.headers["Content-Security-Policy"] and "Policyjna" in html.get_data(as_text=True)
    app.config["MAIL_SERVER"] = ""
    report = send_digests("2026-12", only_email=hr.email)
    with open(f"{app.instance_path}/outbox/digest-2026-12-{hr.id}.eml", "rb") as f:
        sent = email.message_from_bytes(f.read())
    sent_html = [p for p in sent.walk() if p.get_content_type() == "text/html"][0].get_payload(decode=True).decode()
    assert report.sent == [hr.email] and sent_html.rstrip() == html.get_data(as_text=True).rstrip()  # as sent
    bad = client.get(f"/digest/preview?user={hr.id}&period=2026-99")
    assert bad.status_code == 200 and "is not a period" in bad.get_data(as_text=True)


def test_preview_is_limited_to_scope_and_role(client, login, make_user):
    police = make_user(Role.HR_OFFICER, "POLICE")
    login(make_user(Role.COORDINATOR, "BORDER_GUARD"))
    assert client.get(f"/digest/preview?user={police.id}").status_code == 404
    assert client.get("/digest/preview?user=99999999999").status_code == 404
    client.post_form("/sign-out")
    login(make_user(Role.HR_OFFICER, "POLICE"))
    assert client.get(f"/digest/preview?user={police.id}").status_code == 403


@pytest.mark.real_db  # sending claims deliveries on connections of its own
def test_admins_see_failed_deliveries_on_the_log(app, db, client, login, make_user, smtp_server):
    target = make_user(Role.COORDINATOR, email="unlucky@example.org")
    smtp_server.stop()
    report = send_digests("2026-12")
    assert report.failed
    login(make_user(Role.ADMIN))
    page = client.get("/digest/deliveries?period=2026-12").get_data(as_text=True)
    assert target.email in page and "failed" in page and "Connection refused" in page
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR))
    assert client.get("/digest/deliveries").status_code == 403
