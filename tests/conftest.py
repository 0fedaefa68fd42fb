"""Test setup: every database test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started by the suite itself (tests/support/postgres.py) in a
temporary directory; if it cannot start, the run fails loudly — it never skips. Each
engine's schema is built once by the Alembic migrations (never by create_all).

Two ways to leave the database empty after a test:

- ordinary tests (the ``app`` fixture) run inside one transaction on one connection that
  is rolled back at the end; every session the app opens, the test's and each request's,
  joins that transaction through a SAVEPOINT, so the app's own commit() and rollback()
  behave as usual but nothing reaches the database for good;
- tests that need real commits — other threads or processes, other connections (the
  ``live_server`` fixture, migrations, reading the SQLite file) — use ``committed_app``
  (or are marked ``committed``), and every table is emptied after them.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import gc
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db, limiter
from tests.support.postgres import ThrowawayPostgres

ROOT = Path(__file__).resolve().parent.parent

# Tests never read the developer's own settings, and never write instance/secrets.json.
_OWN_SETTINGS = ("DATABASE_URL", "PUBLIC_BASE_URL", "GEOFENCE_MAX_ACCURACY_M")
_OWN_SETTINGS += ("RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")
for _name in _OWN_SETTINGS:
    os.environ.pop(_name, None)
os.environ.update({"KHIW_ENV": "testing", "SECRET_KEY": "test-secret", "ID_HMAC_KEY": "test-hmac-key-from-env"})
ENGINES = ["sqlite", "postgresql"]
TEST_HMAC_KEY = b"test-hmac-key-not-for-production"


# --- the garbage collector: fewer, larger collections ----------------------------------------
#
# A test's objects (its app when it has its own, its requests, its rows) live for the whole
# test, so they outlive the young generations, and with Python's default thresholds the
# collector kept running full collections over a heap of about a million objects: a quarter
# of the suite's time, in pauses of over a second. What every test shares (modules, models, the
# document) is frozen once collected, and the young generations are collected less often.


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Thai messages come from the compiled catalogue; build it as the install script does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "app/translations").glob("*/LC_MESSAGES/messages.po"):
        # Written beside and renamed: parallel workers (pytest-xdist) never read a half-written file.
        partial = po_path.with_suffix(f".mo.{os.getpid()}")
        with po_path.open("rb") as po, partial.open("wb") as mo:
            write_mo(mo, read_po(po))
        os.replace(partial, po_path.with_suffix(".mo"))


@pytest.fixture(scope="session")
def postgres_server():
    server = ThrowawayPostgres().start()  # raises PostgresUnavailable with the reason
    yield server
    server.stop()


class FakeClock:
    """The app's clock, set by each test: ``clock.set(bangkok(2026, 11, 23, 10))``."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._lock = threading.Lock()

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("use an aware datetime")
        with self._lock:
            self.now = now

    def __call__(self) -> datetime:
        with self._lock:
            return self.now


