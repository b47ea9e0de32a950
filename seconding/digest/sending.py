"""Sending the monthly digest exactly once per recipient and period, whoever runs it (scheduler in several workers,
the command line) and whatever happens (a restart midway, an SMTP server down).

How: one delivery row per (period, recipient), unique in the database. A sender claims a row with a conditional
UPDATE (pending or failed -> sending) that only one transaction can win, commits the claim, sends, then commits
`sent`. A row left `sending` by a process that died is taken again once its lease has expired, by a run that is
still going (a run waits for the rows other senders hold before it ends) or by the next one; the message keeps its
Message-ID, so a receiving system can tell a resend from a new message. The lease counts from the moment of the
claim, not from the start of the run: a run longer than the lease must not look dead to the others. This is a job,
not a request: it commits after each step, so other workers see the claims at once.
"""
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from seconding.dates import WARSAW
from seconding.db import insert_ignoring_duplicates, utcnow
from seconding.digest.content import ContentCache
from seconding.digest.render import period_start, render
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.mail import MailError, build_message, message_id, transport
from seconding.models import DeliveryStatus, DigestDelivery, DigestRun, User
from seconding.progress import Progress, counted

S = DeliveryStatus
# Digests told to `progress` at a time: each is an e-mail sent, far slower than the telling.
PROGRESS_EVERY = 10
WAIT_SECONDS = 1  # how often a run looks again at the digests another sender is sending



@dataclass
class SendReport:
    period: str
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    already_sent: int = 0
    skipped: int = 0  # sent by another sender at the same time, or failed too often to try again
    planned: list[tuple[str, str, str]] = field(default_factory=list)  # dry run: (email, status, subject)


def parse_period(text: str) -> str:
    """'2026-12' -> '2026-12'; Refusal for anything else."""
    value = (text or "").strip()
    try:
        start = datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise Refusal(f"{text!r} is not a period: use YYYY-MM, e.g. 2026-12.") from exc
    if not 2000 <= start.year <= 2099:
        raise Refusal(f"{text!r}: use a year from 2000 to 2099.")
    return start.strftime("%Y-%m")


def current_period(now: datetime | None = None) -> str:
    return (now or utcnow()).astimezone(WARSAW).strftime("%Y-%m")


def recipients(only_email: str | None = None) -> list[User]:
    """Active users with the digest turned on (or the one asked for, who must be active)."""
    query = select(User).where(User.active.is_(True)).order_by(User.id)
    if only_email is not None:
        user = db.session.scalar(query.where(db.func.lower(User.email) == only_email.strip().lower()))
        if user is None:
            raise Refusal(f"No active user has the e-mail address {only_email!r}.")
        return [user]
    return list(db.session.scalars(query.where(User.digest_opt_in.is_(True))))


def ensure_run(period: str) -> tuple[DigestRun, bool]:
    """The run of the period, and whether this call created it."""
    run = db.session.scalar(select(DigestRun).where(DigestRun.period == period))
    if run is not None:
        return run, False
    insert_ignoring_duplicates(db.session, DigestRun, [{"period": period, "created_at": utcnow()}])
    db.session.commit()
    run = db.session.scalar(select(DigestRun).where(DigestRun.period == period))
    return run, True


def ensure_deliveries(run: DigestRun, users: list[User]) -> None:
    """A pending delivery for each recipient who has none in this period."""
    have = set(db.session.scalars(select(DigestDelivery.user_id).where(DigestDelivery.period == run.period)))
    now = utcnow()
    insert_ignoring_duplicates(db.session, DigestDelivery, [
        {"run_id": run.id, "period": run.period, "user_id": u.id, "email": u.email, "status": S.PENDING,
         "attempts": 0, "last_error": "", "created_at": now} for u in users if u.id not in have])
    db.session.commit()


def claimable(model, now: datetime):
    """Rows of an outbox (digest deliveries, notifications) a sender may take: pending, or failed with attempts
    left, or claimed by a sender that died more than the lease ago."""
    config = current_app.config
    lease = now - timedelta(minutes=config["DIGEST_LEASE_MINUTES"])
    return or_(and_(model.status.in_([S.PENDING, S.FAILED]), model.attempts < config["DIGEST_MAX_ATTEMPTS"]),
               and_(model.status == S.SENDING, model.claimed_at < lease))


def run_clock(now: datetime) -> Callable[[], datetime]:
    """A sending run's clock: `now` at its start (the real time, or a test's), then moving on with the real one.
    Claims are stamped by it, so a claim made a minute into a run is a minute younger than the run."""
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


# Claims and results are written on their own short transactions (not the session's), committed at once: other
# senders see them immediately, and the session's objects are not expired a thousand times over.


def claim(delivery_id: int, now: datetime) -> bool:
    """Take one delivery for this sender; False when another one has it (or it is done)."""
    with db.engine.begin() as connection:
        result = connection.execute(
            update(DigestDelivery).where(DigestDelivery.id == delivery_id, claimable(DigestDelivery, now))
            .values(status=S.SENDING, claimed_at=now, attempts=DigestDelivery.attempts + 1))
    return result.rowcount == 1


def _finish(delivery_id: int, status: DeliveryStatus, error: str = "") -> None:
    values = {"status": status, "last_error": error[:2000]}
    if status == S.SENT:
        values["sent_at"] = utcnow()
    with db.engine.begin() as connection:
        connection.execute(update(DigestDelivery).where(DigestDelivery.id == delivery_id,
                                                        DigestDelivery.status == S.SENDING).values(**values))


