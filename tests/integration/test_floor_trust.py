"""Issue 21 on the office floor: what the kiosk and the counter console must not let
happen (a 500 at the kiosk, guessing at check-in, a clerk acting on another counter's
ticket or answering a citizen's survey), each with a test that failed before the fix."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import AuditEntry, Booking, BookingEvent, OutboxMessage, Staff
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import add_clerk, make_office, web_booking

KEY = "front-door-key-123"
PASSWORD_HASH = generate_password_hash("correct horse battery")  # once: hashing is slow on purpose


@pytest.fixture
def floor(app, client):
    office = make_office(counters={1: ["walk_in"], 2: ["walk_in"], 3: ["web", "mobile"]})
    register_kiosk(office, "Front door", KEY)
    db.session.add(Staff(username="somchai", password_hash=PASSWORD_HASH, display_name="สมชาย", role="clerk",
                         office_id=office.id))  # fmt: skip
    db.session.commit()
    counters = {c.number: c.id for c in office_rules(office.code).counters}
    return {"office": office, "clerk": add_clerk("clerk1", office.id), "clerk2": add_clerk("clerk2", office.id),
            "head": add_clerk("head1", office.id, role="head"), "counters": counters}  # fmt: skip


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', page
    )
    return found.group(1)


def sign_in(client) -> None:
    page = client.get("/counter/login").get_data(as_text=True)
    client.post("/counter/login", data={"username": "somchai", "password": "correct horse battery",
                                         "csrf_token": csrf(page)})  # fmt: skip


def ticket_id(token: str) -> int:
    return db.session.scalar(select(Booking.id).where(Booking.token == token))


def status_of(token: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Booking.status).where(Booking.token == token))


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


@pytest.mark.own_app  # limiter.init_app
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


# --- the console carries no citizen's token and acts by id ---------------------------------------


def test_the_console_carries_no_citizens_token_and_acts_on_tickets_by_id(client, floor):
    issued = ticket(client, floor["office"]).json
    waiting_too = ticket(client, floor["office"]).json
    sign_in(client)
    console = f"/counter/{floor['counters'][1]}"
    page = client.get(console).get_data(as_text=True)
    client.post(f"{console}/call-next", data={"csrf_token": csrf(page)})

    for address in (console, f"{console}/panel"):
        html = client.get(address).get_data(as_text=True)
        assert issued["number"] in html and waiting_too["number"] in html
        assert issued["token"] not in html and waiting_too["token"] not in html
    page = client.get(console).get_data(as_text=True)
    start = re.search(r'action="([^"]+/start)"', page).group(1)
    assert start == f"{console}/tickets/{ticket_id(issued['token'])}/start"
    client.post(start, data={"csrf_token": csrf(page)})
    assert status_of(issued["token"]) == "serving"


# --- only the counter that called a ticket moves it --------------------------------------------


def test_a_clerk_cannot_move_a_ticket_called_at_another_counter_and_a_heads_override_is_audited(client, floor):
    issued = ticket(client, floor["office"]).json
    client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next", headers=floor["clerk"])

    other_clerk = client.post(f"/api/v1/tickets/{issued['token']}/start", headers=floor["clerk2"])
    sign_in(client)  # a third clerk, at the console of another counter and of the calling one
    other_seat = f"/counter/{floor['counters'][2]}"
    page = client.get(other_seat).get_data(as_text=True)
    tid = ticket_id(issued["token"])
    console_elsewhere = client.post(f"{other_seat}/tickets/{tid}/start", data={"csrf_token": csrf(page)})
    same_seat = client.post(f"/counter/{floor['counters'][1]}/tickets/{tid}/done", data={"csrf_token": csrf(page)})

    assert (other_clerk.status_code, other_clerk.json["error"]["code"]) == (403, "forbidden")
    assert console_elsewhere.status_code == 302 and same_seat.status_code == 302
    assert status_of(issued["token"]) == "called"  # nobody but the caller moved it
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.entity != "sign_in")).all() == []

    own = client.post(f"/api/v1/tickets/{issued['token']}/start", headers=floor["clerk"])
    head = client.post(f"/api/v1/tickets/{issued['token']}/done", headers=floor["head"])
    assert own.status_code == 200 and head.status_code == 200 and status_of(issued["token"]) == "done"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity != "sign_in")).one()
    assert (audit.entity, audit.action, audit.entity_id) == ("ticket", "override done", issued["number"])
    assert audit.before["called_by"] == "clerk1" and audit.before["counter"] == 1


def test_a_transferred_ticket_is_moved_by_the_counter_that_calls_it_next(client, floor):
    issued = ticket(client, floor["office"]).json
    client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next", headers=floor["clerk"])
    moved = client.post(f"/api/v1/tickets/{issued['token']}/transfer", headers=floor["clerk"],
                        json={"counter_id": floor["counters"][2]})  # fmt: skip
    called = client.post(f"/api/v1/counters/{floor['counters'][2]}/call-next", headers=floor["clerk2"])
    first_counter_again = client.post(f"/api/v1/tickets/{issued['token']}/start", headers=floor["clerk"])
    second = client.post(f"/api/v1/tickets/{issued['token']}/start", headers=floor["clerk2"])

    assert moved.status_code == 200 and called.json["number"] == issued["number"]
    assert first_counter_again.status_code == 403 and second.status_code == 200


# --- a transferred ticket called again is a new "your turn" message ----------------------------


def test_a_ticket_transferred_and_called_at_another_counter_gets_a_new_your_turn_message(client, floor, clock):
    issued = ticket(client, floor["office"], phone="0812345678").json
    client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next", headers=floor["clerk"])
    client.post(f"/api/v1/tickets/{issued['token']}/recall", headers=floor["clerk"])  # a recall: no new message
    client.post(f"/api/v1/tickets/{issued['token']}/transfer", headers=floor["clerk"],
                json={"counter_id": floor["counters"][2]})  # fmt: skip
    client.post(f"/api/v1/counters/{floor['counters'][2]}/call-next", headers=floor["clerk2"])

    calls = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "called").order_by(OutboxMessage.id)
    ).all()
    assert [(m.channel, m.facts["counter_th"]) for m in calls] == [("sms", "ช่องบริการ 1"), ("sms", "ช่องบริการ 2")]


# --- a no-show needs a second press, and can be taken back for 10 s ----------------------------


def test_a_no_show_needs_a_second_press_and_can_be_taken_back_for_ten_seconds(client, floor, clock):
    issued = ticket(client, floor["office"], phone="0812345678").json
    sign_in(client)
    console = f"/counter/{floor['counters'][1]}"
    page = client.get(console).get_data(as_text=True)
    client.post(f"{console}/call-next", data={"csrf_token": csrf(page)})
    no_show = f"{console}/tickets/{ticket_id(issued['token'])}/no-show"

    first = client.post(no_show, data={"csrf_token": csrf(page)})
    assert status_of(issued["token"]) == "called" and "confirm=no-show" in first.headers["Location"]
    armed = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="confirm" value="yes"' in armed

    client.post(no_show, data={"csrf_token": csrf(page), "confirm": "yes"})
    assert status_of(issued["token"]) == "no_show"
    held = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "no_show")).one()
    assert held.next_attempt_at >= clock() + timedelta(seconds=10)  # not sent while it can be taken back
    panel = client.get(f"{console}/panel").get_data(as_text=True)
    undo = re.search(r'action="([^"]+/undo-no-show)"', panel).group(1)

    clock.set(clock() + timedelta(seconds=8))
    client.post(undo, data={"csrf_token": csrf(page)})
    assert status_of(issued["token"]) == "called"
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "no_show")).all() == []
    event = db.session.scalars(select(BookingEvent).order_by(BookingEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor) == ("no_show", "called", "staff:somchai")

    client.post(no_show, data={"csrf_token": csrf(page), "confirm": "yes"})
    clock.set(clock() + timedelta(seconds=11))
    assert "undo-no-show" not in client.get(f"{console}/panel").get_data(as_text=True)
    late = client.post(undo, data={"csrf_token": csrf(page)})
    assert status_of(issued["token"]) == "no_show"
    assert "ไม่ได้แล้ว" in client.get(late.headers["Location"]).get_data(as_text=True)  # told why, in Thai


def test_the_seat_chooser_names_channels_in_words_and_the_console_names_the_priority_group(client, floor):
    sign_in(client)
    page = client.get("/counter/").get_data(as_text=True)
    assert "walk_in" not in page and "คิวหน้างาน" in page
    ticket(client, floor["office"], priority="monk")
    console = client.get(f"/counter/{floor['counters'][1]}").get_data(as_text=True)
    assert "พระภิกษุหรือสามเณร" in console


# --- a survey is the citizen's: refused from a staff session ----------------------------------------


def test_a_survey_sent_from_a_signed_in_staff_session_is_refused(client, floor):
    issued = ticket(client, floor["office"]).json
    token = issued["token"]
    client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next", headers=floor["clerk"])
    client.post(f"/api/v1/tickets/{token}/start", headers=floor["clerk"])
    client.post(f"/api/v1/tickets/{token}/done", headers=floor["clerk"])
    sign_in(client)

    api = client.post(f"/api/v1/bookings/{token}/survey", json={"answers": {"staff_1": "very_satisfied"}})
    form = client.get(f"/b/{token}/survey").get_data(as_text=True)
    page = client.post(f"/b/{token}/survey", data={"q_staff_1": "very_satisfied", "csrf_token": csrf(form)})
    assert (api.status_code, api.json["error"]["code"]) == (403, "forbidden")
    assert page.status_code == 403
    client.post("/counter/logout", data={"csrf_token": csrf(client.get("/counter/").get_data(as_text=True))})
    citizen = client.post(f"/api/v1/bookings/{token}/survey", json={"answers": {"staff_1": "very_satisfied"}})
    assert citizen.status_code == 201  # the citizen's own answer still counts
