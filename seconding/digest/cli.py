"""`flask digest send`: a thin shell over send_digests (the scheduler's function); a progress bar on stderr when
it is a terminal, none in cron."""
import click

from seconding.digest.sending import send_digests
from seconding.errors import Refusal
from seconding.progress import terminal_bar


@click.group()
def digest() -> None:
    """The monthly compliance digest."""


@digest.command("send")
@click.option("--period", default=None, help="YYYY-MM (default: the current month, Warsaw time)")
@click.option("--dry-run", is_flag=True, help="Print what would be sent to whom; send nothing")
@click.option("--to", "to", default=None, help="Only this recipient's digest (an active user's e-mail)")
def send_command(period: str | None, dry_run: bool, to: str | None) -> None:
    """Send the digests of a period that are not sent yet (each recipient gets one, ever)."""
    try:
        with terminal_bar() as progress:
            report = send_digests(period, only_email=to, dry_run=dry_run, progress=progress)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from exc
    if dry_run:
        for email, status, subject in report.planned:
            click.echo(f"{status:<12} {email:<40} {subject}")
        click.echo(f"Dry run for {report.period}: {sum(1 for p in report.planned if p[1] == 'would send')} would "
                   f"be sent; nothing was sent.")
        return
    for email, error in report.failed:
        click.echo(f"failed       {email}: {error}", err=True)
    click.echo(f"Digest {report.period}: {len(report.sent)} sent, {len(report.failed)} failed, "
               f"{report.already_sent} already sent before, {report.skipped} skipped.")
    if report.failed:
        raise SystemExit(1)


commands = [digest]
