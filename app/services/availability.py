"""How many places are left, per channel and per web window, for an office and day."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, Time, bindparam, cast, null, select, union_all

from app.domain.booking import DayState, web_day_state, web_window_refusal
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.office import ClosureInfo, OfficeRules
from app.domain.verification import Verification
from app.models import DailyQuota, SlotQuota

from .holds import expired_unreleased, not_counting_expired
from .office_rules import catalogue, office_rules
from .transactions import reading

_days = DailyQuota.__table__
_slots = SlotQuota.__table__
#: The day's counter rows, per channel and per web window, in one statement.
#: Places taken on a day: numbered ones and holds (offices with verification "otp").
_DAY_USED = (_days.c.used + _days.c.held).label("used")
_QUOTAS = union_all(
    select(_days.c.channel, cast(null(), Time).label("start"), _days.c.capacity, _DAY_USED).where(
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
    if office.verification == Verification.OTP:
        expired = expired_unreleased(office.id, day, day, now=now)
        quotas = not_counting_expired(quotas, expired, day)
        slot_rows = not_counting_expired(slot_rows, expired, day)
    channels = _channel_places(office, day, quotas)
    slots = _window_places(office, day, now_local, channels[Channel.WEB].remaining, slot_rows)
    return Availability(office, day, office.calendar.is_open_on(day), channels, slots, office.closures.get(day))


def _channel_places(office: OfficeRules, day: date, quotas: dict) -> dict[Channel, ChannelPlaces]:
    is_open = office.calendar.is_open_on(day)
    channels = {}
    for channel in Channel:
        # Once a day has a counter row, its capacity is the one in force (it may have
        # been changed for that date); before that, the configured figure.
        capacity, used = quotas.get(channel.value, (office.daily_capacity(channel, day), 0))
        channels[channel] = ChannelPlaces(capacity if is_open else 0, used)
    return channels


def _window_places(office: OfficeRules, day: date, now_local: datetime, web_left: int, slot_rows: dict) -> list:
    windows = office.web_slots(day)
    slots = []
    for slot in windows:
        capacity, used = slot_rows.get(slot.start, (office.web_slot_capacity, 0))
        remaining = min(web_left, max(0, capacity - used))
        refusal = web_window_refusal(day, slot.start, now_local, office.booking_horizon_days, office.calendar, windows)
        slots.append(SlotPlaces(slot.start, slot.end, capacity, remaining, refusal is None and remaining > 0))
    return slots


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: DayState
    places: int  # web places left in windows that can still be booked
    closure: ClosureInfo | None


@dataclass(frozen=True)
class MonthCalendar:
    office: OfficeRules
    first: date  # the month's first day
    weeks: list[list[CalendarDay | None]]  # Monday first; None pads the first and last week
    previous: date | None  # the first day of the month before, when it has bookable days
    next: date | None


_WEB_MONTH = union_all(
    select(_days.c.day, cast(null(), Time).label("start"), _days.c.capacity, _DAY_USED).where(
        _days.c.office_id == bindparam("o"),
        _days.c.day.between(bindparam("first"), bindparam("last")),
        _days.c.channel == Channel.WEB.value,
    ),
    select(_slots.c.day, _slots.c.start, _slots.c.capacity, _slots.c.used).where(
        _slots.c.office_id == bindparam("o"), _slots.c.day.between(bindparam("first"), bindparam("last"))
    ),
)


def month_calendar(code: str, month: date | None, *, now: datetime) -> MonthCalendar:
    """A month of the web channel's days (this month when None): which can be booked and how
    many places their windows have left, which are full, closed or holidays, and why. One
    statement; each day reads exactly as ``office_availability`` would read it."""
    office = office_rules(code)
    now_local = local_now(now)
    today = now_local.date()
    first = (month or today).replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    day_rows: dict[date, dict] = {}
    slot_rows: dict[date, dict] = {}
    for day, start, capacity, used in reading().execute(_WEB_MONTH, {"o": office.id, "first": first, "last": last}):
        if start is None:
            day_rows[day] = {Channel.WEB.value: (capacity, used)}
        else:
            slot_rows.setdefault(day, {})[start] = (capacity, used)
    if office.verification == Verification.OTP:
        expired = expired_unreleased(office.id, first, last, now=now)
        day_rows = {d: not_counting_expired(rows, expired, d) for d, rows in day_rows.items()}
        slot_rows = {d: not_counting_expired(rows, expired, d) for d, rows in slot_rows.items()}
    days = []
    for n in range(last.day):
        day = first + timedelta(days=n)
        places = 0
        if office.calendar.is_open_on(day) and today <= day:
            web = _channel_places(office, day, day_rows.get(day, {}))[Channel.WEB]
            windows = _window_places(office, day, now_local, web.remaining, slot_rows.get(day, {}))
            places = min(web.remaining, sum(s.remaining for s in windows if s.bookable))
        state = web_day_state(day, now_local, office.booking_horizon_days, office.calendar, places)
        days.append(CalendarDay(day, state, places, office.closures.get(day)))
    lead = [None] * first.weekday()
    cells = lead + days
    cells += [None] * (-len(cells) % 7)
    horizon_end = today + timedelta(days=office.booking_horizon_days)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return MonthCalendar(
        office,
        first,
        [cells[i : i + 7] for i in range(0, len(cells), 7)],
        previous if today < first else None,
        following if following <= horizon_end else None,
    )


@dataclass(frozen=True)
class OfficeToday:
    office: OfficeRules
    hours: tuple  # today's opening periods (app.domain.calendar.Period)
    places: dict[Channel, int]  # places left today per channel


def offices_today(*, now: datetime) -> list[OfficeToday]:
    """Every active office with today's hours and places left per channel (the home page)."""
    today = local_now(now).date()
    result = []
    for office in catalogue().active():
        places = office_availability(office.code, today, now=now)
        result.append(
            OfficeToday(
                office,
                office.calendar.periods_on(today),
                {channel: p.remaining for channel, p in places.channels.items()},
            )
        )
    return result
