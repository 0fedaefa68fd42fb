"""When a place may be booked: web windows, mobile hours, daily capacity and ticket numbers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.domain.booking import (
    check_mobile_day,
    check_mobile_window,
    check_web_window,
    format_ticket_number,
)
from app.domain.calendar import BANGKOK, OfficeCalendar, Slot
from app.domain.errors import Closed, InvalidField
from app.domain.office import daily_capacity

TODAY = date(2026, 11, 23)  # a Monday
SATURDAY = date(2026, 11, 28)
HOLIDAY = date(2026, 12, 7)  # a Monday the office is closed
HORIZON = 30
SLOT_MINUTES = 30


def calendar() -> OfficeCalendar:
    periods = [
        (weekday, opens, closes)
        for weekday in range(1, 6)
        for opens, closes in [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))]
    ]
    return OfficeCalendar.build(periods, closures=[HOLIDAY])


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


NOW = at(TODAY, 10, 0)


def book_web(day: date, slot: time, now: datetime = NOW) -> Slot:
    cal = calendar()
    return check_web_window(day, slot, now, HORIZON, cal, cal.web_slots(day, SLOT_MINUTES))


# --- web -----------------------------------------------------------------------------


def test_a_listed_window_on_a_later_open_day_can_be_booked():
    assert book_web(TODAY + timedelta(days=1), time(8, 30)) == Slot(time(8, 30), time(9, 0))


def test_a_past_date_is_closed_for_booking():
    with pytest.raises(Closed) as caught:
        book_web(TODAY - timedelta(days=1), time(9, 0))

    assert (caught.value.code, caught.value.field) == ("closed", "date")
    assert caught.value.params == {"date": "2026-11-22"}


def test_the_last_day_of_the_horizon_can_be_booked():
    last = TODAY + timedelta(days=HORIZON)  # a Wednesday

    assert book_web(last, time(9, 0)).start == time(9, 0)


def test_a_day_beyond_the_horizon_is_closed_and_the_last_bookable_day_is_given():
    with pytest.raises(Closed) as caught:
        book_web(TODAY + timedelta(days=HORIZON + 1), time(9, 0))  # a Thursday, open

    assert caught.value.field == "date"
    assert caught.value.params == {"days": HORIZON, "last": "2026-12-23"}


@pytest.mark.parametrize("day", [SATURDAY, HOLIDAY], ids=["closed weekday", "closure date"])
def test_a_day_the_office_is_closed_cannot_be_booked(day):
    with pytest.raises(Closed) as caught:
        book_web(day, time(9, 0))

    assert caught.value.field == "date"
    assert caught.value.params == {"date": day.isoformat()}


@pytest.mark.parametrize("slot", [time(12, 0), time(9, 15), time(16, 30), time(7, 0)])
def test_a_window_that_is_not_listed_is_refused_as_an_invalid_slot(slot):
    with pytest.raises(InvalidField) as caught:
        book_web(TODAY + timedelta(days=1), slot)

    assert (caught.value.code, caught.value.field) == ("invalid", "slot")
    assert caught.value.params["slot"] == slot.strftime("%H:%M")


@pytest.mark.parametrize(
    ("slot", "now"),
    [
        (time(10, 0), at(TODAY, 10, 0)),  # starting this very minute
        (time(10, 0), at(TODAY, 10, 1)),
        (time(8, 30), at(TODAY, 10, 0)),
        (time(16, 0), at(TODAY, 17, 0)),
    ],
)
def test_a_window_today_that_has_already_started_is_closed(slot, now):
    with pytest.raises(Closed) as caught:
        book_web(TODAY, slot, now)

    assert caught.value.field == "slot"
    assert caught.value.params == {"slot": slot.strftime("%H:%M")}


def test_a_later_window_today_can_still_be_booked():
    assert book_web(TODAY, time(10, 30), at(TODAY, 10, 29)) == Slot(time(10, 30), time(11, 0))


def test_an_early_window_tomorrow_can_be_booked_late_today():
    assert book_web(TODAY + timedelta(days=1), time(8, 30), at(TODAY, 23, 59)).start == time(8, 30)


# --- mobile --------------------------------------------------------------------------


@pytest.mark.parametrize("now", [at(TODAY, 8, 30), at(TODAY, 11, 59), at(TODAY, 13, 0)])
def test_mobile_booking_is_open_while_the_office_is_open(now):
    assert check_mobile_window(now, calendar()) is None


@pytest.mark.parametrize("now", [at(TODAY, 12, 30), at(TODAY, 7, 0), at(TODAY, 16, 30)])
def test_mobile_booking_outside_todays_hours_is_closed_and_gives_the_hours(now):
    with pytest.raises(Closed) as caught:
        check_mobile_window(now, calendar())

    assert caught.value.params == {"hours": "08:30–12:00, 13:00–16:30"}
    assert "08:30–12:00, 13:00–16:30" in str(caught.value)


@pytest.mark.parametrize("day", [SATURDAY, HOLIDAY])
def test_mobile_booking_on_a_closed_day_is_closed(day):
    with pytest.raises(Closed) as caught:
        check_mobile_window(at(day, 10), calendar())

    assert "closed today" in caught.value.message
    assert caught.value.params == {}


@pytest.mark.parametrize("requested", [None, TODAY])
def test_a_mobile_booking_for_today_or_no_day_is_accepted(requested):
    assert check_mobile_day(requested, TODAY) is None


@pytest.mark.parametrize("requested", [TODAY + timedelta(days=1), TODAY - timedelta(days=1)])
def test_a_mobile_booking_for_another_day_points_at_the_date(requested):
    with pytest.raises(InvalidField) as caught:
        check_mobile_day(requested, TODAY)

    assert caught.value.field == "date"
    assert "web" in caught.value.message


# --- capacity ------------------------------------------------------------------------

WEEKLY = {1: 40, 2: 35, 6: 10}


@pytest.mark.parametrize(
    ("override", "day", "is_open", "places"),
    [
        (None, TODAY, True, 40),  # Monday's figure
        (None, TODAY + timedelta(days=1), True, 35),  # Tuesday's figure
        (None, TODAY + timedelta(days=2), True, 0),  # no figure for Wednesday
        (12, TODAY, True, 12),  # a date's override wins
        (0, TODAY, True, 0),  # an override of 0 is honoured, not ignored
        (None, TODAY, False, 0),
        (12, TODAY, False, 0),  # closed wins over everything
    ],
)
def test_daily_capacity_uses_the_override_then_the_weekday_and_is_zero_when_closed(override, day, is_open, places):
    assert daily_capacity(WEEKLY, override, day, is_open) == places


# --- ticket numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "seq", "ticket"),
    [("W", 1, "W001"), ("W", 42, "W042"), ("W", 999, "W999"), ("W", 1000, "W1000"), ("M", 7, "M007")],
)
def test_ticket_numbers_have_at_least_three_digits_after_the_channel_letter(prefix, seq, ticket):
    assert format_ticket_number(prefix, seq) == ticket
