"""`flask notifications remind|send`: thin shells over the scheduler's functions."""
from datetime import date

import click

from seconding import transaction
from seconding.dates import today_in_warsaw
from seconding.notifications.delivery import send_due
from seconding.notifications.events import remind


@click.group()
def notifications() -> None:
    """E-mails about the workflow's events and reminders."""


@notifications.command("remind")
@click.option("--today", "day", default=None, help="YYYY-MM-DD (default: today in Warsaw)")
def remind_command(day: str | None) -> None:
    """Write the reminders due today (new calls, deadlines, tours ending, NIP actions), then send what is due."""
    try:
        today = date.fromisoformat(day) if day else today_in_warsaw()
    except ValueError as exc:
        raise click.BadParameter("give the day as YYYY-MM-DD", param_hint="--today") from exc
    written = remind(today)
    transaction.commit()  # sends the new rows due at once
    click.echo(f"Reminders for {today.isoformat()}: {written} written.")


@notifications.command("send")
def send_command() -> None:
    """Send the notifications not sent yet: at once, retries after a failure, and the daily summaries due."""
    report = send_due()
    for line in report.failed:
        click.echo(f"failed  {line}", err=True)
    click.echo(f"Notifications: {len(report.sent)} e-mails sent, {len(report.failed)} failed.")
    if report.failed:
        raise SystemExit(1)


commands = [notifications]
