"""On SQLite, reading never takes the write lock: citizens can look while bookings are written."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from app.extensions import db
from tests.factories import make_office, web_booking


@pytest.mark.committed  # another connection must be able to take the lock: no outer test transaction
def test_reads_answer_while_another_process_holds_the_write_lock(app, client, engine_name):
    if engine_name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    code = make_office().code
    token = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-24")).json["token"]
    db.session.remove()

    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a booking in another worker would
    answers = {}

    def read_everything():
        with app.app_context():
            read_all()

    def read_all():
        answers["offices"] = client.get("/api/v1/offices").status_code
        answers["availability"] = client.get(f"/api/v1/offices/{code}/availability?date=2026-11-24").status_code
        answers["booking"] = client.get(f"/api/v1/bookings/{token}").status_code
        answers["page"] = client.get(f"/b/{token}").status_code

    reader = threading.Thread(target=read_everything, daemon=True)
    try:
        reader.start()
        reader.join(timeout=10)  # a read that waited for the lock would wait 30 s
        assert not reader.is_alive(), "a read waited for the write lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.join(timeout=35)

    assert answers == {"offices": 200, "availability": 200, "booking": 200, "page": 200}


@pytest.mark.committed
def test_a_clerk_s_reads_answer_while_another_process_holds_the_write_lock(app, client, engine_name):
    from tests.factories import add_clerk

    if engine_name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    office = make_office()
    clerk = add_clerk("somsri", office.id)
    db.session.remove()

    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    answers = {}

    def read_as_staff():  # checking the bearer token is a read too: it must not wait for the lock
        with app.app_context():
            answers["queue"] = client.get(f"/api/v1/offices/{office.code}/queue", headers=clerk).status_code
            answers["counters"] = client.get(f"/api/v1/offices/{office.code}/counters", headers=clerk).status_code

    reader = threading.Thread(target=read_as_staff, daemon=True)
    try:
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "a staff read waited for the write lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.join(timeout=35)

    assert answers == {"queue": 200, "counters": 200}
