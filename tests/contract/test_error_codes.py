"""Every error code of the contract, as a client sees it: status, code, field, and a
message in Thai by default and in English when Accept-Language asks for it."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Booking
from tests.factories import make_office, mobile_booking, web_booking

THAI = re.compile(r"[\u0E00-\u0E7F]")
TUESDAY = "2026-11-24"


def _kiosk_key(office, key="kiosk-secret-key-1"):
    from app.services.auth import register_kiosk

    register_kiosk(office, "Kiosk", key)
    db.session.commit()
    return key


def invalid(client, office, lang):
    return client.post(
        "/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, national_id="1234"), headers=lang
    )


def unauthorized(client, office, lang):
    return client.post(f"/api/v1/offices/{office.code}/check-ins", json={"token": "x"}, headers=lang)


def forbidden(client, office, lang):
    other = make_office()
    key = _kiosk_key(other)
    return client.post(
        f"/api/v1/offices/{office.code}/check-ins", json={"token": "x"}, headers={**lang, "X-Kiosk-Key": key}
    )


def outside_geofence(client, office, lang):
    return client.post("/api/v1/bookings", json=mobile_booking(office.code, lat=18.60, lon=99.05), headers=lang)


def not_found(client, office, lang):
    return client.get("/api/v1/offices/no-such-office/availability", headers=lang)


def capacity_full(client, office, lang):
    for serial in range(4):
        client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=serial))
    return client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=9), headers=lang)


def already_booked(client, office, lang):
    client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY))
    return client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, slot="10:00"), headers=lang)


def closed(client, office, lang):
    return client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-29"), headers=lang)  # Sunday


def invalid_state(client, office, lang):
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY)).json["token"]
    db.session.query(Booking).filter_by(token=token).update({"status": "no_show"})
    db.session.commit()
    return client.delete(f"/api/v1/bookings/{token}", headers=lang)


CASES = [
    (invalid, 400, "invalid", "national_id"),
    (unauthorized, 401, "unauthorized", None),
    (forbidden, 403, "forbidden", None),
    (outside_geofence, 403, "outside_geofence", "lat"),
    (not_found, 404, "not_found", None),
    (capacity_full, 409, "capacity_full", "slot"),
    (already_booked, 409, "already_booked", None),
    (closed, 409, "closed", "date"),
    (invalid_state, 409, "invalid_state", None),
]


@pytest.mark.parametrize(("provoke", "status", "code", "field"), CASES, ids=[c[2] for c in CASES])
def test_each_error_has_its_status_code_field_and_a_thai_message_by_default(client, provoke, status, code, field):
    office = make_office()
    response = provoke(client, office, {})

    assert response.status_code == status
    error = response.json["error"]
    assert error["code"] == code
    assert error.get("field") == field
    assert THAI.search(error["message"]), error["message"]


@pytest.mark.parametrize(("provoke", "status", "code", "field"), CASES, ids=[c[2] for c in CASES])
def test_each_error_speaks_english_when_asked(client, provoke, status, code, field):
    office = make_office()
    response = provoke(client, office, {"Accept-Language": "en-GB,en;q=0.9,th;q=0.5"})

    error = response.json["error"]
    assert (response.status_code, error["code"]) == (status, code)
    assert not THAI.search(error["message"]), error["message"]
    assert len(error["message"]) > 15


def test_a_body_that_is_not_json_is_invalid_and_changes_nothing(client):
    office = make_office()
    response = client.post("/api/v1/bookings", data="name=Somchai", content_type="application/x-www-form-urlencoded")

    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid")
    availability = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json
    assert availability["channels"]["web"]["used"] == 0


def test_a_rejected_booking_changes_nothing(client):
    office = make_office()
    client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, email="not-an-email"))
    client.post("/api/v1/bookings", json=mobile_booking(office.code, lat=18.60, lon=99.05))

    assert db.session.query(Booking).count() == 0
    availability = client.get(f"/api/v1/offices/{office.code}/availability").json
    assert all(channel["used"] == 0 for channel in availability["channels"].values())


@pytest.mark.own_app  # limiter.init_app
def test_too_many_bookings_from_one_address_are_rate_limited(app, client):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_BOOKING="3 per minute")
    from app.extensions import limiter

    limiter.init_app(app)  # read the changed settings
    office = make_office()
    statuses = [
        client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=i)).status_code
        for i in range(4)
    ]

    limited = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=9))
    assert statuses == [201, 201, 201, 429]
    assert limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0


def test_rate_limits_can_be_turned_off_for_load_tests(client):
    office = make_office(web_slot_capacity=50)
    statuses = {
        client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=i)).status_code
        for i in range(15)
    }
    assert statuses == {201}


def test_an_unknown_api_address_answers_in_json(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json["error"] == {"code": "not_found", "message": "There is nothing at this address."}


def test_behind_a_trusted_proxy_each_citizen_has_their_own_rate_limit(database_url, clock):
    from app import create_app
    from tests.conftest import _settings

    settings = _settings(database_url, clock) | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOOKUP": "2 per minute",
        "TRUSTED_PROXIES": 1,
    }
    client = create_app(settings).test_client()

    def lookup(address):
        return client.get("/api/v1/bookings/none", headers={"X-Forwarded-For": address}).status_code

    assert [lookup("203.0.113.7") for _ in range(3)] == [404, 404, 429]
    assert lookup("203.0.113.8") == 404
