"""Queue order and how long a person can expect to wait.

Each channel has its own counters and its own queue. Within a queue, web bookings go
by their time window, then by number; walk-in and mobile tickets by number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .channels import Channel


@dataclass(frozen=True)
class QueueEntry:
    channel: Channel
    seq: int
    slot_start: time | None = None


#: The call order within a channel's queue, as the fields compared in turn (each ascending;
#: a missing slot counts as the earliest). The database counts "people ahead" with the same
#: comparison (app/services/booking.py builds it from this), so the order is stated once.
CALL_ORDER_FIELDS = ("slot_start", "seq")


def call_order_key(entry: QueueEntry) -> tuple:
    """Sort key: earlier slot first (web), then lower number."""
    return tuple(time.min if value is None else value for value in (getattr(entry, f) for f in CALL_ORDER_FIELDS))


def people_ahead(me: QueueEntry, waiting: list[QueueEntry]) -> int:
    """How many of ``waiting`` (same office, day and channel, not yet called) go before me."""
    mine = call_order_key(me)
    return sum(1 for other in waiting if other.channel == me.channel and call_order_key(other) < mine)


def estimate_call_at(
    now: datetime,
    ahead: int,
    avg_service_minutes: int,
    counters: int,
    not_before: datetime | None = None,
) -> datetime:
    """When a person is likely to be called.

    The people ahead are shared among the channel's counters, each taking the service's
    average time; nobody is called before the office opens or before their own window.
    """
    start = max(now, not_before) if not_before else now
    rounds = math.ceil(ahead / max(1, counters))
    return start + timedelta(minutes=rounds * avg_service_minutes)
