"""What the messages say reaches the citizen as they need it (issue 17): in the language
they booked in, naming a way to find the booking or the survey that works without a link,
and counting the people ahead in the order the counter will call them."""

from __future__ import annotations

from datetime import timedelta

from app.domain.status import Status
from app.extensions import db
from app.jobs.dispatch import Dispatcher
from app.models import Booking
from tests.factories import make_office, web_booking
from tests.integration.notifications_support import booking_row, move, outbox_rows

TODAY = "2026-11-23"
EN = {"Accept-Language": "en"}


def book(client, office, serial=0, headers=None, **extra):
    body = web_booking(office.code, date=TODAY, slot="11:00", serial=serial, **extra)
    response = client.post("/api/v1/bookings", json=body, headers=headers or {})
    assert response.status_code == 201, response.json
    return response.json["token"]


def test_a_booking_made_in_english_gets_its_messages_in_english(app, client, clock, providers):
    inbox, twilio = providers
    office = make_office()
    token = book(client, office, headers=EN, email="somchai@example.org", phone="0812345678")
    move(token, Status.WAITING, Status.CALLED, now=clock.now, counter_id=office.counters[1].id)

    Dispatcher(app).run_once()

    [mail] = inbox.messages
    assert mail["Subject"].startswith("Your booking ") and "ยืนยัน" not in mail["Subject"]
    assert "Monday 23 November 2026" in mail.get_body(("plain",)).get_content()
    [sms] = twilio.delivered()
    assert sms["form"]["Body"].startswith("Khiw: your turn,")
    assert {row.facts["locale"] for row in outbox_rows()} == {"en"}


def test_a_booking_made_in_thai_gets_its_messages_in_thai(app, client, clock, providers):
    inbox, _ = providers
    office = make_office()
    book(client, office, email="somchai@example.org")

    Dispatcher(app).run_once()

    assert inbox.messages[0]["Subject"].startswith("ยืนยันการจองคิว")
    # Without LINE settings the confirmation says nothing about LINE (no "Follow on LINE" link).
    mail = inbox.messages[0]
    assert "LINE" not in mail.get_body(("plain",)).get_content()
    assert "line.me" not in mail.get_body(("html",)).get_content()


def test_the_booking_sms_and_the_survey_invitation_name_find_my_booking_without_a_link(app, client, clock,
                                                                                       providers):  # fmt: skip
    _, twilio = providers
    office = make_office()
    token = book(client, office, phone="0812345678")
    number = client.get(f"/api/v1/bookings/{token}").json["number"]
    move(token, Status.WAITING, Status.CALLED, Status.SERVING, Status.DONE, now=clock.now,
         counter_id=office.counters[1].id)  # fmt: skip

    Dispatcher(app).run_once()

    bodies = {row.kind: row for row in outbox_rows()}
    assert set(bodies) >= {"booked", "called", "survey"}
    texts = [r["form"]["Body"] for r in twilio.delivered()]
    booked = next(t for t in texts if t.startswith("จองคิว"))
    survey = next(t for t in texts if "ประเมิน" in t)
    assert "/find" in booked and "://" not in booked
    assert "/find" in survey and number in survey and "://" not in survey


def test_a_registered_sender_links_the_survey_itself(app, client, clock, providers):
    _, twilio = providers
    app.config["SMS_LINKS_ALLOWED"] = True
    office = make_office()
    token = book(client, office, phone="0812345678")
    move(token, Status.WAITING, Status.CALLED, Status.SERVING, Status.DONE, now=clock.now,
         counter_id=office.counters[1].id)  # fmt: skip

    Dispatcher(app).run_once()

    survey = next(r["form"]["Body"] for r in twilio.delivered() if "ประเมิน" in r["form"]["Body"])
    assert survey.endswith(f"/b/{token}/survey")


def test_people_ahead_in_the_turn_alert_follow_the_call_order_not_the_numbers(app, client, clock):
    office = make_office()
    tokens = [book(client, office, serial=n, phone=f"08123456{n:02d}") for n in range(4)]
    ids = [booking_row(t).id for t in tokens]
    # Arrivals in reverse order of the numbers, and the third is a priority ticket (60+):
    # by window and number the order would be 0, 1, 2, 3; the counter calls 2, 3, 1, 0.
    for minutes, n in enumerate((3, 2, 1, 0)):
        move(tokens[n], Status.WAITING, now=clock.now, actor="kiosk:1")
        db.session.execute(Booking.__table__.update().where(Booking.id == ids[n])
                           .values(checked_in_at=clock.now + timedelta(minutes=minutes)))  # fmt: skip
    db.session.execute(Booking.__table__.update().where(Booking.id == ids[2]).values(priority="elderly"))

    move(tokens[2], Status.CALLED, now=clock.now, counter_id=office.counters[1].id)

    near = {r.booking_id: r.facts["people_ahead"] for r in outbox_rows(kind="turn_near")}
    assert near == {ids[3]: 0, ids[1]: 1, ids[0]: 2}
    status_page = {booking_row(t).id: client.get(f"/api/v1/bookings/{t}").json["people_ahead"] for t in tokens}
    assert all(status_page[booking_id] == ahead for booking_id, ahead in near.items())
