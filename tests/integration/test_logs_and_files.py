"""Database errors never write their parameters or a row's values into a log, and the SQLite
file (names, phone numbers, e-mails) is readable by Khiw's user only."""

from __future__ import annotations

import io
import logging
import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db

TOKEN = "Zk3-q_9xY7aBcDeFgHiJkLmNoPqRsTuVwXyZ012345a"
NAME = "สมศรี ล็อกไม่มีชื่อ"
PHONE = "+66812345679"


def test_a_failing_statement_does_not_show_its_parameters(app):
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(
            text("SELECT :token, :name, :phone FROM no_such_table"), {"token": TOKEN, "name": NAME, "phone": PHONE}
        )
    db.session.rollback()
    message = str(failure.value)
    assert "no_such_table" in message and "hidden" in message
    for value in (TOKEN, NAME, PHONE):
        assert value not in message


def test_a_logged_database_error_does_not_show_the_row_it_refused(app, engine_name):
    if engine_name != "postgresql":
        pytest.skip("SQLite's errors name columns, never values")
    # A handler of the logger itself, as a log file would be: whatever another test (or
    # Alembic's fileConfig) did to the root logger's handlers, this one sees the line.
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("app.web.errors")
    logger.addHandler(handler)
    db.session.execute(text("CREATE TEMP TABLE people (phone text, name text CHECK (length(name) < 3))"))
    try:
        db.session.execute(text("INSERT INTO people VALUES (:phone, :name)"), {"phone": PHONE, "name": NAME})
    except DBAPIError as error:
        assert NAME in str(error.orig)  # PostgreSQL echoes the row in its DETAIL …
        logger.exception("unhandled error on POST /api/v1/bookings")
    finally:
        logger.removeHandler(handler)
    db.session.rollback()
    assert "violates check constraint" in written.getvalue()  # … the log keeps the error, not the row
    assert NAME not in written.getvalue() and PHONE not in written.getvalue()


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'khiw.db'}"})
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (x)"))
                connection.execute(text("INSERT INTO t VALUES (1)"))
            files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert files["khiw.db"] == 0o600 and files["khiw.db-wal"] == 0o600 and files["khiw.db-shm"] == 0o600


def test_an_older_sqlite_file_readable_by_others_is_made_private(tmp_path):
    path = tmp_path / "khiw.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
