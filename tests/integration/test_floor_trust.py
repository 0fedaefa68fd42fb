"""Issue 21 on the office floor: what the kiosk and the counter console must not let
happen (a 500 at the kiosk, guessing at check-in, a clerk acting on another counter's
ticket or answering a citizen's survey), each with a test that failed before the fix."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Booking
from app.services.auth import register_kiosk
from tests.factories import add_clerk, make_office, web_booking

KEY = "front-door-key-123"


@pytest.fixture
def floor(app, client):
    office = make_office()
    register_kiosk(office, "Front door", KEY)
    db.session.commit()
    return {"office": office, "clerk": add_clerk("clerk1", office.id)}


def ticket(client, office, **body):
    return client.post(
        f"/api/v1/offices/{office.code}/tickets", json={"service": "id-card", **body},
        headers={"X-Kiosk-Key": KEY, "Accept-Language": "en"},
    )  # fmt: skip


def bookings():
    db.session.expire_all()
    return sorted((b.number, b.status) for b in db.session.query(Booking))


# --- a walk-in ticket with a phone that already has a booking that day --------------------------


def test_a_second_walk_in_ticket_with_the_same_phone_is_409_already_booked_not_500(client, floor):
    first = ticket(client, floor["office"], phone="0812345678")
    again = ticket(client, floor["office"], phone="0812345678")

    assert first.status_code == 201
    assert (again.status_code, again.json["error"]["code"], again.json["error"]["field"]) == (
        409, "already_booked", "phone")  # fmt: skip
    assert again.json["error"]["offer"] == "check_in"
    assert "I booked" in again.json["error"]["message"]
    assert bookings() == [("A001", "waiting")]  # nothing issued, no number used
    without_phone = ticket(client, floor["office"])
    assert without_phone.json["number"] == "A002"


def test_a_web_booking_made_with_a_victims_phone_does_not_break_their_walk_in_ticket(client, floor):
    booked = client.post(
        "/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="10:30", phone="0899999999")
    )
    assert booked.status_code == 201
    refused = client.post(
        f"/api/v1/offices/{floor['office'].code}/tickets", json={"service": "id-card", "phone": "0899999999"},
        headers={"X-Kiosk-Key": KEY},
    )  # fmt: skip
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "already_booked")
    assert "จองคิวไว้แล้ว" in refused.json["error"]["message"]  # Thai by default, naming the kiosk's button


# --- the HTML ticket prints from the kiosk's own frame ---------------------------------------


def test_only_the_printable_ticket_may_be_framed_and_only_by_khiws_own_pages(client, floor):
    issued = ticket(client, floor["office"]).json
    printable = client.get(f"/kiosk/{floor['office'].code}/tickets/{issued['token']}/print")
    kiosk_page = client.get(f"/kiosk/{floor['office'].code}")

    assert printable.status_code == 200 and issued["number"] in printable.get_data(as_text=True)
    assert "frame-ancestors 'self'" in printable.headers["Content-Security-Policy"]
    assert printable.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src 'self'" in printable.headers["Content-Security-Policy"]  # the rest of the policy holds
    assert "frame-ancestors 'none'" in kiosk_page.headers["Content-Security-Policy"]
    assert kiosk_page.headers["X-Frame-Options"] == "DENY"


def test_the_kiosk_offers_the_offices_number_letters_as_keys_and_tickets_name_the_priority_group(client, floor):
    page = client.get(f"/kiosk/{floor['office'].code}").get_data(as_text=True)
    assert all(f'data-prefix="{letter}"' in page for letter in "WMA")
    issued = ticket(client, floor["office"], priority="elderly").json
    printable = client.get(f"/kiosk/{floor['office'].code}/tickets/{issued['token']}/print").get_data(as_text=True)
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in printable and "เปราะบาง" not in printable


# --- kiosk check-in by number + last 4 digits: per booking, as "find my booking" ----------------


def test_guessing_the_last_digits_of_one_booking_at_the_kiosk_is_limited_per_booking(app, client, floor):
    from app.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_LOOKUP="1000 per minute", RATELIMIT_FIND_PERSON="3 per hour")
    limiter.init_app(app)
    code = floor["office"].code
    booked = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot="10:30")).json

    def try_digits(number: str, last4: str):
        return client.post(
            f"/api/v1/offices/{code}/check-ins", json={"number": number, "last4": last4}, headers={"X-Kiosk-Key": KEY}
        )

    guesses = [try_digits(booked["number"], f"{i:04d}").status_code for i in range(3)]
    right_digits_too_late = try_digits(booked["number"].lower(), web_booking(code, date="x")["national_id"][-4:])
    another_booking = try_digits("W099", "0000").status_code
    scanned = client.post(
        f"/api/v1/offices/{code}/check-ins", json={"token": booked["token"]}, headers={"X-Kiosk-Key": KEY}
    )

    assert guesses == [404, 404, 404]
    assert right_digits_too_late.status_code == 429 and "token" not in right_digits_too_late.json
    assert another_booking == 404  # each booking has its own count
    assert scanned.status_code == 200  # the QR code (the token itself) is not limited per booking
