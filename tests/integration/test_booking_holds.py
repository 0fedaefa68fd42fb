"""Fairness (issue 12): at an office with ``verification: otp`` a web or mobile booking is held
until the code sent to the person's phone is typed back; staff can cancel a booking after
checking the ID card. Black box over HTTP, on both engines."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Booking, BookingEvent, OutboxMessage
from app.services import holds
from tests.factories import add_clerk, make_office, mobile_booking, web_booking

TUESDAY = "2026-11-24"


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def book(client, body, **headers):
    return client.post("/api/v1/bookings", json=body, headers=headers)


def confirm(client, token, code):
    return client.post(f"/api/v1/bookings/{token}/confirm", json={"code": code})


def web_places(client, office, slot="09:00"):
    body = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json
    window = next(s for s in body["slots"] if s["start"] == slot)
    return body["channels"]["web"]["remaining"], window["remaining"]


def sent_code(booking_token: str) -> str:
    """The code as the outbox will send it (what the person reads on their phone)."""
    booking_id = db.session.scalar(select(Booking.id).where(Booking.token == booking_token))
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.booking_id == booking_id, OutboxMessage.kind == "code")
    )
    return message.facts["code"]


def otp_office(**options):
    return make_office(verification="otp", capacity={"walk_in": 10, "web": 10, "mobile": 5}, **options)


def held(client, office, serial, **extra):
    response = book(client, web_booking(office.code, date=TUESDAY, serial=serial, phone=f"081000{serial:04d}", **extra))
    assert response.status_code == 201, response.json
    return response.json


def test_an_otp_office_says_so_and_others_say_none(client):
    otp, plain = otp_office(), make_office()

    offices = {o["code"]: o for o in client.get("/api/v1/offices").json}

    assert offices[otp.code]["verification"] == "otp" and offices[otp.code]["hold_minutes"] == 10
    assert offices[plain.code]["verification"] == "none"


def test_a_booking_is_held_without_a_number_until_its_code_books_it(client):
    office = otp_office()

    hold = held(client, office, 1)

    assert hold["status"] == "held" and hold["number"] is None
    assert hold["hold_expires_at"] == "2026-11-23T10:10:00+07:00"  # the clock reads 10:00; 10 minutes
    assert web_places(client, office) == (9, 3)  # the place is taken (day 10 → 9; window 4 → 3)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "code"))
    assert message.channel == "sms" and message.recipient == "+66810000001"  # to the phone, by SMS
    code = message.facts["code"]
    stored = db.session.scalar(select(Booking.hold_code_hash).where(Booking.token == hold["token"]))
    assert stored and code not in stored and len(code) == 6  # kept as a keyed hash, never the code

    booked = confirm(client, hold["token"], code)

    assert booked.status_code == 200
    assert booked.json["status"] == "booked" and booked.json["number"] == "W001"
    assert booked.json["hold_expires_at"] is None
    assert web_places(client, office) == (9, 3)  # the same place, now numbered
    assert client.get(f"/api/v1/bookings/{hold['token']}").json["number"] == "W001"
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["code", "booked"]  # the confirmation with the number follows the code


def test_a_code_works_once(client):
    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])
    assert confirm(client, hold["token"], code).status_code == 200

    again = confirm(client, hold["token"], code)

    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"
    assert db.session.scalar(select(Booking.hold_code_hash).where(Booking.token == hold["token"])) is None


def test_a_wrong_code_names_the_field_and_says_how_many_tries_are_left(client):
    office = otp_office()
    hold = held(client, office, 1)
    wrong = "000000" if sent_code(hold["token"]) != "000000" else "111111"

    response = client.post(
        f"/api/v1/bookings/{hold['token']}/confirm", json={"code": wrong}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert response.json["error"]["field"] == "code" and "4 more tries" in response.json["error"]["message"]
    malformed = confirm(client, hold["token"], "12ab")
    assert malformed.status_code == 400 and malformed.json["error"]["field"] == "code"
    assert client.get(f"/api/v1/bookings/{hold['token']}").json["status"] == "held"


def test_five_wrong_codes_end_the_hold_and_give_the_place_back(client):
    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])
    wrong = "000000" if code != "000000" else "111111"

    answers = [confirm(client, hold["token"], wrong) for _ in range(5)]

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 409]
    assert answers[-1].json["error"]["code"] == "invalid_state"
    assert web_places(client, office) == (10, 4)
    late = confirm(client, hold["token"], code)  # even the right code is too late now
    assert late.status_code == 409 and late.json["error"]["code"] == "invalid_state"
    assert client.get(f"/api/v1/bookings/{hold['token']}").json["status"] == "cancelled"


def test_an_expired_hold_frees_its_place_before_and_after_the_job_runs(client, clock):
    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])

    clock.set(clock.now + timedelta(minutes=10))

    assert web_places(client, office) == (10, 4)  # reads no longer count it, job or not
    assert holds.release_expired_holds(now=clock.now) == 1  # the scheduler's job
    assert holds.release_expired_holds(now=clock.now) == 0  # running it twice changes nothing
    db.session.commit()
    assert web_places(client, office) == (10, 4)
    expired = confirm(client, hold["token"], code)
    assert expired.status_code == 409 and expired.json["error"]["code"] == "invalid_state"
    event = db.session.scalars(select(BookingEvent).order_by(BookingEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor) == ("held", "cancelled", "system")
    assert "expired" in event.note


def test_an_expired_hold_does_not_block_the_last_place_nor_the_person(client, clock):
    office = otp_office(web_slot_capacity=1)
    hold = held(client, office, 1)
    clock.set(clock.now + timedelta(minutes=11))

    again = held(client, office, 1)  # the same person, the same (only) place, no job has run

    assert again["status"] == "held"
    assert client.get(f"/api/v1/bookings/{hold['token']}").json["status"] == "cancelled"


def test_numbers_stay_gap_free_when_a_hold_expires_between_two_confirmations(client, clock):
    office = otp_office()
    first, lapsing, last = (held(client, office, n) for n in (1, 2, 3))
    assert confirm(client, first["token"], sent_code(first["token"])).json["number"] == "W001"

    clock.set(clock.now + timedelta(minutes=9))
    last_code = sent_code(last["token"])
    clock.set(clock.now + timedelta(minutes=2))  # lapsing and last expire; confirm last just before
    assert holds.release_expired_holds(now=clock.now) == 2
    db.session.commit()
    fresh = held(client, office, 4)

    assert confirm(client, fresh["token"], sent_code(fresh["token"])).json["number"] == "W002"
    assert confirm(client, last["token"], last_code).status_code == 409
    assert confirm(client, lapsing["token"], sent_code(lapsing["token"])).status_code == 409


def test_a_held_booking_counts_as_the_persons_booking_of_the_day(client):
    office = otp_office()
    held(client, office, 1)

    twice = book(client, web_booking(office.code, date=TUESDAY, serial=1, phone="0819999999", slot="10:00"))

    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_booked"


def test_an_otp_office_needs_a_phone_or_email_to_send_the_code_to(client):
    office = otp_office()

    id_only = book(client, web_booking(office.code, date=TUESDAY))

    assert id_only.status_code == 400 and id_only.json["error"]["field"] == "phone"
    assert web_places(client, office) == (10, 4)
    by_email = book(client, web_booking(office.code, date=TUESDAY, email="somchai@example.org"))
    assert by_email.status_code == 201 and by_email.json["status"] == "held"
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "code"))
    assert (message.channel, message.recipient) == ("email", "somchai@example.org")


def test_a_mobile_booking_is_held_too_and_a_cancelled_hold_gives_its_place_back(client):
    office = otp_office()

    hold = book(client, mobile_booking(office.code, serial=1)).json
    cancelled = client.delete(f"/api/v1/bookings/{hold['token']}")

    assert hold["status"] == "held" and hold["channel"] == "mobile"
    assert cancelled.json["status"] == "cancelled"
    mobile = client.get(f"/api/v1/offices/{office.code}/availability").json["channels"]["mobile"]
    assert mobile["remaining"] == 5


def test_an_office_without_verification_books_at_once(client):
    office = make_office()

    response = book(client, web_booking(office.code, date=TUESDAY, phone="0812345678"))

    assert response.status_code == 201 and response.json["status"] == "booked"
    assert response.json["number"] == "W001" and response.json["hold_expires_at"] is None


# --- staff cancel at the counter after checking the ID card -------------------------------


def test_a_clerk_cancels_a_booking_after_checking_the_id_card_and_says_why(client):
    office, other = make_office(), make_office()
    clerk, stranger = add_clerk("clerk1", office.id), add_clerk("clerk9", other.id)
    booking = book(client, web_booking(office.code, date=TUESDAY, phone="0812345678")).json
    url = f"/api/v1/tickets/{booking['token']}/cancel"

    no_reason = client.post(url, json={"reason": "  "}, headers=clerk)
    elsewhere = client.post(url, json={"reason": "ID checked"}, headers=stranger)
    anonymous = client.post(url, json={"reason": "ID checked"})
    done = client.post(url, json={"reason": "ID card checked: booked by someone else"}, headers=clerk)

    assert no_reason.status_code == 400 and no_reason.json["error"]["field"] == "reason"
    assert elsewhere.status_code == 403 and anonymous.status_code == 401
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    event = db.session.scalars(select(BookingEvent).order_by(BookingEvent.id.desc())).first()
    assert (event.to_status, event.actor, event.note) == (
        "cancelled", "staff:clerk1", "ID card checked: booked by someone else"
    )
    assert web_places(client, office)[0] == 40  # the place is back
    again = client.post(url, json={"reason": "twice"}, headers=clerk)
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"
    rebooked = book(client, web_booking(office.code, date=TUESDAY, phone="0812345678"))
    assert rebooked.status_code == 201  # the person has their day back


# --- the citizen pages ----------------------------------------------------------------------


def test_the_status_page_of_a_held_booking_asks_for_the_code_then_shows_the_number(client):
    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])

    page = client.get(f"/b/{hold['token']}?lang=en")
    token = csrf(page.text)
    unsigned = client.post(f"/b/{hold['token']}/confirm", data={"code": code})
    wrong = client.post(f"/b/{hold['token']}/confirm?lang=en", data={"code": "12", "csrf_token": token})
    right = client.post(f"/b/{hold['token']}/confirm", data={"code": code, "csrf_token": token})

    assert page.status_code == 200 and "Type the code we sent you" in page.text and "10:10" in page.text
    assert unsigned.status_code == 400  # no CSRF token: refused, the hold is untouched
    assert wrong.status_code == 400 and "6 digits" in wrong.text
    assert right.status_code == 303 and right.headers["Location"].endswith(f"/b/{hold['token']}?new=1")
    booked = client.get(f"/b/{hold['token']}")
    assert "W001" in booked.text


def test_the_code_page_in_thai_names_the_fault_when_the_hold_has_ended(client, clock):
    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])
    clock.set(clock.now + timedelta(minutes=10))

    page = client.get(f"/b/{hold['token']}")
    assert "Type the code" not in page.text and "ยกเลิก" in page.text  # read as released, job or not
    token = csrf(client.get("/find").text)
    late = client.post(f"/b/{hold['token']}/confirm", data={"code": code, "csrf_token": token})

    assert late.status_code == 409 and "กรุณาจองใหม่" in late.text


def test_a_delivered_code_is_not_kept_in_clear_in_the_outbox(client, clock):
    from app.services import outbox

    office = otp_office()
    hold = held(client, office, 1)
    code = sent_code(hold["token"])
    [claimed] = outbox.claim("worker-1", now=clock.now, lease_seconds=60, limit=10, max_attempts=8)

    outbox.record_sent(claimed, "worker-1", provider_id="SM1", status="queued", now=clock.now)

    db.session.expire_all()
    kept = db.session.scalar(select(OutboxMessage.facts).where(OutboxMessage.kind == "code"))
    assert code not in str(kept) and kept["code"] == outbox.SPENT_CODE
    assert confirm(client, hold["token"], code).status_code == 200  # the person still books with it


# --- sending the code again -------------------------------------------------------------------


def resend(client, token):
    return client.post(f"/api/v1/bookings/{token}/resend-code")


def code_messages(booking_token: str) -> list[OutboxMessage]:
    booking_id = db.session.scalar(select(Booking.id).where(Booking.token == booking_token))
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.booking_id == booking_id, OutboxMessage.kind == "code")
        .order_by(OutboxMessage.id)
    ))  # fmt: skip


def test_a_new_code_replaces_the_last_one_and_goes_out_as_a_new_message(client, clock):
    office = otp_office()
    hold = held(client, office, 1)
    first = sent_code(hold["token"])
    clock.set(clock.now + timedelta(seconds=60))

    again = resend(client, hold["token"])

    assert again.status_code == 200 and again.json["status"] == "held"
    assert again.json["hold_expires_at"] == hold["hold_expires_at"]  # the hold's end does not move
    messages = code_messages(hold["token"])
    assert [m.key.split(":", 2)[2] for m in messages] == ["code:sms", "code:2:sms"]
    second = messages[1].facts["code"]
    assert second != first  # (one chance in a million that the two drawn codes are equal)
    old = confirm(client, hold["token"], first)
    assert old.status_code == 400 and old.json["error"]["field"] == "code"  # the old code stopped working
    assert confirm(client, hold["token"], second).json["number"] == "W001"


def test_resending_is_limited_to_one_a_minute_and_three_codes_per_hold(client, clock):
    office = otp_office()
    hold = held(client, office, 1)

    soon = resend(client, hold["token"])
    clock.set(clock.now + timedelta(seconds=45))
    still_soon = resend(client, hold["token"])
    sends = []
    for _ in range(3):
        clock.set(clock.now + timedelta(seconds=61))
        sends.append(resend(client, hold["token"]))

    assert soon.status_code == 429 and soon.json["error"]["code"] == "rate_limited"
    assert soon.headers["Retry-After"] == "60" and "60 วินาที" in soon.json["error"]["message"]
    assert still_soon.headers["Retry-After"] == "15"
    assert [r.status_code for r in sends] == [200, 200, 409]  # three codes in all, the first included
    assert "3 ครั้ง" in sends[2].json["error"]["message"] and len(code_messages(hold["token"])) == 3


def test_no_code_is_sent_for_a_booking_that_is_not_held_or_whose_hold_ended(client, clock):
    office = otp_office()
    booked, lapsed = held(client, office, 1), held(client, office, 2)
    confirm(client, booked["token"], sent_code(booked["token"]))
    clock.set(clock.now + timedelta(minutes=10))

    not_held = resend(client, booked["token"])
    ended = resend(client, lapsed["token"])
    unknown = resend(client, "x" * 43)

    assert not_held.status_code == 409 and not_held.json["error"]["code"] == "invalid_state"
    assert ended.status_code == 409 and "จองใหม่" in ended.json["error"]["message"]
    assert unknown.status_code == 404
    assert len(code_messages(lapsed["token"])) == 1
    assert db.session.scalar(select(Booking.status).where(Booking.token == lapsed["token"])) == "cancelled"


def test_the_code_page_sends_the_code_again(client, clock):
    office = otp_office()
    hold = held(client, office, 1)
    page = client.get(f"/b/{hold['token']}")
    token = csrf(page.text)

    soon = client.post(f"/b/{hold['token']}/resend-code", data={"csrf_token": token})
    unsigned = client.post(f"/b/{hold['token']}/resend-code")
    clock.set(clock.now + timedelta(seconds=60))
    sent = client.post(f"/b/{hold['token']}/resend-code", data={"csrf_token": token})

    assert "ส่งรหัสอีกครั้ง" in page.text
    assert soon.status_code == 429 and soon.headers["Retry-After"] == "60" and "กรุณารอ 60 วินาที" in soon.text
    assert unsigned.status_code == 400
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/b/{hold['token']}?sent=1")
    assert "ส่งรหัสใหม่แล้ว" in client.get(sent.headers["Location"]).text
    assert len(code_messages(hold["token"])) == 2
