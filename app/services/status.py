"""Moving a booking from one status to the next, with its history: one shared piece.

Check-in, cancelling, and the counter console's call / start / done / no-show all move a
booking through here. The move is a compare-and-set (``… WHERE status = <what we saw>``),
so two clerks, or a clerk and a citizen, acting on the same ticket at once cannot both win:
the loser gets ``invalid_state`` and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import func, insert, literal, update
from sqlalchemy.engine import Row

from app.domain.channels import Channel
from app.domain.errors import N_, InvalidState
from app.domain.status import Status, check_transition
from app.extensions import db
from app.models import Booking, BookingEvent
from app.models.types import UTCDateTime

from . import board_cache

_bookings = Booking.__table__
_events = BookingEvent.__table__


@dataclass(frozen=True)
class BookingRow:
    """The columns of a booking the use cases work with (never the person's data)."""

    id: int
    token: str
    office_id: int
    service_id: int
    channel: Channel
    day: date
    seq: int | None  # None while held
    number: str | None
    slot_start: time | None
    slot_end: time | None
    status: Status
    counter_id: int | None
    created_at: datetime
    priority: str | None = None
    checked_in_at: datetime | None = None
    called_at: datetime | None = None
    recalls: int = 0
    hold_expires_at: datetime | None = None  # a held booking's deadline for its code

    @classmethod
    def of(cls, row: Row) -> BookingRow:
        m = row._mapping
        return cls(
            id=m["id"],
            token=m["token"],
            office_id=m["office_id"],
            service_id=m["service_id"],
            channel=Channel(m["channel"]),
            day=m["day"],
            seq=m["seq"],
            number=m["number"],
            slot_start=m["slot_start"],
            slot_end=m["slot_end"],
            status=Status(m["status"]),
            counter_id=m["counter_id"],
            created_at=m["created_at"],
            priority=m["priority"],
            checked_in_at=m["checked_in_at"],
            called_at=m["called_at"],
            recalls=m["recalls"],
            hold_expires_at=m["hold_expires_at"],
        )


def booking_columns() -> list:
    b = _bookings.c
    return [b.id, b.token, b.office_id, b.service_id, b.channel, b.day, b.seq, b.number, b.slot_start, b.slot_end,
            b.status, b.counter_id, b.created_at, b.priority, b.checked_in_at, b.called_at, b.recalls,
            b.hold_expires_at]  # fmt: skip


def move_booking(
    row: BookingRow,
    target: Status,
    *,
    now: datetime,
    actor: str,
    note: str | None = None,
    also: Mapping[str, object] | None = None,
    undoing: bool = False,
) -> BookingRow:
    """Move ``row`` to ``target`` and record the event; the caller's transaction commits.

    ``also`` sets other columns in the same compare-and-set (those the queue moves with the
    status: ``counter_id``, ``called_at``, ``checked_in_at``, ``recalls``, ``service_id``).
    Raises InvalidState when the move is not allowed, or when someone else moved the booking
    since it was read. ``undoing``: a move back the domain allowed instead of the transition
    table (a no-show taken back within its seconds, ``domain.counter.check_no_show_undo``).
    """
    if not undoing:
        check_transition(row.status, target)
    also = dict(also or {})
    unknown = set(also) - _MOVABLE
    if unknown:
        raise ValueError(f"move_booking cannot set {sorted(unknown)}")
    values = {**also, "status": target.value, "updated_at": now, **_visit_times(target, now)}
    moved = db.session.execute(
        update(_bookings).where(_bookings.c.id == row.id, _bookings.c.status == row.status.value).values(**values)
    ).rowcount
    if moved != 1:
        raise InvalidState(N_("This booking changed a moment ago; please look again."))
    db.session.execute(
        insert(_events).values(
            booking_id=row.id, from_status=row.status.value, to_status=target.value, at=now, actor=actor, note=note
        )
    )
    board_cache.forget_office(row.office_id)  # the board shows the change at once
    return replace(row, status=target, **also)


def _visit_times(target: Status, now: datetime) -> dict:
    """The moments reports measure, kept on the booking: the first call (a recall or a call
    after a transfer keeps it), the last start of service, the finish."""
    if target is Status.CALLED:
        return {"first_called_at": func.coalesce(_bookings.c.first_called_at, literal(now, UTCDateTime()))}
    if target is Status.SERVING:
        return {"serving_at": now}
    if target is Status.DONE:
        return {"done_at": now}
    return {}


#: Columns a status move may set besides the status (each a field of BookingRow).
_MOVABLE = frozenset({"counter_id", "called_at", "checked_in_at", "recalls", "service_id"})
