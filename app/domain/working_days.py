"""Counting days the way a citizen's manual and a service level do.

Section 10 of the Licensing Facilitation Act counts an application's processing time from the
day after it was filed; a complaint's service level counts from the day after it was received.
"Working" days skip Saturdays, Sundays and the days the office is closed (public holidays and
announced closures); "calendar" days count every day. Plain rules: the caller passes the
office's closed dates, nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta
from enum import StrEnum


class DayKind(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


def is_working_day(day: date, closed: Collection[date] | Callable[[date], bool] = ()) -> bool:
    """Monday to Friday and not a closed date of the office."""
    if day.isoweekday() >= 6:
        return False
    return not (closed(day) if callable(closed) else day in closed)


def add_days(
    start: date,
    days: int,
    kind: DayKind | str = DayKind.WORKING,
    closed: Collection[date] | Callable[[date], bool] = (),
) -> date:
    """The date ``days`` days after ``start``, counting from the day after it.

    With working days, only working days count, so the result is always a working day; with
    ``days == 0`` the start date itself is returned. ``days`` must not be negative.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if DayKind(kind) is DayKind.CALENDAR:
        return start + timedelta(days=days)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            counted += 1
    return day


def working_days_between(first: date, last: date, closed: Collection[date] | Callable[[date], bool] = ()) -> int:
    """How many working days lie after ``first`` up to and including ``last`` (0 if none)."""
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            count += 1
    return count
