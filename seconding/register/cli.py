"""`flask register import FILE [--institution CODE] [--dry-run]` and `flask register export FILE`.

Thin shells over the same functions as the pages (importer.check_file / run_import, export.export_register);
they act for the server's operator, with full scope, and messages are in English. On a terminal they show a
progress bar on stderr (seconding.progress.terminal_bar); elsewhere (a pipe, a file, cron) they print only their
result.
"""
import os

import click
from flask import current_app
from flask_babel import force_locale

from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.progress import terminal_bar
from seconding.register.apply import ImportConflict
from seconding.register.export import FORMATS, export_register, filters_from_args
from seconding.register.importer import check_file, run_import
from seconding.register.tables import file_kind


@click.group("register")
def register() -> None:
    """Import and export the pool as a register (CSV or XLSX)."""


def counts_line(counts, *, dry_run: bool) -> str:
    """The counts as one sentence, the same words as the page."""
    verb = "would be" if dry_run else "were"
    return (f"{counts.rows} rows: {counts.created} experts {verb} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged; {counts.trainings} training records {verb} added.")


@register.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--institution", "institution", default=None, metavar="CODE",
              help="Rows with an empty institution take this one; rows naming another institution are errors.")
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; change nothing.")
def import_command(path: str, institution: str | None, dry_run: bool) -> None:
    """Import a register file: all rows or none."""
    if file_kind(path) is None:
        raise click.ClickException("The file must end in .csv or .xlsx.")
    with force_locale("en"):
        with terminal_bar() as progress:
            outcome = check_file(path, scope=None, default_institution=institution, progress=progress)
        if not outcome.ok:
            db.session.rollback()
            for line in outcome.error_lines():
                click.echo(line, err=True)
            problems = 1 if outcome.file_error is not None else len(outcome.errors)
            raise click.ClickException(f"{problems} problem(s) found in {os.path.basename(path)}; nothing was "
                                       "changed.")
        if dry_run:
            db.session.rollback()
            click.echo(counts_line(outcome.counts, dry_run=True))
            click.echo("Dry run: nothing was changed.")
            return
        try:
            with terminal_bar() as progress:
                counts = run_import(outcome, actor=None, source=os.path.basename(path), progress=progress)
        except ImportConflict as exc:
            db.session.rollback()
            raise click.ClickException(f"Nothing was imported: {exc}") from exc
        db.session.commit()
        click.echo(counts_line(counts, dry_run=False))


@register.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path: str) -> None:
    """Export the whole pool to FILE (.csv or .xlsx, by its extension)."""
    fmt = file_kind(path)
    if fmt not in FORMATS:
        raise click.ClickException("The file must end in .csv or .xlsx.")
    with terminal_bar() as progress:
        content, count = export_register(None, filters_from_args({}), fmt, today=today_in_warsaw(),
                                         horizon_days=current_app.config["TRAINING_EXPIRING_DAYS"], progress=progress)
    with open(path, "wb") as stream:
        stream.write(content)
    db.session.commit()  # the audit event of the export
    click.echo(f"Exported {count} experts to {path}.")


commands: list = [register]
