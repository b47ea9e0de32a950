"""Sending notifications: claimed by one sender, retried after an SMTP failure, each row sent once.

A sender claims rows with one conditional UPDATE that marks them with its own token (pending, or failed with
attempts left, or claimed by a sender that died more than the lease ago); another worker's UPDATE finds them taken.
Just before each e-mail the sender renews its claim on that e-mail's rows, so a batch that takes longer than the
lease is not taken for a dead sender's; when another sender has taken them meanwhile, the e-mail is left to it.
Claims and results are committed at once, so other workers see them. The rows due at once go out right after the
commit of the request that wrote them (`send_now`); the scheduler's job sends what is left (a failure, an outage)
and, from DAILY_HOUR Warsaw time, each user's daily summary: one e-mail with everything gathered until then."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import groupby

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from seconding.dates import WARSAW
from seconding.db import utcnow
from seconding.digest.sending import claimable, run_clock
from seconding.extensions import db
from seconding.mail import MailError, build_message, message_id, transport
from seconding.models import DeliveryStatus as S
from seconding.models import Notification, User
from seconding.notifications.content import item

DAILY_HOUR = 7  # the daily summary leaves at 07:00 in Warsaw


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)  # one line per e-mail: address and subject
    failed: list[str] = field(default_factory=list)


def _claim(now: datetime, *conditions) -> list[Notification]:
    token = secrets.token_hex(8)
    db.session.execute(update(Notification).where(*conditions, claimable(Notification, now))
                       .values(status=S.SENDING, claim=token, claimed_at=now, attempts=Notification.attempts + 1)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(select(Notification).options(joinedload(Notification.user))
                                   .where(Notification.claim == token, Notification.status == S.SENDING)
                                   .order_by(Notification.user_id, Notification.id)))


def _finish(rows: list[Notification], status: S, error: str = "") -> None:
    values = {"status": status, "last_error": error[:2000]}
    if status == S.SENT:
        values["sent_at"] = utcnow()
    db.session.execute(update(Notification).where(Notification.id.in_([r.id for r in rows]),
                                                  Notification.claim == rows[0].claim, Notification.status == S.SENDING)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _renew(rows: list[Notification], at: datetime) -> bool:
    """Stamp this sender's claim on `rows` anew; False when another sender took them after the lease."""
    result = db.session.execute(update(Notification).where(
        Notification.id.in_([r.id for r in rows]), Notification.claim == rows[0].claim,
        Notification.status == S.SENDING).values(claimed_at=at).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == len(rows)


def last_summary_moment(now: datetime) -> datetime:
    """The latest DAILY_HOUR in Warsaw at or before `now`: daily rows written before it are due."""
    local = now.astimezone(WARSAW)
    moment = datetime.combine(local.date(), time(DAILY_HOUR), WARSAW)
    return moment if moment <= local else moment - timedelta(days=1)


def message(user: User, rows: list[Notification]):
    """The e-mail of one notification (or, several, of the daily summary) in the user's language."""
    app = current_app._get_current_object()
    with app.test_request_context("/", base_url=app.config["BASE_URL"]), force_locale(user.locale or "en"):
        items = [item(row) for row in rows]
        subject = items[0].title if len(rows) == 1 else _("Your day in seconding: %(n)d notifications", n=len(rows))
        values = {"subject": subject, "items": items, "locale": user.locale or "en",
                  "preferences": app.config["BASE_URL"] + "/account/notifications"}
        text, html = (render_template(f"emails/notification.{kind}", **values) for kind in ("txt", "html"))
    first = rows[0]
    local = f"notification-{first.id}" if len(rows) == 1 else f"daily-{user.id}-{first.id}"
    mail = build_message(to=first.email, subject=subject, text=text, html=html, message_id=message_id(local))
    mail["Auto-Submitted"] = "auto-generated"
    if len(rows) == 1 and first.thread:  # every e-mail of one nomination in one thread of the mail client
        mail["References"] = mail["In-Reply-To"] = message_id(first.thread)
    return local, mail


def _send(groups: list[list[Notification]], mailer, report: Report, clock) -> None:
    for rows in groups:
        if not _renew(rows, clock()):
            continue
        user = rows[0].user
        try:
            name, mail = message(user, rows)
            mailer.send(mail, name)
        except MailError as exc:
            _finish(rows, S.FAILED, str(exc))
            report.failed.append(f"{rows[0].email}: {exc}")
        except Exception as exc:  # a defect must not stop the others; admins see it on the delivery log
            db.session.rollback()
            current_app.logger.exception("notification to %s failed", rows[0].email)
            _finish(rows, S.FAILED, f"{type(exc).__name__}: {exc}")
            report.failed.append(f"{rows[0].email}: {exc}")
        else:
            _finish(rows, S.SENT)
            report.sent.append(f"{rows[0].email}: {mail['Subject']}")


def send_now(now: datetime | None = None, mailer=None) -> Report:
    """Send the notifications due at once (each alone) that nobody sent yet."""
    now, report = now or utcnow(), Report()
    rows = _claim(now, Notification.daily.is_(False))
    if rows:
        mailer = mailer or transport()
        try:
            _send([[row] for row in rows], mailer, report, run_clock(now))
        finally:
            mailer.close()
    return report


def send_daily(now: datetime | None = None, mailer=None) -> Report:
    """Each user's daily summary: the daily rows written before the latest DAILY_HOUR, in one e-mail per user."""
    now, report = now or utcnow(), Report()
    rows = _claim(now, Notification.daily.is_(True), Notification.created_at < last_summary_moment(now))
    if rows:
        mailer = mailer or transport()
        try:
            _send([list(group) for _user, group in groupby(rows, key=lambda r: r.user_id)], mailer, report,
                  run_clock(now))
        finally:
            mailer.close()
    return report


def send_due(now: datetime | None = None, mailer=None) -> Report:
    """The scheduler's job and `flask notifications send`: everything due now, at once and daily."""
    mailer = mailer or transport()
    first, second = send_now(now, mailer), send_daily(now, mailer)
    return Report(first.sent + second.sent, first.failed + second.failed)
