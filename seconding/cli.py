"""Flask commands: thin shells over service functions."""
import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy import select

from seconding.errors import Refusal
from seconding.extensions import db
from seconding.models import Institution, Role

# Command groups of the areas, each in `<module>.commands` (a list of click commands or groups).
AREA_COMMANDS = (
    "seconding.register.cli",
    "seconding.missions.cli",
    "seconding.matches.cli",
    "seconding.digest.cli",
    "seconding.notifications.cli",
    "seconding.jobs.cli",
)


def register_cli(app: Flask) -> None:
    from importlib import import_module

    app.cli.add_command(seed_reference_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users)
    app.cli.add_command(backup_command)
    for name in AREA_COMMANDS:
        for command in import_module(name).commands:
            app.cli.add_command(command)


@click.command("seed-reference")
def seed_reference_command() -> None:
    """Load the reference data (institutions, ...) into the database; safe to run again."""
    from seconding.reference import seed_reference

    counts = seed_reference()
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{n} {kind} created" for kind, n in counts.items()))


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load reference data and a fictional demo set; prints the demo users' passwords."""
    from seconding.demo import seed_demo

    report = seed_demo()
    db.session.commit()
    for line in report.lines:
        click.echo(line)
    click.echo("Demo users (passwords are new on every run):")
    for email, role, institution, password in report.users:
        click.echo(f"  {role:<12} {email:<34} {institution:<13} password: {password}")


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder for the copy (default: backups/ in the instance folder)")
def backup_command(folder: str | None) -> None:
    """Copy the SQLite database to a timestamped file, safely while the app runs."""
    from pathlib import Path

    from seconding.backup import BackupError, backup_sqlite

    try:
        target = backup_sqlite(db.engine, Path(folder) if folder else Path(current_app.instance_path) / "backups")
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {target} ({target.stat().st_size // 1024} KB).")


@click.group()
def users() -> None:
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(Role.values()))
@click.option("--institution", "institution_code", required=True, help="Institution code, e.g. POLICE")
@click.option("--password", default=None,
              help="At least PASSWORD_MIN_LENGTH characters (12 by default); generated and printed when left out")
def create_user_command(email: str, name: str, role: str, institution_code: str, password: str | None) -> None:
    """Create a user."""
    from seconding.admin.services import create_user

    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.ClickException(f"The e-mail address is not valid: {exc}") from exc
    if not name.strip():
        raise click.ClickException("The name must not be empty.")
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if password is not None and len(password) < minimum:
        raise click.ClickException(f"The password must have at least {minimum} characters.")
    code = institution_code.strip().upper()
    institution = db.session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        known = ", ".join(db.session.scalars(select(Institution.code).order_by(Institution.code)))
        known = known or "none (run seed-reference)"
        raise click.ClickException(f"Unknown institution {institution_code!r}. Known: {known}.")
    try:
        user, generated = create_user(email=email, name=name, role=role, institution=institution, password=password)
    except Refusal as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({role}, {institution.code}).")
    if password is None:
        click.echo(f"Password: {generated}")
