"""Rate-limit counts every worker process and every app server shares: ``database://``.

Flask-Limiter keeps its counts in a ``limits`` storage named by ``RATELIMIT_STORAGE_URI``.
``memory://`` counts inside each gunicorn worker, so three workers would let three times the
limit through; ``redis://host:6379/0`` (the Flask-Limiter convention) is shared by every
process that can reach Redis. ``database://`` — Khiw's default, registered here — needs
nothing more than what Khiw already has:

- on PostgreSQL, the counts are rows of ``rate_limit_counters`` in Khiw's own database
  (created by the migrations), so every worker on every app server shares them;
- on SQLite (one machine), they live in a small SQLite file beside the database
  (``khiw.db-ratelimits``): every worker on the machine shares it, and counting a status
  page read never waits for a booking's write lock on the main database.

Each hit is one statement, ``INSERT … ON CONFLICT (key) DO UPDATE … RETURNING count``,
atomic on both engines: a fixed window starts at the first hit and its count goes back to
the hit's cost once it has ended. Keys are stored as SHA-256 hashes (a client address, or
the keyed hash of a phone number, ID or token that ``app/web/context.py`` builds), never in
clear. Ended windows are deleted now and then by the processes themselves.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import threading
import time

from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import Engine, case, create_engine, delete, event, func, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from app.models.ratelimit import RateLimitCounter

SCHEME = "database"
#: Where the counts of a SQLite database live: beside it.
SQLITE_SUFFIX = "-ratelimits"
#: Ended windows are deleted on about one hit in this many, per process.
PURGE_EVERY = 500
#: Flask-Limiter reads a limit back right after hitting it, for the X-RateLimit-* and
#: Retry-After headers: within this many seconds, the count the hit returned answers.
RECENT_SECONDS = 1.0

_table = RateLimitCounter.__table__
_engines: dict[tuple[int, str], Engine] = {}
_engines_lock = threading.Lock()


def counters_url(database_url: str) -> str:
    """The database that keeps the counts for Khiw's database at ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return database_url
    if not url.database or url.database == ":memory:":
        return "sqlite://"
    return str(url.set(database=url.database + SQLITE_SUFFIX))


_counters_urls: dict[str, str] = {}


def _counters_url_of(database_url: str) -> str:
    url = _counters_urls.get(database_url)
    if url is None:
        url = _counters_urls[database_url] = counters_url(database_url)
    return url


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # One autocommitted statement per hit: no BEGIN/COMMIT round trips. The parameters
        # (hashed keys) are never written into an error message either.
        return create_engine(
            url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=16, pool_pre_ping=True, hide_parameters=True
        )
    in_memory = not parsed.database
    if in_memory:
        engine = create_engine(url, poolclass=StaticPool, isolation_level="AUTOCOMMIT", hide_parameters=True)
    else:
        engine = create_engine(url, isolation_level="AUTOCOMMIT", hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")  # counts, not records: a power cut may lose a few
        cursor.close()

    if in_memory:
        _create_table(engine)
        return engine
    # gunicorn's workers open the file at the same moment (their first requests). Turning a new
    # file to WAL and creating the table at once, they met "database is locked" or "table
    # already exists", and Flask-Limiter then counted in each worker's memory, not across them.
    # So the file is set up by one process at a time, under a lock on the file itself; SQLite
    # locks with fcntl, independent of flock, and no connection of this engine stays open when
    # the lock's descriptor closes. Readable and writable by Khiw's user only (SQLite gives its
    # -wal and -shm files the same mode).
    descriptor = os.open(parsed.database, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        _create_table(engine)
        engine.dispose()
    finally:
        os.close(descriptor)  # and the flock with it
    return engine


def _create_table(engine: Engine) -> None:
    """The file is a cache of counts, not Khiw's schema: the table is made here when missing."""
    with engine.connect() as connection:
        connection.execute(CreateTable(_table, if_not_exists=True))
        for index in _table.indexes:
            connection.execute(CreateIndex(index, if_not_exists=True))


def engine_for(url: str) -> Engine:
    """One engine per process and database (a forked worker opens its own connections)."""
    key = (os.getpid(), url)
    engine = _engines.get(key)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(key)
            if engine is None:
                engine = _engines[key] = _make_engine(url)
    return engine


class DatabaseStorage(Storage):
    """A ``limits`` storage in a SQL database (PostgreSQL, or SQLite on one machine).

    ``RATELIMIT_STORAGE_URI=database://``: the database of the app serving the request
    (``SQLALCHEMY_DATABASE_URI``), so no password is repeated in another setting; the
    option ``database_url`` names another one. Supports the fixed-window strategy,
    Flask-Limiter's default.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str = f"{SCHEME}://", wrap_exceptions: bool = False, **options) -> None:
        if uri.rstrip("/") != f"{SCHEME}:":
            raise ConfigurationError(f"write {SCHEME}:// alone: the counts go to Khiw's own database")
        database_url = options.pop("database_url", None)
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._url = counters_url(str(database_url)) if database_url else None
        self._hits = itertools.count(1)
        self._recent = threading.local()  # this thread's last hit: (key, count, expires_at, when)

    @property
    def url(self) -> str:
        if self._url:
            return self._url
        from flask import current_app

        return _counters_url_of(current_app.config["SQLALCHEMY_DATABASE_URI"])

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = self.engine
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        ended = _table.c.expires_at <= now
        hashed = _hashed(key)
        values = insert(_table).values(key=hashed, count=amount, expires_at=now + expiry)
        if engine.dialect.name == "postgresql":
            # Counts, not records (as synchronous=OFF on SQLite): this hit's commit does not
            # wait for the WAL to reach the disk. set_config(..., true) lasts for this one
            # statement's transaction only, so nothing leaks to a pooled server connection
            # (PgBouncer); bookings keep full durability. A crash may forget the last few hits.
            no_flush_wait = select(func.set_config("synchronous_commit", "off", True).label("c")).cte("no_flush_wait")
            values = insert(_table).from_select(
                ["key", "count", "expires_at"],
                select(literal(hashed), literal(amount), literal(now + expiry)).select_from(no_flush_wait),
            )
        statement = values.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((ended, amount), else_=_table.c.count + amount),
                "expires_at": case((ended, now + expiry), else_=_table.c.expires_at),
            },
        ).returning(_table.c.count, _table.c.expires_at)
        with engine.connect() as connection:
            count, expires_at = connection.execute(statement).one()
            if next(self._hits) % PURGE_EVERY == 0:
                connection.execute(delete(_table).where(_table.c.expires_at < now))
        self._recent.hit = (hashed, count, expires_at, now)
        return count

    def _current(self, key: str) -> tuple[int, float] | None:
        now = time.time()
        hashed = _hashed(key)
        recent = getattr(self._recent, "hit", None)
        if recent and recent[0] == hashed and now - recent[3] < RECENT_SECONDS and recent[2] > now:
            return recent[1], recent[2]
        with self.engine.connect() as connection:
            row = connection.execute(
                select(_table.c.count, _table.c.expires_at).where(_table.c.key == hashed, _table.c.expires_at > now)
            ).first()
        return (row.count, row.expires_at) if row else None

    def get(self, key: str) -> int:
        current = self._current(key)
        return current[0] if current else 0

    def get_expiry(self, key: str) -> float:
        current = self._current(key)
        return current[1] if current else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        self._recent.hit = None
        with self.engine.connect() as connection:
            return connection.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        self._recent.hit = None
        with self.engine.connect() as connection:
            connection.execute(delete(_table).where(_table.c.key == _hashed(key)))
