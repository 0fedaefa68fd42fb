"""The web edge: errors reach each audience in its own form, the office list is cached
and still current, and a page never offers a window that booking refuses."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Booking, CacheVersion, Office
from app.services.transactions import violated_constraint
from tests.factories import bangkok, make_office, web_booking

TUESDAY = "2026-11-24"


def test_an_unknown_booking_page_is_an_html_page_in_the_persons_language(client):
    response = client.get("/b/not-a-token?lang=en")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "No booking has this code" in response.get_data(as_text=True)
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_an_unknown_booking_in_the_api_is_json(client):
    response = client.get("/api/v1/bookings/not-a-token")

    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.json["error"]["code"] == "not_found"


def test_an_unknown_address_answers_in_the_form_of_its_audience(client):
    page = client.get("/no-such-page")
    api = client.get("/api/v1/no-such-thing")

    assert (page.status_code, page.mimetype) == (404, "text/html")
    assert (api.status_code, api.mimetype) == (404, "application/json")
    assert api.json["error"]["code"] == "not_found"


def test_a_wrong_method_says_which_methods_are_allowed(client):
    response = client.put("/api/v1/bookings")

    assert (response.status_code, response.mimetype) == (405, "application/json")
    assert "POST" in response.headers["Allow"]


def test_the_office_list_is_built_once_per_change_and_answers_304_to_a_client_that_has_it(client):
    office = make_office()
    first = client.get("/api/v1/offices")
    again = client.get("/api/v1/offices", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200 and again.status_code == 304
    assert client.get("/api/v1/offices?lang=en").headers["ETag"] != first.headers["ETag"]

    stored = db.session.get(Office, office.id)
    stored.name_th = "ที่ว่าการอำเภอใหม่"
    db.session.commit()
    changed = client.get("/api/v1/offices", headers={"If-None-Match": first.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.json[0]["name"] == "ที่ว่าการอำเภอใหม่"


def test_a_change_to_an_offices_settings_stamps_a_new_version_in_the_same_transaction(app):
    office = make_office()
    before = db.session.scalar(select(CacheVersion.version).where(CacheVersion.name == "offices"))

    db.session.get(Office, office.id).geofence_m = 900
    db.session.commit()

    after = db.session.scalar(select(CacheVersion.version).where(CacheVersion.name == "offices"))
    assert before is not None and after != before


def test_every_window_offered_as_bookable_can_be_booked_and_no_other(client, clock):
    office = make_office(hours={2: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))]})
    clock.set(bangkok(2026, 11, 24, 10, 10))  # Tuesday, mid-morning: some windows have started

    slots = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["slots"]
    outcomes = {
        s["start"]: client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, slot=s["start"],
                                                                      serial=i)).status_code
        for i, s in enumerate(slots)
    }  # fmt: skip

    assert {start: code == 201 for start, code in outcomes.items()} == {s["start"]: s["bookable"] for s in slots}
    assert not all(s["bookable"] for s in slots) and any(s["bookable"] for s in slots)


@pytest.mark.parametrize(
    ("column", "name"),
    [("nid_bidx", "uq_bookings_active_national_id"), ("idempotency_key", "uq_bookings_idempotency_key")],
)
def test_a_refused_insert_is_named_by_its_constraint_on_both_engines(client, column, name):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY)).json["token"]
    original = db.session.scalar(select(Booking).where(Booking.token == token))
    db.session.execute(
        Booking.__table__.update().where(Booking.id == original.id).values(idempotency_key="k" * 64)
    )
    db.session.commit()
    copy = {c.name: getattr(original, c.key) for c in Booking.__table__.columns if c.name != "id"}
    copy.update(token="another", seq=99, number="W099", phone_e164=None)
    # Keep only the column under test equal to the original's.
    copy.update({"idempotency_key": None} if column == "nid_bidx" else {"nid_bidx": None, "idempotency_key": "k" * 64})

    with pytest.raises(IntegrityError) as caught:
        db.session.execute(Booking.__table__.insert().values(**copy))
    db.session.rollback()

    assert violated_constraint(caught.value) == name


def test_the_database_counts_people_ahead_exactly_as_the_domains_call_order(client):
    from app.domain.channels import Channel
    from app.domain.queue import QueueEntry, people_ahead

    office = make_office()
    windows = ["11:00", "09:00", "11:00", "10:30", "09:00", "14:00", "10:30"]
    made = [
        client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, slot=w, serial=i)).json
        for i, w in enumerate(windows)
    ]
    client.delete(f"/api/v1/bookings/{made[1]['token']}")  # a cancelled one no longer counts
    waiting = [m for i, m in enumerate(made) if i != 1]

    def entry(m):
        return QueueEntry(Channel.WEB, int(m["number"][1:]), time.fromisoformat(m["slot_start"]))

    for m in waiting:
        expected = people_ahead(entry(m), [entry(o) for o in waiting if o is not m])
        assert client.get(f"/api/v1/bookings/{m['token']}").json["people_ahead"] == expected, m["number"]
