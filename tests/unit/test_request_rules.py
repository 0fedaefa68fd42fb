"""Section 10: a request's due date, when it is late, and the 7-day notice cadence."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import InvalidField, InvalidState
from app.domain.requests import (
    RequestStatus,
    can_move,
    check_move,
    days_late,
    due_on,
    is_overdue,
    make_reference,
    next_notice_on,
    notice_due,
    read_processing_days,
    read_text,
)

# 2026: Mon 5 Oct … Fri 9 Oct; Chulalongkorn Day Fri 23 Oct; New Year's Day Fri 1 Jan 2027.
CHULALONGKORN = date(2026, 10, 23)


def test_working_days_count_from_the_day_after_filing_and_skip_the_weekend():
    # Filed Monday 5 Oct: 5 working days are Tue 6 … Fri 9, Mon 12 → due Monday 12 Oct.
    assert due_on(date(2026, 10, 5), 5, "working") == date(2026, 10, 12)


def test_calendar_days_count_every_day():
    assert due_on(date(2026, 10, 5), 5, "calendar") == date(2026, 10, 10)


def test_a_holiday_inside_the_period_adds_a_day():
    # Filed Tue 20 Oct, 5 working days: Wed 21, Thu 22, (Fri 23 holiday), Mon 26, Tue 27, Wed 28.
    assert due_on(date(2026, 10, 20), 5, "working", {CHULALONGKORN}) == date(2026, 10, 28)
    assert due_on(date(2026, 10, 20), 5, "working") == date(2026, 10, 27)


def test_filed_on_a_friday_the_count_starts_on_monday():
    assert due_on(date(2026, 10, 9), 1, "working") == date(2026, 10, 12)
    assert due_on(date(2026, 10, 9), 3, "calendar") == date(2026, 10, 12)


def test_filed_on_a_holiday_the_count_starts_the_next_working_day():
    assert due_on(CHULALONGKORN, 1, "working", {CHULALONGKORN}) == date(2026, 10, 26)


def test_over_the_new_year_the_holidays_and_the_year_change_are_counted():
    closed = {date(2026, 12, 31), date(2027, 1, 1)}
    # Filed Tue 29 Dec 2026, 3 working days: Wed 30, (Thu 31, Fri 1 closed; weekend), Mon 4, Tue 5.
    assert due_on(date(2026, 12, 29), 3, "working", closed) == date(2027, 1, 5)
    assert make_reference(date(2027, 1, 4), 123) == "R-2570-000123"


def test_overdue_only_after_the_due_date_and_only_while_unfinished():
    due = date(2026, 10, 12)
    assert not is_overdue(due, RequestStatus.IN_PROGRESS, due)
    assert is_overdue(due, RequestStatus.IN_PROGRESS, date(2026, 10, 13))
    assert days_late(due, RequestStatus.IN_PROGRESS, date(2026, 10, 20)) == 8
    assert days_late(due, RequestStatus.WAITING_FOR_CITIZEN, date(2026, 10, 20)) == 0  # the clock is stopped
    assert not is_overdue(due, RequestStatus.COMPLETED, date(2026, 10, 20))
    assert days_late(due, RequestStatus.REJECTED, date(2026, 10, 20)) == 0


def test_the_first_notice_is_due_the_day_after_the_due_date_then_every_seven_days():
    due = date(2026, 10, 12)
    status = RequestStatus.IN_PROGRESS
    assert next_notice_on(due, status, None) == date(2026, 10, 13)
    assert not notice_due(due, status, None, due)
    assert notice_due(due, status, None, date(2026, 10, 13))
    # Sent on the 13th: the next is owed on the 20th, not before.
    assert next_notice_on(due, status, date(2026, 10, 13)) == date(2026, 10, 20)
    assert not notice_due(due, status, date(2026, 10, 13), date(2026, 10, 19))
    assert notice_due(due, status, date(2026, 10, 13), date(2026, 10, 20))
    assert notice_due(due, status, date(2026, 10, 13), date(2026, 10, 25))  # still owed when late


def test_the_cadence_stops_once_the_request_is_finished():
    due = date(2026, 10, 12)
    for finished in (RequestStatus.COMPLETED, RequestStatus.REJECTED):
        assert next_notice_on(due, finished, date(2026, 10, 13)) is None
        assert not notice_due(due, finished, None, date(2026, 11, 1))


def test_statuses_move_forward_and_a_finished_request_never_moves():
    assert can_move(RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
    assert can_move(RequestStatus.WAITING_FOR_CITIZEN, RequestStatus.IN_PROGRESS)
    assert can_move(RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED)
    assert not can_move(RequestStatus.IN_PROGRESS, RequestStatus.RECEIVED)
    for finished in (RequestStatus.COMPLETED, RequestStatus.REJECTED):
        for target in RequestStatus:
            assert not can_move(finished, target)
    with pytest.raises(InvalidState):
        check_move(RequestStatus.COMPLETED, RequestStatus.IN_PROGRESS)


def test_bad_processing_times_and_texts_name_their_field():
    assert read_processing_days(15) == 15
    for bad in (-1, 366, 1.5, True, "many"):
        with pytest.raises(InvalidField) as caught:
            read_processing_days(bad)
        assert caught.value.field == "processing_days"
    with pytest.raises(InvalidField) as caught:
        read_text("  ", "reason", required=True)
    assert caught.value.field == "reason"
    with pytest.raises(InvalidField):
        read_text("x" * 2001, "reason", required=True)
    assert read_text(" รอผลตรวจสอบจากกรมที่ดิน ", "reason", required=True) == "รอผลตรวจสอบจากกรมที่ดิน"
