"""Shared by the notification tests: stand-in providers, bookings, and moving a visit along."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.status import Status
from app.extensions import db
from app.models import Booking, OutboxMessage
from app.services import notifications
from app.services.status import BookingRow, booking_columns, move_booking
from app.services.transactions import writing
from tests.support.providers import FakeTwilio, SmtpInbox, provider_config


@pytest.fixture(scope="session")
def inbox():
    server = SmtpInbox().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def providers(app, inbox, twilio):
    """The app sends e-mail to the SMTP inbox and SMS to the Twilio stand-in."""
    app.config.update(provider_config(inbox, twilio))
    inbox.messages.clear()
    twilio.requests.clear()
    return inbox, twilio


def booking_row(token: str) -> BookingRow:
    found = db.session.execute(select(*booking_columns()).where(Booking.token == token)).first()
    return BookingRow.of(found)


def move(token: str, *targets: Status, now, actor: str = "staff:clerk1", counter_id: int | None = None) -> None:
    """Move a booking through ``targets`` as the counter console will, with its messages."""
    for target in targets:
        row = booking_row(token)
        with writing() as connection:
            if counter_id is not None and target is Status.CALLED:
                connection.execute(Booking.__table__.update().where(Booking.id == row.id).values(counter_id=counter_id))
            moved = move_booking(row, target, now=now, actor=actor)
            notifications.notify(connection, moved, target, now=now)


def outbox_rows(**where) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)).all()
