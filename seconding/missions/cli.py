"""`flask positions import FILE [--dry-run]`: a thin shell over the annex import (full scope); a progress bar on
stderr when it is a terminal, nothing more elsewhere."""
import os

import click

from seconding.extensions import db
from seconding.missions.services import english_outside_requests
from seconding.progress import terminal_bar
from seconding.register.annex import import_annex


@click.group("positions")
def positions() -> None:
    """Positions of calls for contributions."""


@positions.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="check the file and report what would change; change nothing")
def import_command(file: str, dry_run: bool) -> None:
    """Import a CfC annex (CSV or XLSX, one row per position); all or nothing."""
    with english_outside_requests():
        _import(file, dry_run)


def _import(file: str, dry_run: bool) -> None:
    if not os.path.isfile(file):
        raise click.ClickException(f"No such file: {file}")
    with terminal_bar() as progress:
        result = import_annex(file, dry_run=dry_run, progress=progress)
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(result.errors)} error(s); nothing was imported.")
    counts = result.counts()
    summary = (f"{counts['cfcs_created']} CfC(s) created, {counts['cfcs_updated']} updated; "
               f"{counts['positions_created']} position(s) created, {counts['positions_updated']} updated")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed. Would be: {summary}.")
        return
    db.session.commit()
    click.echo(f"Imported: {summary}.")


commands = [positions]
