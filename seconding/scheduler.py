"""APScheduler in the web process (off in tests); jobs call the same functions as the CLI."""
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

_scheduler: BackgroundScheduler | None = None


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the background scheduler once per process; the jobs themselves are exactly-once in the database."""
    global _scheduler
    if _scheduler is None:
        _scheduler = BackgroundScheduler(timezone="Europe/Warsaw")
        _register_jobs(app, _scheduler)
        _scheduler.start()
    return _scheduler


def _register_jobs(app: Flask, scheduler: BackgroundScheduler) -> None:
    # The monthly digest job is added by the digest area; the trigger is validated here already.
    CronTrigger.from_crontab(app.config["DIGEST_CRON"], timezone="Europe/Warsaw")
