"""A new channel is one module and one registration line: the outbox writer, the dispatcher
and the fallback after a permanent failure use it with no change of their own."""

from __future__ import annotations

import pytest

from app.jobs.dispatch import Dispatcher
from notifier import registry
from tests.factories import make_office, web_booking
from tests.integration.notifications_support import outbox_rows
from tests.support import pager_channel


@pytest.fixture
def pager(app, monkeypatch):
    monkeypatch.setattr(registry, "CHANNEL_MODULES", (*registry.CHANNEL_MODULES, "tests.support.pager_channel"))
    registry.channels.cache_clear()
    app.config.update(PAGER_BACKEND="memory", EMAIL_BACKEND="null", SMS_BACKEND="null")
    pager_channel.PAGED.clear()
    yield pager_channel.PAGED
    registry.channels.cache_clear()


def book(client, office, phone):
    body = web_booking(office.code, date="2026-11-23", slot="11:00", phone=phone, email="somchai@example.org")
    response = client.post("/api/v1/bookings", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_a_registered_channel_carries_the_message_first_and_the_dispatcher_delivers_it(app, client, pager):
    office = make_office()
    booking = book(client, office, "0812345678")

    [row] = outbox_rows()
    assert (row.channel, row.recipient) == ("pager", "+66812345678")
    assert Dispatcher(app).run_once() == {"sent": 1}
    [page] = pager
    assert booking["number"] in page.text and page.data == {"number": booking["number"]}


def test_a_permanent_failure_of_the_new_channel_falls_back_to_the_next_one(app, client, pager):
    office = make_office()
    book(client, office, "0812340000")

    Dispatcher(app).run_once()

    assert [(r.channel, r.status) for r in outbox_rows()] == [("pager", "dead"), ("email", "sent")]
    assert pager == []


def test_a_complaints_message_falls_back_by_the_same_rule(app, client, pager):
    office = make_office()
    body = {"office": office.code, "topic": "service_delay", "text": "รอคิวนานเกินสองชั่วโมง", "phone": "0812340000",
            "email": "somchai@example.org"}  # fmt: skip
    assert client.post("/api/v1/complaints", json=body).status_code == 201

    Dispatcher(app).run_once()

    rows = outbox_rows(kind="complaint_received")
    assert [(r.channel, r.status) for r in rows] == [("pager", "dead"), ("email", "sent")]
    assert {r.subject for r in rows} == {rows[0].subject} and rows[0].subject.startswith("complaint:")
