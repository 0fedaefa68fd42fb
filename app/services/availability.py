"""How many places are left, per channel and per web window, for an office and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import String, Time, bindparam, cast, null, select, union_all

from app.domain.booking import web_window_refusal
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.office import ClosureInfo, OfficeRules
from app.models import DailyQuota, SlotQuota

from .office_rules import office_rules
from .transactions import reading

_days = DailyQuota.__table__
_slots = SlotQuota.__table__
#: The day's counter rows, per channel and per web window, in one statement.
_QUOTAS = union_all(
    select(_days.c.channel, cast(null(), Time).label("start"), _days.c.capacity, _days.c.used).where(
        _days.c.office_id == bindparam("o"), _days.c.day == bindparam("d")
    ),
    select(cast(null(), String), _slots.c.start, _slots.c.capacity, _slots.c.used).where(
        _slots.c.office_id == bindparam("o"), _slots.c.day == bindparam("d")
    ),
)


@dataclass(frozen=True)
class ChannelPlaces:
    capacity: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.used)


@dataclass(frozen=True)
class SlotPlaces:
    start: time
    end: time
    capacity: int
    remaining: int
    bookable: bool


@dataclass(frozen=True)
class Availability:
    office: OfficeRules
    day: date
    open: bool
    channels: dict[Channel, ChannelPlaces]
    slots: list[SlotPlaces]
    closure: ClosureInfo | None  # when a closure falls on that day


def office_availability(code: str, day: date | None, *, now: datetime) -> Availability:
    """Places left on ``day`` (today when None). A window is bookable exactly when a web
    booking of it would pass the rules now, and its ``remaining`` never exceeds what the web
    channel has left for the whole day, so a citizen is not offered a window that would fail."""
    office = office_rules(code)
    now_local = local_now(now)
    day = day or now_local.date()
    quotas, slot_rows = {}, {}
    for channel, start, capacity, used in reading().execute(_QUOTAS, {"o": office.id, "d": day}):
        if channel is not None:
            quotas[channel] = (capacity, used)
        else:
            slot_rows[start] = (capacity, used)
    is_open = office.calendar.is_open_on(day)
    channels = {}
    for channel in Channel:
        # Once a day has a counter row, its capacity is the one in force (it may have
        # been changed for that date); before that, the configured figure.
        capacity, used = quotas.get(channel.value, (office.daily_capacity(channel, day), 0))
        channels[channel] = ChannelPlaces(capacity if is_open else 0, used)

    web_left = channels[Channel.WEB].remaining
    windows = office.web_slots(day)
    slots = []
    for slot in windows:
        capacity, used = slot_rows.get(slot.start, (office.web_slot_capacity, 0))
        remaining = min(web_left, max(0, capacity - used))
        refusal = web_window_refusal(day, slot.start, now_local, office.booking_horizon_days, office.calendar, windows)
        slots.append(SlotPlaces(slot.start, slot.end, capacity, remaining, refusal is None and remaining > 0))
    return Availability(office, day, is_open, channels, slots, office.closures.get(day))
