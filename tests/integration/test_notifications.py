"""Every message a citizen is owed is in the outbox with the change that caused it, and the
dispatcher delivers each exactly once through real SMTP and the real Twilio SDK."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.status import Status
from app.extensions import db
from app.jobs.dispatch import Dispatcher
from app.models import Booking, OutboxMessage
from app.services import booking as booking_service
from app.services import notifications, outbox
from tests.factories import make_office, web_booking
from tests.integration.notifications_support import booking_row, move, outbox_rows

TODAY = "2026-11-23"


def book(client, office, serial=0, **extra):
    slot = f"{11 + serial // 4}:00"  # four places per window
    response = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date=TODAY, slot=slot, serial=serial, **extra)
    )
    assert response.status_code in (200, 201), response.json
    return response.json["token"]


def deliver_all(app, clock, rounds=40):
    """Run the dispatcher until nothing is due, moving the clock past each retry."""
    dispatcher = Dispatcher(app)
    dispatcher.rng = random.Random(7)
    for _ in range(rounds):
        dispatcher.run_once()
        if not outbox_rows(status="pending") and not outbox_rows(status="sending"):
            return
        clock.set(clock.now + timedelta(minutes=20))
    raise AssertionError("messages still pending")


def test_a_booking_writes_its_confirmation_in_the_same_transaction_and_a_retry_writes_nothing_more(client):
    office = make_office()
    body = web_booking(office.code, date=TODAY, slot="11:00", email="somchai@example.org", phone="0812345678")
    for _ in range(2):
        client.post("/api/v1/bookings", json=body, headers={"Idempotency-Key": "retry-1"})

    rows = outbox_rows()
    assert [(r.kind, r.channel, r.recipient) for r in rows] == [("booked", "email", "somchai@example.org")]


def test_a_crash_before_commit_leaves_no_booking_and_no_message(app, monkeypatch):
    from app.settings import Settings
    from app.web.api.parsing import parse_booking_request

    office = make_office()
    db.session.commit()

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died before COMMIT")

    monkeypatch.setattr(booking_service, "_view", crash)
    request = parse_booking_request(web_booking(office.code, date=TODAY, slot="11:00", email="a@example.org"))
    with pytest.raises(RuntimeError):
        booking_service.book(request, settings=Settings.from_config(app.config))

    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_enqueueing_the_same_message_twice_keeps_one(app, client, clock):
    office = make_office()
    token = book(client, office, phone="0812345678")
    row = booking_row(token)
    from app.services.transactions import writing

    with writing() as connection:
        first = notifications.notify(connection, row, "called", now=clock.now)
        again = notifications.notify(connection, row.id, Status.CALLED, now=clock.now)

    assert (first, again) == (1, 0)
    assert len(outbox_rows(kind="called")) == 1


def test_the_confirmation_arrives_by_email_with_the_number_and_a_buddhist_era_date(app, client, clock, providers):
    mail_server, _ = providers
    office = make_office()
    token = book(client, office, email="somchai@example.org")
    deliver_all(app, clock)

    [mail] = mail_server.messages
    number = client.get(f"/api/v1/bookings/{token}").json["number"]
    text = mail.get_body(("plain",)).get_content()
    assert number in mail["Subject"] and "23 พฤศจิกายน พ.ศ. 2569" in text and f"/b/{token}" in text
    assert mail.get_body(("html",)) is not None
    [row] = outbox_rows()
    assert (row.status, row.provider_id) == ("sent", mail["Message-ID"])


def test_sms_that_fail_for_a_while_each_arrive_exactly_once(app, client, clock, providers):
    _, sms_api = providers
    office = make_office()
    tokens = [book(client, office, serial=n, phone=f"08123456{n:02d}") for n in range(6)]
    sms_api.fail_next(9, 503, 20503)  # Twilio down for a while

    deliver_all(app, clock)

    delivered = [r["form"]["To"] for r in sms_api.delivered()]
    assert sorted(delivered) == sorted(f"+668123456{n:02d}" for n in range(6))
    assert {r.status for r in outbox_rows()} == {"sent"} and len(tokens) == 6
    assert max(r.attempts for r in outbox_rows()) > 1


def test_a_wrong_number_is_dead_lettered_and_falls_back_to_email(app, client, clock, providers):
    mail_server, sms_api = providers
    office = make_office()
    token = book(client, office, phone="0812345678", email="somchai@example.org")
    move(token, Status.WAITING, Status.CALLED, now=clock.now, counter_id=office.counters[1].id)
    sms_api.fail_next(1, 400, 21614)  # a landline

    deliver_all(app, clock)

    called = outbox_rows(kind="called")
    assert [(r.channel, r.status) for r in called] == [("sms", "dead"), ("email", "sent")]
    assert "21614" in called[0].last_error
    assert any("ถึงคิว" in m["Subject"] for m in mail_server.messages)


def test_a_dispatcher_that_died_mid_send_is_taken_over_after_its_lease(app, client, clock, providers):
    _, sms_api = providers
    office = make_office()
    book(client, office, phone="0812345678")
    claimed = outbox.claim("dead-worker", now=clock.now, lease_seconds=60, limit=10, max_attempts=8)
    db.session.remove()
    assert len(claimed) == 1

    Dispatcher(app).run_once()
    assert sms_api.delivered() == []  # still leased to the dead worker

    clock.set(clock.now + timedelta(seconds=61))
    Dispatcher(app).run_once()
    assert len(sms_api.delivered()) == 1 and outbox_rows()[0].status == "sent"


def test_a_call_warns_those_whose_turn_is_now_near(app, client, clock):
    office = make_office()
    tokens = [book(client, office, serial=n, phone=f"08123456{n:02d}") for n in range(6)]
    for token in tokens:
        move(token, Status.WAITING, now=clock.now, actor="kiosk:1")

    move(tokens[0], Status.CALLED, now=clock.now, counter_id=office.counters[1].id)

    near = {r.booking_id: r.facts["people_ahead"] for r in outbox_rows(kind="turn_near")}
    ids = [booking_row(t).id for t in tokens]
    assert near == {ids[1]: 0, ids[2]: 1, ids[3]: 2, ids[4]: 3}
    assert outbox_rows(kind="called")[0].urgent


def test_the_status_callback_believes_only_twilios_signature(app, client, clock, providers):
    from twilio.request_validator import RequestValidator

    from tests.support.providers import AUTH_TOKEN

    office = make_office()
    token = book(client, office, phone="0812345678", email="somchai@example.org")
    move(token, Status.WAITING, Status.CALLED, now=clock.now, counter_id=office.counters[1].id)
    deliver_all(app, clock)
    sid = outbox_rows(kind="called")[0].provider_id
    params = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    url = "http://localhost/webhooks/twilio/status"

    forged = client.post("/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": "forged"})
    assert forged.status_code == 403 and outbox_rows(kind="called")[0].provider_status == "queued"

    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    genuine = client.post("/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": signature})
    assert genuine.status_code == 204
    rows = outbox_rows(kind="called")
    assert rows[0].provider_status == "undelivered" and [r.channel for r in rows] == ["sms", "email"]


def test_a_busy_database_when_recording_a_send_neither_loses_nor_repeats_the_message(app, client, clock, providers,
                                                                                      monkeypatch):  # fmt: skip
    from sqlalchemy.exc import OperationalError

    from app.jobs import dispatch

    mail_server, _ = providers
    office = make_office()
    book(client, office, email="somchai@example.org")
    real_record = outbox.record_sent
    busy = iter([True, True])  # the first two tries find the database locked

    def record_sent(*args, **kwargs):
        if next(busy, False):
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return real_record(*args, **kwargs)

    monkeypatch.setattr(dispatch.outbox, "record_sent", record_sent)
    monkeypatch.setattr(dispatch, "_pause", lambda seconds: None)

    assert Dispatcher(app).run_once() == {"sent": 1}

    assert len(mail_server.messages) == 1
    [row] = outbox_rows()
    assert row.status == "sent"


def test_a_polling_dispatcher_outlives_a_busy_database(app, monkeypatch):
    import threading

    from sqlalchemy.exc import OperationalError

    from app.jobs import dispatch

    class Stop(threading.Event):
        def wait(self, timeout=None):  # no real pause in a test
            return self.is_set()

    stop = Stop()
    looks = []

    def has_due(now):
        looks.append(now)
        if len(looks) == 1:
            raise OperationalError("SELECT", {}, Exception("database is locked"))
        stop.set()  # the second look happened: the loop survived the first
        return False

    monkeypatch.setattr(dispatch.outbox, "has_due", has_due)

    Dispatcher(app)._run_polling(stop)

    assert len(looks) == 2
