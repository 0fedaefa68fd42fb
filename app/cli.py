"""Command-line tasks: ``flask --app app seed-demo``, ``create-staff``, ``scheduler``, ``dispatcher``
(and Flask-Migrate's ``db``)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading

import click
from flask import Flask, current_app

from app.domain.errors import KhiwError
from app.domain.roles import Role


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_staff_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(dispatcher_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _derived_secret(purpose: str, length: int = 16) -> str:
    """A demo credential derived from SECRET_KEY: the same on every run of seed-demo for
    this installation (so it stays idempotent), different on every installation."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), purpose.encode(), hashlib.sha256)
    return digest.hexdigest()[:length]


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add the demo offices (real district offices), a demo admin login, Pa Sang's office head
    login (``head-pa-sang``, for /admin/), kiosk keys and a few past days of served tickets and
    survey answers (so the reports have figures).

    Safe to run again: what exists is kept, and the same logins are printed. In production
    (KHIW_ENV=production) there is no demo login: create staff with create-staff.
    """
    from app.domain.calendar import local_now
    from app.services.demo import seed_demo
    from app.settings import Settings

    now = Settings.from_config(current_app.config).now()
    production = current_app.config["KHIW_ENV"] == "production"
    report = seed_demo(
        staff_password=None if production else _derived_secret("demo-staff-password"),
        kiosk_key=lambda code: _derived_secret(f"demo-kiosk:{code}", 32),
        head_password=None if production else _derived_secret("demo-head-password"),
        now=now,
        today=None if production else local_now(now).date(),  # no made-up history in production
    )
    for line in report.notes:
        click.echo(line, err=True)
    if production:
        click.echo("no demo staff login in production: add staff with create-staff", err=True)
    else:
        click.echo(f"staff: {report.staff_username} {report.staff_password}")
        for username, password in report.more_staff:
            click.echo(f"staff: {username} {password}")
    for code, key in report.kiosk_keys:
        click.echo(f"kiosk: {code} {key}")


@click.command("create-staff")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Name shown on screens (default: the username).")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.CLERK.value,
    show_default=True,
    help="clerk: calls tickets; head: reads reports; admin: all offices.",
)
@click.option("--office", "office_code", default=None, help="Office code (required unless --role admin).")
@click.password_option(help="At least 12 characters, not a common password; asked for twice if not given.")
def create_staff_command(username: str, display_name: str, role: str, office_code: str | None, password: str) -> None:
    """Add a staff account."""
    from app.services import auth
    from app.services.office_rules import office_rules

    try:
        office = office_rules(office_code, field="office") if office_code else None
        staff = auth.create_staff(username, password, display_name=display_name, role=role, office=office)
    except KhiwError as error:
        raise click.ClickException(f"{error.field or 'error'}: {error}") from None
    where = f" at {office.code}" if office else ""
    click.echo(f"created {staff.role} {staff.username}{where}")


def _log_to_stderr() -> None:
    # force: python-escpos calls logging.basicConfig() when it is imported (kiosk tickets),
    # which would otherwise leave this process's own log lines unprinted.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    from app.logs import apply_log_format

    apply_log_format(current_app.config.get("LOG_FORMAT"))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the one scheduler process: reminders, turn alerts, end of day, the PDPA purge, and
    (unless SCHEDULER_DISPATCHES=false) delivering notifications. A second one waits."""
    from app.jobs.schedule import run_scheduler

    _log_to_stderr()
    run_scheduler(current_app._get_current_object())


@click.command("dispatcher")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def dispatcher_command(once: bool) -> None:
    """Deliver the outbox's SMS and e-mail (run as many as you like, on any machines)."""
    import signal

    from app.jobs.dispatch import Dispatcher

    _log_to_stderr()
    dispatcher = Dispatcher(current_app._get_current_object())
    if once:
        click.echo(dispatcher.run_once())
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    dispatcher.run(stop)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Write a consistent backup of the whole database to PATH while Khiw runs (PostgreSQL:
    pg_dump custom format; SQLite: the online backup API). The file is readable by this user only."""
    from app.services.backup import BackupError, backup

    try:
        outcome = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written: {outcome.path} ({outcome.engine}, {outcome.size} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds offices.")
def restore_command(path: str, force: bool) -> None:
    """Load the backup at PATH into the (empty) database DATABASE_URL names, of the same engine.
    Stop the web servers, dispatchers and the scheduler first."""
    from app.extensions import db
    from app.services.backup import BackupError, restore

    db.engine.dispose()  # this process's own connections: none may hold the database meanwhile
    try:
        outcome = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {outcome.path} into the {outcome.engine} database")
