"""When an office is open: weekly hours in several periods, and closed dates.

GECC offices open through lunch, again 17:00–19:00 and on weekend mornings, so a day
is a list of periods, not one opening and closing time. All times here are the
office's local wall-clock time (Asia/Bangkok); the database stores instants in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True, order=True)
class Period:
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError(f"a period must open before it closes: {self.opens}–{self.closes}")

    def contains(self, moment: time) -> bool:
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class Slot:
    """A web booking window, e.g. 09:00–09:30."""

    start: time
    end: time


@dataclass(frozen=True)
class OfficeCalendar:
    """Weekly periods keyed by ISO weekday (1 = Monday … 7 = Sunday), closed dates, and
    extended hours on chosen dates (periods added to that date's weekly ones)."""

    weekly: Mapping[int, tuple[Period, ...]]
    closures: frozenset[date] = field(default_factory=frozenset)
    extra: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        periods: Iterable[tuple[int, time, time]],
        closures: Iterable[date] = (),
        extra: Iterable[tuple[date, time, time]] = (),
    ) -> OfficeCalendar:
        by_day: dict[int, list[Period]] = {}
        for weekday, opens, closes in periods:
            by_day.setdefault(weekday, []).append(Period(opens, closes))
        weekly = {day: tuple(sorted(ps)) for day, ps in by_day.items()}
        for day, ps in weekly.items():
            _check_no_overlap(ps, f"weekday {day}")
        by_date: dict[date, list[Period]] = {}
        for day, opens, closes in extra:
            by_date.setdefault(day, []).append(Period(opens, closes))
        calendar = cls(weekly, frozenset(closures), {day: tuple(sorted(ps)) for day, ps in by_date.items()})
        for day in calendar.extra:
            _check_no_overlap(calendar.periods_on(day), day.isoformat())
        return calendar

    def periods_on(self, day: date) -> tuple[Period, ...]:
        if day in self.closures:
            return ()
        weekly = self.weekly.get(day.isoweekday(), ())
        extra = self.extra.get(day)
        return tuple(sorted(weekly + extra)) if extra else weekly

    def is_open_on(self, day: date) -> bool:
        return bool(self.periods_on(day))

    def is_open_at(self, local: datetime) -> bool:
        return any(p.contains(local.time()) for p in self.periods_on(local.date()))

    def opening_time(self, day: date) -> time | None:
        periods = self.periods_on(day)
        return periods[0].opens if periods else None

    def web_slots(self, day: date, minutes: int) -> list[Slot]:
        """Cut each period of the day into windows of ``minutes``; a short tail is dropped."""
        if minutes <= 0:
            raise ValueError("a booking window lasts at least one minute")
        length = timedelta(minutes=minutes)
        slots = []
        for period in self.periods_on(day):
            start = datetime.combine(day, period.opens)
            end_of_period = datetime.combine(day, period.closes)
            while start + length <= end_of_period:
                slots.append(Slot(start.time(), (start + length).time()))
                start += length
        return slots


def _check_no_overlap(periods: Iterable[Period], where: str) -> None:
    for earlier, later in pairwise(periods):
        if later.opens < earlier.closes:
            raise ValueError(f"periods overlap on {where}: {earlier} and {later}")


def local_now(now_utc: datetime, tz: ZoneInfo = BANGKOK) -> datetime:
    """The office's wall-clock time for an aware UTC instant."""
    if now_utc.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now_utc.astimezone(tz)


def to_utc(day: date, moment: time, tz: ZoneInfo = BANGKOK) -> datetime:
    """An office-local date and time as an aware UTC instant."""
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