def send_digests(period: str | None = None, *, only_email: str | None = None, dry_run: bool = False,
                 add_recipients: bool = True, now: datetime | None = None, mailer=None,
                 progress: Progress | None = None) -> SendReport:
    """Send the period's digests that are not sent yet; the same function serves the scheduler, the command line
    and the tests. `add_recipients=False` (the scheduler's catch-up) only retries deliveries the run already has.
    `progress` hears ("sending", digests taken, of those not sent yet) as they go (seconding/progress.py)."""
    now = now or utcnow()
    period = parse_period(period) if period else current_period(now)
    as_of = period_start(period)
    report = SendReport(period)
    people = recipients(only_email)
    cache = ContentCache()
    if dry_run:
        done = {user_id: status for user_id, status in db.session.execute(
            select(DigestDelivery.user_id, DigestDelivery.status).where(DigestDelivery.period == period))}
        for user in people:
            status = done.get(user.id)
            subject = render(user, period, cache.get(user, as_of)).subject
            report.planned.append((user.email, "already sent" if status == S.SENT else "would send", subject))
        return report
    run, created = ensure_run(period)
    if created or add_recipients:
        ensure_deliveries(run, people)
    query = select(DigestDelivery.id, DigestDelivery.user_id, DigestDelivery.status).where(
        DigestDelivery.period == period)
    if only_email is not None:
        query = query.where(DigestDelivery.user_id == people[0].id)
    rows = db.session.execute(query.order_by(DigestDelivery.id)).all()
    report.already_sent = sum(1 for r in rows if r.status == S.SENT)
    unsent = [r for r in rows if r.status != S.SENT]
    mailer, clock = mailer or transport(), run_clock(now)
    lease = timedelta(minutes=current_app.config["DIGEST_LEASE_MINUTES"])

    def send(delivery_id: int, user_id: int) -> None:
        user = db.session.get(User, user_id)
        try:
            message = _message(user, period, cache.get(user, as_of))
            mailer.send(message, f"digest-{period}-{user.id}")
        except MailError as exc:
            _finish(delivery_id, S.FAILED, str(exc))
            report.failed.append((user.email, str(exc)))
        except Exception as exc:  # a bug must not stop the others; admins see it on the log
            db.session.rollback()
            current_app.logger.exception("digest for %s failed", user.email)
            _finish(delivery_id, S.FAILED, f"{type(exc).__name__}: {exc}")
            report.failed.append((user.email, str(exc)))
        else:
            _finish(delivery_id, S.SENT)
            report.sent.append(user.email)

    try:
        taken = {}  # the digests another sender had claimed when this run came to them
        for delivery_id, user_id, _status in counted(unsent, progress, "sending", len(unsent), PROGRESS_EVERY):
            if claim(delivery_id, clock()):
                send(delivery_id, user_id)
            else:
                taken[delivery_id] = user_id
        # The run ends when every digest is sent: it waits for the other senders' digests, and takes those whose
        # lease runs out (their sender died) at once, so that a host's death delays a digest by the lease at most.
        held = _held_elsewhere(taken)
        waiting = len(held)
        while held:
            if progress is not None:
                progress("finishing", waiting - len(held), waiting)
            expired = [delivery_id for delivery_id, claimed_at in held.items() if claimed_at + lease <= clock()]
            for delivery_id in expired:
                if claim(delivery_id, clock()):
                    send(delivery_id, taken.pop(delivery_id))
            if not expired:
                time.sleep(WAIT_SECONDS)
            held = _held_elsewhere(taken)
        report.skipped = len(taken)
    finally:
        mailer.close()
        db.session.rollback()  # the reads of this run; results are already committed
    return report


def _held_elsewhere(ids) -> dict[int, datetime]:
    """Of these deliveries, those still being sent (by another sender), with the moment each was claimed."""
    if not ids:
        return {}
    with db.engine.connect() as connection:
        return dict(connection.execute(select(DigestDelivery.id, DigestDelivery.claimed_at).where(
            DigestDelivery.id.in_(list(ids)), DigestDelivery.status == S.SENDING)).all())


def _message(user: User, period: str, content):
    rendered = render(user, period, content)
    return build_message(to=user.email, subject=rendered.subject, text=rendered.text, html=rendered.html,
                         message_id=message_id(f"digest-{period}-{user.id}"))


def last_due(cron: str, now: datetime) -> datetime | None:
    """The latest moment the cron expression (Europe/Warsaw) named at or before `now`, within the last 40 days."""
    trigger = CronTrigger.from_crontab(cron, timezone=WARSAW)
    moment, previous = trigger.get_next_fire_time(None, now - timedelta(days=40)), None
    while moment is not None and moment <= now:
        previous = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return previous


def send_due(now: datetime | None = None) -> SendReport | None:
    """The scheduler's job: if the digest of the latest due moment has not gone out (the process was down at 07:00,
    or some deliveries failed), send what is missing — once."""
    now = now or datetime.now(UTC)
    due = last_due(current_app.config["DIGEST_CRON"], now)
    if due is None:
        return None
    period = due.astimezone(WARSAW).strftime("%Y-%m")
    try:
        return send_digests(period, add_recipients=False, now=now)
    except IntegrityError:  # another worker created the run at the same instant; the next tick goes on
        db.session.rollback()
        return None


def delivery_counts(period: str) -> dict[str, int]:
    rows = db.session.execute(select(DigestDelivery.status, db.func.count(DigestDelivery.id))
                              .where(DigestDelivery.period == period).group_by(DigestDelivery.status)).all()
    return {status.value: n for status, n in rows}
