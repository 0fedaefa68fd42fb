"""The domain's call order (``queue.CALL_ORDER_FIELDS``) as SQL: ORDER BY for calling the
next ticket, and the count of people ahead of a booking. Shared by the booking, queue and
notification services (one statement of the order, no import circle between them).
"""

from __future__ import annotations

from sqlalchemy import Time, and_, bindparam, case, func, literal, or_, select

from app.domain import queue
from app.domain.status import NOT_YET_CALLED
from app.models import Booking
from app.models.types import UTCDateTime

from .status import BookingRow
from .transactions import reading

_bookings = Booking.__table__


def call_order_value(name: str, value):
    """One field of the domain's call order as SQL: ``value`` is a column or a bound value
    holding that field's underlying column (``priority`` for ``priority_rank``)."""
    if name == "priority_rank":  # a priority group goes first, as in QueueEntry.priority_rank
        return case((value.is_(None), 1), else_=0)
    if name == "slot_start":  # no window counts as the earliest
        return func.coalesce(value, literal(queue.CALL_ORDER_MISSING[name], Time))
    if name == "checked_in_at":  # not arrived yet counts as the latest
        return func.coalesce(value, literal(queue.CALL_ORDER_MISSING[name], UTCDateTime))
    return value


#: The column behind each field of the call order.
CALL_ORDER_COLUMNS = {"priority_rank": "priority", "slot_start": "slot_start", "checked_in_at": "checked_in_at",
                      "seq": "seq"}  # fmt: skip


def call_order_by(columns) -> list:
    """ORDER BY clauses for the domain's call order (CALL_ORDER_FIELDS) on a bookings table."""
    return [call_order_value(name, columns[CALL_ORDER_COLUMNS[name]]) for name in queue.CALL_ORDER_FIELDS]


def ahead_count(mine: dict):
    """SQL counting who goes before a booking: the domain's call order (CALL_ORDER_FIELDS),
    compared field by field. ``mine`` gives the booking's own values by column name (bound
    parameters, or the columns of the booking being read, for a correlated count)."""
    others = _bookings.alias("ahead")
    o = others.c
    clauses, equal_so_far = [], []
    for name in queue.CALL_ORDER_FIELDS:
        column_name = CALL_ORDER_COLUMNS[name]
        column = call_order_value(name, o[column_name])
        value = call_order_value(name, mine[column_name])
        clauses.append(and_(*equal_so_far, column < value))
        equal_so_far.append(column == value)
    return (
        select(func.count())
        .select_from(others)
        .where(
            o.office_id == mine["office_id"],
            o.day == mine["day"],
            o.channel == mine["channel"],
            o.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
            or_(*clauses),
        )
    )


AHEAD_FIELDS = ("office_id", "day", "channel", "seq", "slot_start", "priority", "checked_in_at")
# Built once; each read binds its values (SQLAlchemy reuses the compiled SQL).
_AHEAD = ahead_count({name: bindparam(name, type_=_bookings.c[name].type) for name in AHEAD_FIELDS})
#: A booking by token with its people ahead, in one statement.


def people_ahead(row: BookingRow) -> int:
    """How many of the same office, day and channel, not yet called, go before this booking."""
    params = {"office_id": row.office_id, "day": row.day, "channel": row.channel.value, "seq": row.seq,
              "slot_start": row.slot_start, "priority": row.priority, "checked_in_at": row.checked_in_at}  # fmt: skip
    return reading().execute(_AHEAD, params).scalar_one()