@pytest.fixture(scope="session", params=ENGINES)
def database_url(request, tmp_path_factory):
    """A migrated, empty database per engine, shared by the session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'khiw.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database("khiw_test")
    app = create_app(_settings(url, FakeClock(datetime.now(UTC))))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _settings(url: str, clock: FakeClock) -> dict:
    return {
        "KHIW_ENV": "testing",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "ID_HMAC_KEY": TEST_HMAC_KEY,
        "PUBLIC_BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,
        # Each test app counts in its own memory (a test turning limits on starts from zero);
        # the shared stores have their own tests (tests/integration/test_rate_limits.py).
        "RATELIMIT_STORAGE_URI": "memory://",
        "CLOCK": clock,
    }


@pytest.fixture
def clock():
    from tests.factories import bangkok

    return FakeClock(bangkok(2026, 11, 23, 10, 0))  # a Monday, 10:00 in Bangkok


def _test_app(database_url: str, clock: FakeClock):
    app = create_app(_settings(database_url, clock))
    app.test_client_class = ContractCheckingClient
    return app


#: One app per database, shared by the tests that roll back (``app``): building an app (URL
#: rules, templates compiled on first use) cost more than most tests themselves. Each test gets
#: its own clock, and its changes to the settings are undone after it. A test that changes
#: the app itself (``limiter.init_app``, a route of its own) is marked ``own_app``, or uses
#: ``limits_on``, and gets a new app as before; so do ``committed_app`` tests.
_shared_apps: dict[str, Flask] = {}


def _shared_app(database_url: str) -> Flask:
    app = _shared_apps.get(database_url)
    if app is None:
        app = _shared_apps[database_url] = _test_app(database_url, FakeClock(datetime.now(UTC)))
    return app


@pytest.fixture
def app(request, database_url, clock):
    """The app on one engine, inside an app context; whatever the test wrote is rolled back.

    A test that uses ``committed_app`` (``live_server`` does) or is marked ``committed``
    gets that app instead: real commits, tables emptied afterwards.
    """
    if "committed_app" in request.fixturenames or request.node.get_closest_marker("committed"):
        yield request.getfixturevalue("committed_app")
        return
    if "limits_on" in request.fixturenames or request.node.get_closest_marker("own_app"):
        app, config_before = _test_app(database_url, clock), None
    else:
        app = _shared_app(database_url)
        config_before = dict(app.config)
        app.config["CLOCK"] = clock
        limiter.enabled = app.config["RATELIMIT_ENABLED"]  # as create_app's init_app would set it
    ctx = app.app_context()
    ctx.push()
    connection = db.engine.connect()
    outer = connection.begin()  # whichever BEGIN the engine emits; SAVEPOINTs work under both
    try:
        with _sessions_joined_to(connection):
            yield app
            db.session.remove()  # the test's own session (each request's went with its context)
    finally:
        if outer.is_active:
            outer.rollback()
        connection.close()
        db.engine.dispose()
        ctx.pop()
        if config_before is not None:  # the next test gets the settings this one started with
            app.config.clear()
            app.config.update(config_before)


@contextlib.contextmanager
def _sessions_joined_to(connection):
    """Every new ``db.session`` (any app context) runs in a SAVEPOINT on *connection*.

    SQLAlchemy's ``join_transaction_mode="create_savepoint"`` turns a session's commit and
    rollback into RELEASE and ROLLBACK TO SAVEPOINT. Flask-SQLAlchemy's Session.get_bind
    always answers with the app's engine, so the sessions made meanwhile use SQLAlchemy's
    own rule instead: the connection they were given.
    """
    factory = db.session.session_factory
    flask_session_class, flask_options = factory.class_, dict(factory.kw)

    class SessionOnTheTestConnection(flask_session_class):
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            return Session.get_bind(self, mapper, clause=clause, bind=bind, **kwargs)

    db.session.remove()
    factory.class_ = SessionOnTheTestConnection
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        factory.class_ = flask_session_class
        factory.kw.clear()
        factory.kw.update(flask_options)


@pytest.fixture
def committed_app(database_url, clock):
    """The app on one engine, committing for real (threads, processes); tables emptied afterwards."""
    app = _test_app(database_url, clock)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def engine_name(app) -> str:
    return db.engine.dialect.name


# --- every API response is checked against the published OpenAPI document ------------

_spec_cache: dict = {}


def openapi() -> OpenAPI:
    if "spec" not in _spec_cache:
        from app.web.api.spec import load_spec

        spec = copy.deepcopy(load_spec())
        spec["servers"] = [{"url": "http://localhost/api/v1"}]
        _spec_cache["spec"] = OpenAPI.from_dict(spec)
    return _spec_cache["spec"]


class _BodylessRequest(WerkzeugOpenAPIRequest):
    """Only the response is checked here; the request body was already consumed."""

    @property
    def body(self) -> bytes | None:
        return None


class ContractCheckingClient(FlaskClient):
    """A test client that behaves like a real server, and checks the contract.

    Each request runs in a fresh context, so it gets its own app context, database
    session and locale, as in production (not the test's). The test's own transaction is
    ended first, as it would be between two real requests (SQLite locks otherwise).
    An /api/v1 response that breaks the OpenAPI document fails the test.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test sees what the request wrote
        request = response.request
        if request.path.startswith("/api/v1/") and not request.path.endswith("/openapi.json"):
            try:
                openapi().validate_response(_BodylessRequest(request), WerkzeugOpenAPIResponse(response))
            except PathNotFound:
                # Only an unknown address may be missing from the document…
                if response.status_code != 404:
                    raise
            except OperationNotFound:
                # …and only a method the address does not take.
                if response.status_code != 405:
                    raise
        return response


@pytest.fixture
def live_server(committed_app):
    """The app served over real HTTP on 127.0.0.1 by a threaded server (one thread per request).

    Each request gets its own app context, session and database connection, as under
    gunicorn, so concurrency tests exercise the database's guards, not Python's. Those
    commit for real, so the test's ``app`` is ``committed_app``.
    """
    app = committed_app
    from werkzeug.serving import make_server

    db.session.remove()  # the test's own session must not hold a transaction (SQLite locks)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the next poll (0.5 s by default).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


# --- the fuzzer's figures at the end of the run -----------------------------------------------
# Whatever pytest's capture, and from whichever process ran the fuzzer: with pytest-xdist the
# reports carry them to the main process (tests/contract/test_schemathesis*.py record them).
_FUZZ_FIGURES: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _FUZZ_FIGURES.extend(value for name, value in report.user_properties if name == "schemathesis")


def pytest_terminal_summary(terminalreporter):
    if _FUZZ_FIGURES:
        terminalreporter.section("schemathesis")
        for line in sorted(_FUZZ_FIGURES):
            terminalreporter.write_line(line)
