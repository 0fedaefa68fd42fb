"""A web or mobile booking scanned at the office's kiosk joins the waiting line."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.auth import register_kiosk
from tests.factories import bangkok, make_office, web_booking


@pytest.fixture
def office_with_kiosk(app):
    office = make_office()
    register_kiosk(office, "Front door", "front-door-key-123")
    db.session.commit()
    return office


def check_in(client, office, token, key="front-door-key-123", **headers):
    return client.post(
        f"/api/v1/offices/{office.code}/check-ins", json={"token": token}, headers={"X-Kiosk-Key": key, **headers}
    )


def test_checking_in_on_the_day_puts_the_booking_in_the_waiting_line_and_records_the_kiosk(client, office_with_kiosk):
    from app.models import Booking

    token = client.post(
        "/api/v1/bookings", json=web_booking(office_with_kiosk.code, date="2026-11-23", slot="10:30")
    ).json["token"]
    response = check_in(client, office_with_kiosk, token)

    assert response.status_code == 200 and response.json["status"] == "waiting"
    event = db.session.query(Booking).filter_by(token=token).one().events[-1]
    assert (event.from_status, event.to_status, event.actor.startswith("kiosk:")) == ("booked", "waiting", True)


def test_scanning_twice_is_harmless(client, office_with_kiosk):
    token = client.post(
        "/api/v1/bookings", json=web_booking(office_with_kiosk.code, date="2026-11-23", slot="10:30")
    ).json["token"]
    check_in(client, office_with_kiosk, token)
    again = check_in(client, office_with_kiosk, token)
    assert again.status_code == 200 and again.json["status"] == "waiting"


def test_a_booking_for_another_day_is_not_checked_in(client, office_with_kiosk):
    token = client.post("/api/v1/bookings", json=web_booking(office_with_kiosk.code, date="2026-11-24")).json["token"]
    response = check_in(client, office_with_kiosk, token, **{"Accept-Language": "en"})
    assert (response.status_code, response.json["error"]["code"]) == (409, "invalid_state")
    assert "2026-11-24, not today" in response.json["error"]["message"]


def test_a_booking_for_another_office_is_refused_at_this_kiosk(client, office_with_kiosk, clock):
    other = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(other.code, date="2026-11-23", slot="11:00")).json["token"]
    response = check_in(client, office_with_kiosk, token)
    assert (response.status_code, response.json["error"]["code"]) == (403, "forbidden")


def test_a_cancelled_booking_cannot_check_in(client, office_with_kiosk):
    token = client.post(
        "/api/v1/bookings", json=web_booking(office_with_kiosk.code, date="2026-11-23", slot="11:00")
    ).json["token"]
    client.delete(f"/api/v1/bookings/{token}")
    response = check_in(client, office_with_kiosk, token)
    assert (response.status_code, response.json["error"]["code"]) == (409, "invalid_state")


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_a_kiosk_without_a_valid_key_is_unauthorized(client, office_with_kiosk, key):
    headers = {"X-Kiosk-Key": key} if key else {}
    response = client.post(f"/api/v1/offices/{office_with_kiosk.code}/check-ins", json={"token": "x"}, headers=headers)
    assert (response.status_code, response.json["error"]["code"]) == (401, "unauthorized")


def test_a_scan_without_a_token_names_the_token_field(client, office_with_kiosk, clock):
    clock.set(bangkok(2026, 11, 23, 9, 0))
    response = client.post(
        f"/api/v1/offices/{office_with_kiosk.code}/check-ins", json={}, headers={"X-Kiosk-Key": "front-door-key-123"}
    )
    assert (response.status_code, response.json["error"]["field"]) == (400, "token")
