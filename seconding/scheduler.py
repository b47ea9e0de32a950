"""APScheduler in the web process (off in tests); jobs call the same functions as the CLI.

Every worker may run the scheduler: the digest job is exactly-once through the delivery table, not a process flag,
and so is the notifications job (reminders keyed once per event and recipient, rows claimed by one sender).
Besides the monthly cron, a catch-up job runs soon after start and then every DIGEST_RETRY_MINUTES, so a digest
missed while the app was down goes out once, and failed deliveries are retried."""
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from seconding.dates import WARSAW

_scheduler: BackgroundScheduler | None = None


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the background scheduler once per process."""
    global _scheduler
    if _scheduler is None:
        _scheduler = BackgroundScheduler(timezone=WARSAW)
        _register_jobs(app, _scheduler)
        _scheduler.start()
    return _scheduler


def digest_job(app: Flask) -> None:
    from seconding.digest.sending import send_due
    from seconding.extensions import db

    with app.app_context():
        try:
            report = send_due()
            if report is not None and (report.sent or report.failed):
                app.logger.info("digest %s: %d sent, %d failed", report.period, len(report.sent), len(report.failed))
        except Exception:  # the scheduler thread must live on; the next tick tries again
            db.session.rollback()
            app.logger.exception("digest job failed")
        finally:
            db.session.remove()


def notifications_job(app: Flask) -> None:
    """Write the reminders due (each once, whatever the number of workers) and send what is due."""
    from seconding import transaction
    from seconding.dates import today_in_warsaw
    from seconding.extensions import db
    from seconding.notifications.delivery import send_due
    from seconding.notifications.events import remind

    with app.app_context():
        try:
            remind(today_in_warsaw())
            transaction.commit()
            report = send_due()
            if report.sent or report.failed:
                app.logger.info("notifications: %d sent, %d failed", len(report.sent), len(report.failed))
        except Exception:  # the scheduler thread must live on; the next tick tries again
            db.session.rollback()
            app.logger.exception("notifications job failed")
        finally:
            db.session.remove()


def _register_jobs(app: Flask, scheduler: BackgroundScheduler) -> None:
    scheduler.add_job(notifications_job, IntervalTrigger(minutes=app.config["NOTIFY_MINUTES"], timezone=WARSAW),
                      args=[app], id="notifications", coalesce=True, max_instances=1,
                      next_run_time=datetime.now(WARSAW) + timedelta(seconds=30))
    cron = CronTrigger.from_crontab(app.config["DIGEST_CRON"], timezone=WARSAW)
    scheduler.add_job(digest_job, cron, args=[app], id="digest", coalesce=True, max_instances=1,
                      misfire_grace_time=3600)
    scheduler.add_job(digest_job, IntervalTrigger(minutes=app.config["DIGEST_RETRY_MINUTES"], timezone=WARSAW),
                      args=[app], id="digest-catch-up", coalesce=True, max_instances=1,
                      next_run_time=datetime.now(WARSAW) + timedelta(minutes=1))
