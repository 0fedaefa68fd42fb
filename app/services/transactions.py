"""How a use case talks to the database: short write transactions, clear conflicts.

SQLite allows one writer at a time. A read transaction begins plainly (deferred) and never
takes the write lock, so reads never queue behind bookings; a writing use case begins
IMMEDIATE (it takes the write lock up front, so it waits its turn instead of failing with
"database is locked" half-way), and only after the work that needs no lock — parsing,
validation, hashing, reading the office's rules — is done. Writers queue first on a lock in
Python (threads of one process) and on a lock file beside the database (processes), so they
never poll SQLite's busy handler against each other.

PostgreSQL needs none of this: rows are locked by the UPDATEs themselves, so the write
simply continues the transaction the reads began, and nothing slow runs between the first
UPDATE and the COMMIT.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, has_app_context
from sqlalchemy import Connection, Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from app.extensions import db

#: Connection execution option read by the SQLite "begin" listener (app/__init__.py).
READ_ONLY = "khiw_read_only"

_sqlite_writers = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}  # (process id, database file) → an open lock file


@contextmanager
def _machine_wide_turn(database: str | None) -> Iterator[None]:
    """Writers of every process on this machine take turns on a lock file beside the database.

    SQLite's own busy handler makes a blocked writer sleep in growing steps (up to 100 ms)
    and try again, so under a rush a writer from another worker could wait far longer than
    the lock was held. A kernel lock (flock) wakes the next writer as soon as it is free.
    """
    if not database or database == ":memory:":
        yield
        return
    key = (os.getpid(), database)  # a lock file opened before a fork must not be shared
    fd = _lock_files.get(key)
    if fd is None:
        fd = _lock_files[key] = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def reading() -> Connection:
    """The session's connection, its transaction begun as a read (on SQLite: no write lock)
    unless one is open. Hot paths execute Core statements on it directly, skipping the ORM."""
    if _replica_wanted():
        return _replica_connection()
    if not db.session().in_transaction():
        return db.session.connection(execution_options={READ_ONLY: True})
    return db.session.connection()


def _in_read_transaction() -> bool:
    if not db.session().in_transaction():
        return False
    return bool(db.session.connection().get_execution_options().get(READ_ONLY))


@contextmanager
def writing() -> Iterator[Connection]:
    """One short write transaction, committed at the end, rolled back on any error.

    A use case called inside another's write joins it (the outer one commits)."""
    session = db.session()
    if session.info.get(_WRITING):
        yield db.session.connection()
        return
    session.info[_WRITING] = True
    try:
        with _write_transaction() as connection:
            yield connection
    finally:
        session.info.pop(_WRITING, None)


_WRITING = "khiw_writing"


@contextmanager
def _write_transaction() -> Iterator[Connection]:
    if not is_sqlite():
        try:
            yield db.session.connection()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return
    if _in_read_transaction():
        db.session.commit()  # end the read snapshot; expire_on_commit is off, objects stay
    elif db.session().in_transaction():
        # The session began a transaction outside ``reading()``: that BEGIN was IMMEDIATE, so
        # it already holds SQLite's write lock. Write on in it. Queueing for the writers' turn
        # now would hold SQLite's lock while waiting for a writer that holds the turn and waits
        # for SQLite's lock: both would stand still until the busy timeout ("database is
        # locked" after 30 s).
        try:
            yield db.session.connection()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return
    with _sqlite_writers, _machine_wide_turn(db.session.get_bind().engine.url.database):
        connection = db.session.connection()  # BEGIN IMMEDIATE (the session starts without READ_ONLY)
        try:
            yield connection
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the unique constraint or index a refused write broke, or None.

    PostgreSQL names it. SQLite names only the table's columns, so the name is looked up
    among the unique constraints and indexes the models declare on those columns.
    """
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    match = _SQLITE_UNIQUE.search(str(error.orig))
    if not match:
        return None
    qualified = [c.strip() for c in match.group(1).split(",")]
    table_name = qualified[0].split(".")[0]
    columns = tuple(c.split(".", 1)[1] for c in qualified)
    table = db.metadata.tables.get(table_name)
    if table is None:
        return None
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and tuple(constraint.columns.keys()) == columns:
            return constraint.name
    for index in table.indexes:
        if isinstance(index, Index) and index.unique and tuple(c.name for c in index.columns) == columns:
            return index.name
    return None


# --------------------------------------------------------------------------
# Reports and exports on a read replica (DATABASE_REPLICA_URL, docs/scaling.md)
# --------------------------------------------------------------------------

#: The Flask-SQLAlchemy bind of DATABASE_REPLICA_URL (config.py).
REPLICA_BIND = "replica"


def use_replica() -> None:
    """This request's reads (``reading()``) go to the read replica, when one is configured:
    called by report and export views only. A write transaction still reads the primary."""
    g.khiw_replica = True


def _replica_wanted() -> bool:
    return (
        has_app_context()
        and bool(g.get("khiw_replica"))
        and REPLICA_BIND in current_app.config.get("SQLALCHEMY_BINDS", {})
        and not db.session().info.get(_WRITING)
    )


def _replica_connection() -> Connection:
    connection = g.get("khiw_replica_connection")
    if connection is None:
        connection = g.khiw_replica_connection = db.engines[REPLICA_BIND].connect()
    return connection


def close_replica(_error: BaseException | None = None) -> None:
    """The end of a request (or app context): give the replica connection back."""
    connection = g.pop("khiw_replica_connection", None)
    if connection is not None:
        connection.close()
