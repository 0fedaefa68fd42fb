"""Opening hours: several periods a day, closed dates, web windows and Bangkok time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import pairwise

import pytest

from app.domain.calendar import BANGKOK, OfficeCalendar, Period, Slot, local_now, to_utc

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)
CLOSED_MONDAY = date(2026, 12, 7)  # substitute holiday for 5 December


def gecc_calendar() -> OfficeCalendar:
    """Mon–Fri 08:30–12:00, 13:00–16:30 and 17:00–19:00; closed on one Monday."""
    periods = [
        (weekday, opens, closes)
        for weekday in range(1, 6)
        for opens, closes in [
            (time(8, 30), time(12, 0)),
            (time(13, 0), time(16, 30)),
            (time(17, 0), time(19, 0)),
        ]
    ]
    return OfficeCalendar.build(periods, closures=[CLOSED_MONDAY])


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BANGKOK)


# --- days ----------------------------------------------------------------------------


def test_a_day_can_have_several_periods_listed_in_order():
    calendar = OfficeCalendar.build(
        [(1, time(17, 0), time(19, 0)), (1, time(8, 30), time(12, 0)), (1, time(13, 0), time(16, 30))]
    )

    assert [(p.opens, p.closes) for p in calendar.periods_on(MONDAY)] == [
        (time(8, 30), time(12, 0)),
        (time(13, 0), time(16, 30)),
        (time(17, 0), time(19, 0)),
    ]
    assert calendar.opening_time(MONDAY) == time(8, 30)


@pytest.mark.parametrize(
    ("day", "is_open"),
    [(MONDAY, True), (MONDAY + timedelta(days=4), True), (SATURDAY, False), (CLOSED_MONDAY, False)],
)
def test_the_office_is_open_on_weekdays_except_closure_dates(day, is_open):
    assert gecc_calendar().is_open_on(day) is is_open


def test_a_closed_date_has_no_periods_no_opening_time_and_no_web_slots():
    calendar = gecc_calendar()

    assert calendar.periods_on(CLOSED_MONDAY) == ()
    assert calendar.opening_time(CLOSED_MONDAY) is None
    assert calendar.web_slots(CLOSED_MONDAY, 30) == []
    assert not calendar.is_open_at(at(CLOSED_MONDAY, 10))


# --- moments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "is_open"),
    [
        (8, 29, False),
        (8, 30, True),  # opens inclusive
        (11, 59, True),
        (12, 0, False),  # closes exclusive
        (12, 30, False),  # lunch gap
        (13, 0, True),
        (16, 29, True),
        (16, 30, False),
        (16, 45, False),
        (17, 0, True),
        (18, 59, True),
        (19, 0, False),
    ],
)
def test_the_office_is_open_from_opening_time_up_to_but_not_including_closing_time(hour, minute, is_open):
    assert gecc_calendar().is_open_at(at(MONDAY, hour, minute)) is is_open


def test_the_office_is_not_open_at_any_time_on_a_day_without_periods():
    assert not gecc_calendar().is_open_at(at(SATURDAY, 10))


# --- web slots -----------------------------------------------------------------------


def test_a_period_is_cut_into_windows_and_a_short_tail_is_dropped():
    calendar = OfficeCalendar.build([(1, time(8, 30), time(16, 30))])

    slots = calendar.web_slots(MONDAY, 45)

    assert len(slots) == 10  # 480 minutes: ten 45-minute windows and 30 minutes over
    assert slots[0] == Slot(time(8, 30), time(9, 15))
    assert slots[-1] == Slot(time(15, 15), time(16, 0))
    assert all(a.end == b.start for a, b in pairwise(slots))


def test_each_period_is_cut_on_its_own_so_no_window_crosses_lunch():
    slots = gecc_calendar().web_slots(MONDAY, 45)

    starts = [s.start.strftime("%H:%M") for s in slots]
    assert starts == [
        "08:30", "09:15", "10:00", "10:45",
        "13:00", "13:45", "14:30", "15:15",
        "17:00", "17:45",
    ]  # fmt: skip
    calendar = gecc_calendar()
    assert all(calendar.is_open_at(at(MONDAY, s.start.hour, s.start.minute)) for s in slots)
    assert all(any(p.opens <= s.start and s.end <= p.closes for p in calendar.periods_on(MONDAY)) for s in slots)


def test_a_window_that_exactly_fills_a_period_is_kept():
    calendar = OfficeCalendar.build([(1, time(9, 0), time(10, 0))])

    assert calendar.web_slots(MONDAY, 30) == [Slot(time(9, 0), time(9, 30)), Slot(time(9, 30), time(10, 0))]


def test_a_period_shorter_than_one_window_offers_no_window():
    calendar = OfficeCalendar.build([(1, time(9, 0), time(9, 20))])

    assert calendar.web_slots(MONDAY, 30) == []


# --- invalid hours -------------------------------------------------------------------


@pytest.mark.parametrize(
    "periods",
    [
        [(1, time(8, 30), time(12, 0)), (1, time(11, 30), time(16, 30))],
        [(1, time(8, 0), time(17, 0)), (1, time(9, 0), time(10, 0))],
        [(1, time(8, 30), time(12, 0)), (1, time(8, 30), time(12, 0))],
    ],
)
def test_overlapping_periods_on_one_day_are_refused(periods):
    with pytest.raises(ValueError, match="overlap"):
        OfficeCalendar.build(periods)


def test_periods_that_touch_do_not_overlap():
    calendar = OfficeCalendar.build([(1, time(8, 30), time(12, 0)), (1, time(12, 0), time(13, 0))])

    assert calendar.is_open_at(at(MONDAY, 12, 0))


def test_the_same_hours_on_different_weekdays_do_not_overlap():
    calendar = OfficeCalendar.build([(1, time(8, 30), time(12, 0)), (2, time(8, 30), time(12, 0))])

    assert calendar.is_open_on(MONDAY)
    assert calendar.is_open_on(MONDAY + timedelta(days=1))


@pytest.mark.parametrize(("opens", "closes"), [(time(16, 30), time(8, 30)), (time(9, 0), time(9, 0))])
def test_a_period_must_open_before_it_closes(opens, closes):
    with pytest.raises(ValueError, match="open before it closes"):
        OfficeCalendar.build([(1, opens, closes)])
    with pytest.raises(ValueError):
        Period(opens, closes)


# --- time zones ----------------------------------------------------------------------


def test_local_now_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_now(datetime(2026, 11, 23, 2, 30))


def test_local_now_turns_utc_into_bangkok_wall_clock_time():
    local = local_now(datetime(2026, 11, 23, 2, 30, tzinfo=UTC))

    assert (local.date(), local.time()) == (date(2026, 11, 23), time(9, 30))
    assert local.utcoffset() == timedelta(hours=7)


def test_local_now_can_move_to_the_next_day_in_bangkok():
    local = local_now(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))

    assert (local.date(), local.time()) == (date(2026, 11, 24), time(3, 0))


def test_local_now_accepts_any_aware_instant():
    local = local_now(datetime(2026, 11, 23, 10, 30, tzinfo=timezone(timedelta(hours=9))))  # Tokyo

    assert local.time() == time(8, 30)


def test_to_utc_gives_the_instant_of_a_bangkok_wall_clock_time():
    assert to_utc(date(2026, 11, 23), time(9, 30)) == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    assert to_utc(date(2026, 11, 23), time(3, 0)) == datetime(2026, 11, 22, 20, 0, tzinfo=UTC)


def test_to_utc_and_local_now_are_inverse():
    instant = to_utc(MONDAY, time(16, 29))

    assert instant.tzinfo is UTC
    assert local_now(instant) == at(MONDAY, 16, 29)
