"""The end of an office's day: bookings that never came become no-shows, and the day is closed.

Both run from the scheduler for every day that has ended (an office's last closing time has
passed, or an earlier day), looking back a week so a scheduler that was down catches up.
Each moves bookings through ``move_booking`` (a compare-and-set), so running twice, or
while a clerk acts, changes nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.domain.calendar import local_now
from app.domain.errors import InvalidState
from app.domain.status import Status
from app.models import Booking

from . import notifications
from .office_rules import catalogue
from .status import BookingRow, booking_columns, move_booking
from .transactions import reading, writing

_bookings = Booking.__table__
LOOK_BACK_DAYS = 7


def _ended(office_id: int, day: date, local: datetime) -> bool:
    """Whether an office's ``day`` is over at local time ``local``."""
    if day < local.date():
        return True
    office = catalogue().by_id.get(office_id)
    periods = office.calendar.periods_on(day) if office else ()
    return bool(periods) and local.time() >= periods[-1].closes


def _move_all(statuses: dict[Status, Status], *, now: datetime, note: str, actor: str = "scheduler") -> int:
    local = local_now(now)
    b = _bookings.c
    rows = [
        BookingRow.of(r)
        for r in reading().execute(
            select(*booking_columns()).where(
                b.day >= local.date() - timedelta(days=LOOK_BACK_DAYS),
                b.day <= local.date(),
                b.status.in_([s.value for s in statuses]),
            )
        )
    ]
    moved = 0
    for row in rows:
        if not _ended(row.office_id, row.day, local):
            continue
        try:
            with writing() as connection:
                after = move_booking(row, statuses[row.status], now=now, actor=actor, note=note)
                notifications.notify(connection, after, after.status, now=now)
            moved += 1
        except InvalidState:
            continue  # someone moved it meanwhile: theirs is the last word
    return moved


def expire_no_shows(*, now: datetime) -> int:
    """Bookings of a day that has ended whose person never checked in become no-shows."""
    return _move_all(
        {Status.BOOKED: Status.NO_SHOW, Status.CHECKED_IN: Status.NO_SHOW},
        now=now, note="never came: marked at the end of the day",
    )  # fmt: skip


def close_day(*, now: datetime) -> int:
    """Close the tickets still open when the day ended: a visit being served is done, a call
    never answered is a no-show, and a ticket never called is cancelled (the office closed)."""
    return _move_all(
        {Status.SERVING: Status.DONE, Status.CALLED: Status.NO_SHOW, Status.WAITING: Status.CANCELLED},
        now=now, note="closed at the end of the day",
    )  # fmt: skip
