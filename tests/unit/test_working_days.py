from datetime import date

import pytest

from app.domain.working_days import DayKind, add_days, is_working_day, working_days_between

# 2026-12-05 (Sat) and 2026-12-10 (Thu, Constitution Day) and 2026-12-31 / 2027-01-01 holidays
HOLIDAYS = {date(2026, 12, 10), date(2026, 12, 31), date(2027, 1, 1)}


def test_working_days_skip_weekends():
    # Filed Friday 4 Dec: counting starts Saturday; Mon 7, Tue 8, Wed 9 are days 1-3
    assert add_days(date(2026, 12, 4), 3, DayKind.WORKING) == date(2026, 12, 9)


def test_a_holiday_inside_the_period_is_skipped():
    assert add_days(date(2026, 12, 8), 3, "working", HOLIDAYS) == date(2026, 12, 14)


def test_filed_on_a_holiday_counts_from_the_next_working_day():
    assert add_days(date(2026, 12, 10), 1, "working", HOLIDAYS) == date(2026, 12, 11)


def test_over_the_new_year():
    # Wed 30 Dec + 2 working days: 31 Dec and 1 Jan are holidays, 2-3 Jan a weekend
    assert add_days(date(2026, 12, 30), 2, "working", HOLIDAYS) == date(2027, 1, 5)


def test_calendar_days_count_every_day():
    assert add_days(date(2026, 12, 30), 7, "calendar", HOLIDAYS) == date(2027, 1, 6)


def test_closed_days_may_be_a_predicate():
    assert add_days(date(2026, 12, 8), 3, "working", HOLIDAYS.__contains__) == date(2026, 12, 14)
    assert not is_working_day(date(2026, 12, 5))
    assert is_working_day(date(2026, 12, 11), HOLIDAYS)


def test_working_days_between():
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 14), HOLIDAYS) == 5
    assert working_days_between(date(2026, 12, 14), date(2026, 12, 4)) == 0


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_days(date(2026, 12, 4), -1)
