"""Walk-in tickets, check-in times and the call order: the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from app.domain.booking import CheckInTooLate, check_in_refusal, decide_walk_in, remaining_open_minutes
from app.domain.calendar import BANGKOK, OfficeCalendar
from app.domain.channels import Channel
from app.domain.errors import Closed, InvalidField, InvalidState
from app.domain.office import CounterInfo, OfficeRules, ServiceInfo
from app.domain.queue import Priority, QueueEntry, call_order_key, parse_priority, people_ahead

WEEKDAY = [(d, time(8, 30), time(12, 0)) for d in range(1, 6)] + [(d, time(13, 0), time(16, 30)) for d in range(1, 6)]
SERVICE = ServiceInfo(1, "id-card", "ทำบัตร", "ID card", avg_minutes=10)


def office(counters: int = 1) -> OfficeRules:
    return OfficeRules(
        id=1, code="t", name_th="ท", name_en="T", address_th="", address_en="", lat=0, lon=0, geofence_m=1000,
        booking_horizon_days=30, web_slot_minutes=30, web_slot_capacity=4, prefixes={},
        calendar=OfficeCalendar.build(WEEKDAY), weekly_capacity={}, capacity_overrides={}, services=(SERVICE,),
        counters=tuple(CounterInfo(n, n, "", "", frozenset({Channel.WALK_IN})) for n in range(1, counters + 1)),
    )  # fmt: skip


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BANGKOK)  # 23 Nov 2026 is a Monday


def test_the_time_left_today_skips_lunch_and_counts_from_opening_before_it():
    assert remaining_open_minutes(at(7), office().calendar) == 210 + 210
    assert remaining_open_minutes(at(11, 30), office().calendar) == 30 + 210
    assert remaining_open_minutes(at(17), office().calendar) == 0


def test_a_walk_in_is_issued_while_the_time_left_can_serve_it():
    assert decide_walk_in(office(), SERVICE, at(16, 0), minutes_ahead=20).channel is Channel.WALK_IN
    with pytest.raises(Closed) as refused:
        decide_walk_in(office(), SERVICE, at(16, 0), minutes_ahead=30)
    assert refused.value.params == {"date": "2026-11-24", "time": "08:30"}
    # Two counters share the work.
    assert decide_walk_in(office(counters=2), SERVICE, at(16, 0), minutes_ahead=50)


def test_after_closing_or_on_a_weekend_the_ticket_says_when_to_come_back():
    with pytest.raises(Closed) as evening:
        decide_walk_in(office(), SERVICE, at(16, 45), minutes_ahead=0)
    with pytest.raises(Closed) as saturday:
        decide_walk_in(office(), SERVICE, at(10, 0, day=28), minutes_ahead=0)
    assert evening.value.params["date"] == "2026-11-24"
    assert saturday.value.params == {"date": "2026-11-30", "time": "08:30"}


@pytest.mark.parametrize(
    ("now", "outcome"),
    [((8, 59), Closed), ((9, 0), None), ((9, 30), None), ((10, 15), None), ((10, 16), CheckInTooLate)],
)
def test_a_web_booking_checks_in_from_30_minutes_before_its_window_to_15_after(now, outcome):
    refusal = check_in_refusal(Channel.WEB, at(0).date(), time(9, 30), time(10, 0), at(*now), 30, 15)
    assert (refusal is None) if outcome is None else isinstance(refusal, outcome)


def test_a_mobile_booking_checks_in_any_time_on_its_day_but_not_another():
    assert check_in_refusal(Channel.MOBILE, at(0).date(), None, None, at(16, 29), 30, 15) is None
    assert isinstance(check_in_refusal(Channel.MOBILE, at(0, day=24).date(), None, None, at(9), 30, 15), InvalidState)


def test_too_late_offers_a_walk_in_ticket():
    refusal = check_in_refusal(Channel.WEB, at(0).date(), time(9, 0), time(9, 30), at(11), 30, 15)
    assert refusal.code == "closed" and refusal.extra() == {"offer": "walk_in"}


def test_priority_first_then_window_then_arrival_then_number():
    arrived = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    later = datetime(2026, 11, 23, 2, 5, tzinfo=UTC)
    entries = [
        QueueEntry(Channel.WEB, 1, time(9, 0), None, later),
        QueueEntry(Channel.WEB, 2, time(9, 0), None, arrived),
        QueueEntry(Channel.WEB, 3, time(9, 30), Priority.MONK, later),
        QueueEntry(Channel.WEB, 4, time(8, 30), None, None),  # not arrived yet
        QueueEntry(Channel.WEB, 5, time(8, 30), None, later),
    ]
    assert [e.seq for e in sorted(entries, key=call_order_key)] == [3, 5, 4, 2, 1]
    assert people_ahead(entries[0], entries) == 4


def test_a_priority_group_is_one_of_four():
    assert parse_priority("pregnant") is Priority.PREGNANT and parse_priority(None) is None
    with pytest.raises(InvalidField):
        parse_priority("vip")
