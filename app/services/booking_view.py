"""A booking as a response shows it (``BookingView``), read live: its office, service,
counter, people ahead and estimated call. Shared by the booking, hold, queue and counter
services (one definition, no import circle between them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import bindparam, select

from app.domain import queue, verification
from app.domain.calendar import to_utc
from app.domain.channels import Channel
from app.domain.office import CounterInfo, OfficeRules, ServiceInfo
from app.domain.status import NOT_YET_CALLED, Status
from app.models import Booking

from .office_rules import catalogue
from .queue_order import AHEAD_FIELDS, ahead_count, people_ahead
from .status import BookingRow, booking_columns
from .transactions import reading

_bookings = Booking.__table__
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: A booking by token with its people ahead, in one statement.
_BY_TOKEN = select(
    *booking_columns(), ahead_count({name: _bookings.c[name] for name in AHEAD_FIELDS}).scalar_subquery().label("ahead")
).where(_bookings.c.token == bindparam("token"))


@dataclass(frozen=True)
class BookingView:
    """A booking as a response shows it: its office, service and counter, and its live place."""

    token: str
    number: str | None  # None while held (verification "otp"): given at confirmation
    office: OfficeRules
    service: ServiceInfo
    channel: Channel
    day: date
    slot_start: time | None
    slot_end: time | None
    status: Status
    counter: CounterInfo | None
    created_at: datetime
    people_ahead: int | None = None
    estimated_call_at: datetime | None = None
    priority: str | None = None
    called_at: datetime | None = None
    hold_expires_at: datetime | None = None  # while held: the code must be typed before this
    id: int | None = None  # the staff pages act on a ticket by id within its office (never its token)


def select_by_token(token: object):
    # A token is URL-safe base64 (secrets.token_urlsafe); anything else — a NUL byte, a
    # 10,000-character path — matches nothing and never reaches the database.
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return reading().execute(_BY_TOKEN, {"token": token}).first()


def booking_view(
    row: BookingRow, *, now: datetime, office: OfficeRules | None = None, ahead: int | None = None
) -> BookingView:
    office = office or catalogue().by_id[row.office_id]
    service = office.service_by_id(row.service_id)
    if row.status is Status.HELD and not verification.hold_is_live(row.status, row.hold_expires_at, 0, now):
        # Expired: released, whether or not the job has run yet (its place is not counted either).
        row = replace(row, status=Status.CANCELLED)
    view = BookingView(
        token=row.token,
        number=row.number,
        office=office,
        service=service,
        channel=row.channel,
        day=row.day,
        slot_start=row.slot_start,
        slot_end=row.slot_end,
        status=row.status,
        counter=office.counter_by_id(row.counter_id),
        created_at=row.created_at,
        priority=row.priority,
        called_at=row.called_at,
        hold_expires_at=row.hold_expires_at if row.status is Status.HELD else None,
        id=row.id,
    )
    if row.status not in NOT_YET_CALLED:
        return view
    if ahead is None:
        ahead = people_ahead(row)
    opening = office.calendar.opening_time(row.day)
    not_before = None
    if row.slot_start is not None:
        not_before = to_utc(row.day, row.slot_start)
    elif opening is not None:
        not_before = to_utc(row.day, opening)
    counters = len(office.counters_for(row.channel))
    estimate = queue.estimate_call_at(now, ahead, service.avg_minutes, counters, not_before)
    return replace(view, people_ahead=ahead, estimated_call_at=estimate)


