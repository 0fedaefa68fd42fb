"""How many places are left, per channel and per web window, for an office and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.extensions import db
from app.models import DailyQuota, Office, SlotQuota

from .capacity import channel_capacity


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
    day: date
    open: bool
    channels: dict[Channel, ChannelPlaces]
    slots: list[SlotPlaces]
    closure_reason: tuple[str, str] | None  # (th, en) when a closure falls on that day


def office_availability(office: Office, day: date, *, now: datetime) -> Availability:
    """Places left on ``day``. A slot's ``remaining`` never exceeds what the web channel
    has left for the whole day, so a citizen is not offered a window that would fail."""
    calendar = office.calendar()
    is_open = calendar.is_open_on(day)
    quotas = {
        q.channel: q
        for q in db.session.scalars(select(DailyQuota).where(DailyQuota.office_id == office.id, DailyQuota.day == day))
    }
    channels = {}
    for channel in Channel:
        row = quotas.get(channel.value)
        # Once a day has a counter row, its capacity is the one in force (it may have
        # been changed for that date); before that, the configured figure.
        capacity = row.capacity if row is not None else channel_capacity(office, channel, day)
        channels[channel] = ChannelPlaces(capacity if is_open else 0, row.used if row else 0)

    slot_rows = {
        s.start: s
        for s in db.session.scalars(select(SlotQuota).where(SlotQuota.office_id == office.id, SlotQuota.day == day))
    }
    now_local = local_now(now)
    today = now_local.date()
    in_horizon = today <= day <= date.fromordinal(today.toordinal() + office.booking_horizon_days)
    web_left = channels[Channel.WEB].remaining
    slots = []
    for slot in calendar.web_slots(day, office.web_slot_minutes):
        row = slot_rows.get(slot.start)
        capacity = row.capacity if row is not None else office.web_slot_capacity
        remaining = min(web_left, max(0, capacity - (row.used if row else 0)))
        started = day < today or (day == today and slot.start <= now_local.time())
        bookable = in_horizon and not started and remaining > 0
        slots.append(SlotPlaces(slot.start, slot.end, capacity, remaining, bookable))
    closure = next((c for c in office.closures if c.day == day), None)
    return Availability(day, is_open, channels, slots, (closure.reason_th, closure.reason_en) if closure else None)
