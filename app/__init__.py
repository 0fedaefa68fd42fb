"""Khiw: online queue booking for Thai government service offices.

``create_app`` builds the web application; ``flask --app app …`` finds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from config import settings_from_env

from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .logs import install_redaction


def create_app(overrides: Mapping | None = None) -> Flask:
    install_redaction()  # no token or personal data in any log line of this process
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings_from_env(os.environ, app.instance_path))
    if overrides:
        app.config.update(overrides)
    app.json.sort_keys = False  # keep the contract's field order
    app.json.ensure_ascii = False  # Thai text as-is, as the contract says (and a third the bytes)

    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx or a load balancer: take the citizen's address (rate limits) and
        # https (links, QR codes) from the X-Forwarded-* headers the proxies set.
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    from .web.context import select_locale

    babel.init_app(app, locale_selector=select_locale)
    from . import ratelimit_storage  # noqa: F401 - registers database:// with Flask-Limiter

    limiter.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        _tune_engine(db.engine)

    from . import models  # noqa: F401 - register the tables with the metadata
    from .cli import register_cli
    from .web.admin import admin
    from .web.api import api
    from .web.citizen import citizen
    from .web.complaints import complaints
    from .web.counter import counter
    from .web.display import display
    from .web.errors import register_error_handlers
    from .web.kiosk import kiosk
    from .web.ops import ops
    from .web.rate import rate
    from .web.reports import reports
    from .web.requests import requests_pages
    from .web.security import register_security
    from .web.signin import signin
    from .web.webhooks import webhooks

    app.register_blueprint(api)
    app.register_blueprint(citizen)
    app.register_blueprint(webhooks)
    app.register_blueprint(kiosk)
    app.register_blueprint(rate)
    app.register_blueprint(signin)
    app.register_blueprint(counter)
    app.register_blueprint(display)
    app.register_blueprint(requests_pages)
    app.register_blueprint(complaints)
    app.register_blueprint(admin)
    app.register_blueprint(reports)
    app.register_blueprint(ops)
    from .metrics import register_request_metrics

    register_request_metrics(app)
    from .services.transactions import close_replica

    app.teardown_appcontext(close_replica)
    register_error_handlers(app)
    register_security(app)
    register_cli(app)
    return app


def _private_database_files(database: str | None) -> None:
    """The SQLite file holds names, phone numbers and e-mails: readable and writable by
    Khiw's user only, created so (SQLite gives its -wal and -shm files the same mode), and
    made so if an older installation left it readable by others."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    os.close(os.open(database, os.O_RDWR | os.O_CREAT, 0o600))
    for path in (database, f"{database}-wal", f"{database}-shm"):
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            pass


def _tune_engine(engine) -> None:
    """SQLite: WAL with synchronous=NORMAL, a generous busy timeout, foreign keys, and a BEGIN
    that says whether the transaction will write.

    A read transaction begins plainly (deferred): it takes no write lock, so reads never
    queue behind bookings. Every other transaction begins IMMEDIATE: it takes the write lock
    up front, because a deferred transaction that reads and then writes fails at once with
    "database is locked" when another writer got in between. Read use cases mark their
    connection (``app.services.transactions.reading``). In WAL mode, synchronous=NORMAL
    loses no committed transaction on a crash of Khiw, only possibly the last ones on a
    power cut of the machine; see docs/performance.md.
    """
    if engine.dialect.name != "sqlite":
        return
    from .services.transactions import READ_ONLY

    _private_database_files(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
