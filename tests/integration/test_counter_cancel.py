"""The counter console's "Cancel after ID check" (issue 12): a clerk finds a citizen's booking
by the ID on the card (or phone, today's number, the booking's code) and cancels it with a
reason, through the same use case as ``POST /api/v1/tickets/{token}/cancel``."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Booking, BookingEvent, Staff
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import make_office, valid_national_id, web_booking

PASSWORD_HASH = generate_password_hash("correct horse battery")  # once: hashing is slow on purpose
KEY = "door-key-123456"
TUESDAY = "2026-11-24"


@pytest.fixture
def office(app):
    office = make_office()
    register_kiosk(office, "Door", KEY)
    db.session.add(Staff(username="somchai", password_hash=PASSWORD_HASH, display_name="สมชาย", role="clerk",
                         office_id=office.id))  # fmt: skip
    db.session.commit()
    return office


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def console(client, office):
    """Signed in as a clerk of ``office``; the address of its first counter."""
    page = client.get("/counter/login").get_data(as_text=True)
    client.post("/counter/login", data={"username": "somchai", "password": "correct horse battery",
                                         "csrf_token": csrf(page)})  # fmt: skip
    return re.search(r'href="(/counter/\d+)"', client.get("/counter/").get_data(as_text=True)).group(1)


def find(client, console, query, lang="th"):
    page = client.get(f"{console}/bookings?lang={lang}").get_data(as_text=True)
    return client.post(f"{console}/bookings?lang={lang}", data={"q": query, "csrf_token": csrf(page)})


def status_of(token):
    db.session.expire_all()
    return db.session.scalar(select(Booking.status).where(Booking.token == token))


def test_a_clerk_finds_a_booking_by_the_id_on_the_card_and_cancels_it_with_a_reason(client, office, console):
    nid = valid_national_id(7)
    booking = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=7)).json
    card = f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"  # as printed on the card

    assert "ยกเลิกหลังตรวจบัตร" in client.get(console).get_data(as_text=True)  # the console links to it
    found = find(client, console, card)
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "สมชาย ใจดี" in page and f"{nid[0]}-{nid[1:5]}-xxxxx-xx-{nid[12]}" in page
    assert nid not in page and found.headers["Cache-Control"] == "no-store"
    action = re.search(r'action="([^"]+/cancel)"', page).group(1)

    no_reason = client.post(action, data={"reason": "  ", "csrf_token": csrf(page)})
    unsigned = client.post(action, data={"reason": "ID checked"})
    assert no_reason.status_code == 400 and "เหตุผล" in no_reason.get_data(as_text=True)
    assert unsigned.status_code == 400 and status_of(booking["token"]) == "booked"

    done = client.post(action, data={"reason": "ตรวจบัตรแล้ว ผู้อื่นจองแทน", "csrf_token": csrf(page)})

    assert done.status_code == 303 and status_of(booking["token"]) == "cancelled"
    assert "กลับมาให้จองได้อีกครั้ง" in client.get(done.headers["Location"]).get_data(as_text=True)  # told
    event = db.session.scalars(select(BookingEvent).order_by(BookingEvent.id.desc())).first()
    assert (event.to_status, event.actor, event.note) == ("cancelled", "staff:somchai", "ตรวจบัตรแล้ว ผู้อื่นจองแทน")
    again = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=7))
    assert again.status_code == 201  # the person has their day back
    listed = find(client, console, card).get_data(as_text=True)
    assert listed.count('/cancel"') == 1 and again.json["number"] in listed  # only the ID's active booking
    assert again.json["token"] not in listed  # the console acts by id: no citizen's token in its pages


def test_a_called_ticket_cannot_be_cancelled_and_the_clerk_is_told_why(client, office, console):
    ticket = client.post(f"/api/v1/offices/{office.code}/tickets", json={"service": "id-card"},
                         headers={"X-Kiosk-Key": KEY}).json  # fmt: skip
    page = client.get(console).get_data(as_text=True)
    client.post(f"{console}/call-next", data={"csrf_token": csrf(page)})

    found = find(client, console, ticket["number"].lower(), lang="en").get_data(as_text=True)
    assert "already been called or finished" in found and "/cancel" not in found  # no button to press
    ticket_id = db.session.scalar(select(Booking.id).where(Booking.token == ticket["token"]))
    forced = client.post(f"{console}/bookings/{ticket_id}/cancel",
                         data={"reason": "ID checked", "csrf_token": csrf(found)})  # fmt: skip
    assert forced.status_code == 409 and "already been called or finished (“Called”)" in forced.get_data(as_text=True)
    assert status_of(ticket["token"]) == "called"


def test_the_booking_link_or_phone_finds_it_too_and_nonsense_is_refused_in_thai(client, office, console):
    booking = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, phone="0812345678")).json

    by_link = find(client, console, f"https://khiw.example/b/{booking['token']}").get_data(as_text=True)
    by_phone = find(client, console, "081-234-5678").get_data(as_text=True)
    nonsense = find(client, console, "hello?")

    assert "08x-xxx-5678" in by_link and "08x-xxx-5678" in by_phone and "/cancel" in by_phone
    assert nonsense.status_code == 400 and "เลขประจำตัวประชาชน" in nonsense.get_data(as_text=True)


def test_a_clerk_cannot_search_another_offices_counter(client, office, console):
    other = make_office()
    other_counter = office_rules(other.code).counters[0].id
    assert client.get(f"/counter/{other_counter}/bookings").status_code == 403
