"""The end of the day and the PDPA purge, as the scheduler runs them."""

from __future__ import annotations

from datetime import timedelta

from app.domain.status import Status
from app.extensions import db
from app.models import Booking, OutboxMessage
from app.services import day_end, notifications, retention
from tests.factories import bangkok, make_office, web_booking
from tests.integration.notifications_support import move, outbox_rows


def book(client, office, serial, **extra):
    body = web_booking(office.code, date="2026-11-23", slot="11:00", serial=serial, **extra)
    return client.post("/api/v1/bookings", json=body).json["token"]


def status_of(token):
    db.session.expire_all()
    return db.session.query(Booking).filter_by(token=token).one().status


def test_the_day_end_marks_no_shows_and_closes_open_tickets_only_after_closing_time(client, clock):
    office = make_office()  # closes 16:30
    never_came, waiting, being_served = (book(client, office, n, phone=f"081000000{n}") for n in range(3))
    move(waiting, Status.WAITING, now=clock.now)
    move(being_served, Status.WAITING, Status.CALLED, Status.SERVING, now=clock.now, counter_id=office.counters[1].id)

    assert (day_end.expire_no_shows(now=clock.now), day_end.close_day(now=clock.now)) == (0, 0)  # 10:00: still open
    evening = bangkok(2026, 11, 23, 17, 0)
    assert day_end.expire_no_shows(now=evening) == 1 and day_end.close_day(now=evening) == 2
    assert day_end.expire_no_shows(now=evening) == 0  # a second run changes nothing

    assert [status_of(t) for t in (never_came, waiting, being_served)] == ["no_show", "cancelled", "done"]
    assert {r.kind for r in outbox_rows()} >= {"no_show", "cancelled", "survey"}


def test_reminders_go_the_day_before_once(client, clock):
    office = make_office()
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", phone="0812345678"))

    assert notifications.send_day_before_reminders(now=clock.now) == 1
    assert notifications.send_day_before_reminders(now=clock.now) == 0
    assert [r.channel for r in outbox_rows(kind="reminder")] == ["sms"]


def test_the_purge_erases_personal_data_after_the_retention_period_and_keeps_the_counts(client, clock):
    office = make_office()
    token = book(client, office, 0, phone="0812345678", email="somchai@example.org")
    for row in outbox_rows():
        row.status = "sent"
    db.session.commit()

    kept = retention.purge_personal_data(now=clock.now + timedelta(days=90), retention_days=90)
    purged = retention.purge_personal_data(now=clock.now + timedelta(days=91), retention_days=90)

    assert (kept.bookings, purged.bookings, purged.messages) == (0, 1, 1)
    db.session.expire_all()
    booking = db.session.query(Booking).filter_by(token=token).one()
    assert (booking.name, booking.nid_bidx, booking.nid_masked, booking.phone_e164, booking.email) == (None,) * 5
    assert (booking.number, booking.status, booking.channel) == ("W001", "booked", "web")
    message = db.session.query(OutboxMessage).one()
    assert message.recipient is None and "token" not in message.facts
