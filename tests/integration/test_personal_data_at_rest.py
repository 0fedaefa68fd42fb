"""A national ID is never stored in plain text: the database file is searched for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Booking
from tests.factories import make_office, web_booking

NATIONAL_ID = "3100600445562"


def _forms(digits: str) -> list[bytes]:
    dashed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    return [digits.encode(), dashed.encode(), digits[:9].encode()]


@pytest.mark.committed  # SQLite: the bytes must be in the file, so they are committed for real
def test_the_database_holds_a_keyed_hash_and_a_mask_not_the_national_id(client, engine_name):
    office = make_office()
    response = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", national_id="3-1006-00445-56-2")
    )
    assert response.status_code == 201
    client.delete(f"/api/v1/bookings/{response.json['token']}")  # history rows too

    booking = db.session.query(Booking).one()
    assert booking.nid_masked == "3-1006-xxxxx-xx-2"
    assert len(booking.nid_bidx) == 64 and NATIONAL_ID not in booking.nid_bidx

    if engine_name == "sqlite":
        db.session.remove()
        # The database file and its write-ahead log: together, everything SQLite wrote.
        path = Path(db.engine.url.database)
        stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    else:
        # Every value of every table, as text.
        tables = [t.name for t in db.metadata.sorted_tables]
        stored = "".join(str(row) for t in tables for row in db.session.execute(text(f'SELECT * FROM "{t}"'))).encode()
    assert len(stored) > 1000
    for form in _forms(NATIONAL_ID):
        assert form not in stored


def test_the_same_id_is_still_recognised_for_one_booking_a_day(client):
    office = make_office()
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", national_id=NATIONAL_ID))
    again = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", slot="11:00", national_id=NATIONAL_ID)
    )
    assert again.json["error"]["code"] == "already_booked"
