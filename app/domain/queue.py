"""Queue order and how long a person can expect to wait.

Each channel has its own counters and its own queue. Within a queue, people in a priority
group (60 or older, disabled, pregnant, monks and novices) go first; then web bookings go
by their time window, then by when they checked in; mobile bookings by check-in time;
walk-in tickets first come, first served (their arrival is when the ticket was issued).
The number breaks any tie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from .channels import Channel
from .errors import N_, InvalidField


class Priority(StrEnum):
    """The groups the source documents ask offices to take care of first."""

    ELDERLY = "elderly"  # 60 or older
    DISABLED = "disabled"
    PREGNANT = "pregnant"
    MONK = "monk"  # a monk or a novice


PRIORITY_LABELS: dict[Priority, str] = {
    Priority.ELDERLY: N_("Aged 60 or over"),
    Priority.DISABLED: N_("Person with a disability"),
    Priority.PREGNANT: N_("Pregnant"),
    Priority.MONK: N_("Monk or novice"),
}


def parse_priority(raw: object) -> Priority | None:
    """None when not given; InvalidField("priority") for a group Khiw does not know."""
    if raw in (None, "", "none"):
        return None
    try:
        return Priority(raw)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidField(
            "priority", N_("Priority is one of: elderly, disabled, pregnant, monk (or leave it out).")
        ) from None


#: Not arrived yet (a booking not checked in) sorts after everyone who has.
NOT_ARRIVED = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class QueueEntry:
    channel: Channel
    seq: int
    slot_start: time | None = None
    priority: Priority | str | None = None
    checked_in_at: datetime | None = None

    @property
    def priority_rank(self) -> int:
        """0 for a priority group, 1 for everyone else (ascending: priority first)."""
        return 0 if self.priority else 1


#: The call order within a channel's queue, as the fields compared in turn (each ascending;
#: a missing slot counts as the earliest, a missing check-in as not arrived yet). The
#: database counts "people ahead" and calls the next ticket with the same comparison
#: (app/services/booking.py and app/services/queue.py build it from this), so the order is
#: stated once.
CALL_ORDER_FIELDS = ("priority_rank", "slot_start", "checked_in_at", "seq")

#: What a missing value counts as, per field.
CALL_ORDER_MISSING = {"slot_start": time.min, "checked_in_at": NOT_ARRIVED}


def call_order_key(entry: QueueEntry) -> tuple:
    """Sort key: priority first, then earlier window (web), earlier arrival, lower number."""
    values = []
    for name in CALL_ORDER_FIELDS:
        value = getattr(entry, name)
        values.append(CALL_ORDER_MISSING.get(name) if value is None else value)
    return tuple(values)


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
