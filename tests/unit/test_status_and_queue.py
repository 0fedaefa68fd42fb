"""A booking's statuses, the order of a queue and the expected time of a call."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from app.domain.calendar import BANGKOK
from app.domain.channels import Channel
from app.domain.errors import InvalidState
from app.domain.queue import QueueEntry, estimate_call_at, people_ahead
from app.domain.status import ACTIVE, NOT_YET_CALLED, STATUS_LABELS, TERMINAL, Status, can_move, check_transition

S = Status

# --- status --------------------------------------------------------------------------

DOCUMENTED_MOVES = [
    (S.BOOKED, S.WAITING, "check in"),
    (S.BOOKED, S.CHECKED_IN, "arrived early"),
    (S.CHECKED_IN, S.WAITING, "the queue opens"),
    (S.WAITING, S.CALLED, "call"),
    (S.CALLED, S.CALLED, "recall"),
    (S.CALLED, S.SERVING, "start"),
    (S.CALLED, S.NO_SHOW, "never came to the counter"),
    (S.SERVING, S.DONE, "finish"),
    (S.SERVING, S.WAITING, "transfer to another service"),
    (S.BOOKED, S.NO_SHOW, "the day ended and the person never came"),
    (S.BOOKED, S.CANCELLED, "cancel"),
    (S.CHECKED_IN, S.CANCELLED, "cancel"),
    (S.WAITING, S.CANCELLED, "cancel"),
]


@pytest.mark.parametrize(("current", "target", "why"), DOCUMENTED_MOVES)
def test_the_documented_moves_are_allowed(current, target, why):
    assert check_transition(current, target) is None, why


@pytest.mark.parametrize("current", sorted(TERMINAL))
@pytest.mark.parametrize("target", list(Status))
def test_a_finished_missed_or_cancelled_booking_cannot_move_anywhere(current, target):
    with pytest.raises(InvalidState) as caught:
        check_transition(current, target)

    assert caught.value.code == "invalid_state"
    assert caught.value.code == "invalid_state"
    assert caught.value.params == {"status": current.value, "target": target.value}


@pytest.mark.parametrize("current", [S.CALLED, S.SERVING])
def test_a_booking_cannot_be_cancelled_once_called(current):
    with pytest.raises(InvalidState):
        check_transition(current, S.CANCELLED)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.BOOKED, S.CALLED),  # must check in first
        (S.BOOKED, S.SERVING),
        (S.WAITING, S.DONE),  # must be served first
        (S.CALLED, S.DONE),
        (S.SERVING, S.NO_SHOW),  # the person is at the counter
        (S.WAITING, S.BOOKED),
        (S.CHECKED_IN, S.BOOKED),
    ],
)
def test_skipping_a_step_or_going_back_to_booked_is_refused(current, target):
    assert not can_move(current, target)
    with pytest.raises(InvalidState):
        check_transition(current, target)


def test_every_status_is_either_active_or_terminal_but_not_both():
    assert set(Status) == ACTIVE | TERMINAL
    assert not ACTIVE & TERMINAL


def test_people_not_yet_called_are_the_active_ones_before_the_call():
    assert {S.BOOKED, S.CHECKED_IN, S.WAITING} == NOT_YET_CALLED
    assert NOT_YET_CALLED < ACTIVE
    assert all(can_move(status, S.CANCELLED) for status in NOT_YET_CALLED)


def test_every_status_can_be_put_into_words():
    assert set(STATUS_LABELS) == set(Status)


# --- queue order ---------------------------------------------------------------------


def web(seq: int, hour: int, minute: int = 0) -> QueueEntry:
    return QueueEntry(Channel.WEB, seq, time(hour, minute))


def test_a_web_booking_in_an_earlier_window_is_ahead_whatever_its_number():
    w005_at_nine = web(5, 9)
    w002_at_ten = web(2, 10)

    assert people_ahead(w002_at_ten, [w005_at_nine, w002_at_ten]) == 1
    assert people_ahead(w005_at_nine, [w005_at_nine, w002_at_ten]) == 0


def test_within_one_window_web_bookings_go_by_number():
    waiting = [web(3, 9), web(1, 9), web(2, 9), web(4, 9, 30)]

    assert people_ahead(web(3, 9), waiting) == 2


def test_walk_in_tickets_go_by_number():
    waiting = [QueueEntry(Channel.WALK_IN, n) for n in (1, 2, 3, 5, 8)]

    assert people_ahead(QueueEntry(Channel.WALK_IN, 5), waiting) == 3


def test_only_people_in_the_same_channel_are_ahead():
    me = QueueEntry(Channel.MOBILE, 4)
    waiting = [
        QueueEntry(Channel.MOBILE, 1),
        QueueEntry(Channel.MOBILE, 2),
        QueueEntry(Channel.WALK_IN, 1),
        QueueEntry(Channel.WALK_IN, 2),
        web(1, 8, 30),
        me,
    ]

    assert people_ahead(me, waiting) == 2


def test_nobody_is_ahead_in_an_empty_queue():
    assert people_ahead(web(1, 9), []) == 0


# --- expected call time --------------------------------------------------------------

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BANGKOK)


@pytest.mark.parametrize(
    ("ahead", "counters", "minutes_later"),
    [
        (0, 2, 0),
        (1, 2, 10),  # ceil(1/2) = 1 round of 10 minutes
        (2, 2, 10),
        (3, 2, 20),
        (7, 3, 30),
        (5, 1, 50),
        (5, 0, 50),  # no counter open is counted as one, never a division by zero
        (5, -1, 50),
    ],
)
def test_the_people_ahead_are_shared_among_the_counters(ahead, counters, minutes_later):
    assert estimate_call_at(NOW, ahead, 10, counters) == NOW + timedelta(minutes=minutes_later)


def test_nobody_is_called_before_their_window_or_the_opening():
    window = NOW + timedelta(hours=2)

    assert estimate_call_at(NOW, 3, 10, 1, not_before=window) == window + timedelta(minutes=30)


def test_a_window_already_past_does_not_delay_the_estimate():
    earlier = NOW - timedelta(hours=1)

    assert estimate_call_at(NOW, 3, 10, 1, not_before=earlier) == NOW + timedelta(minutes=30)


def test_a_status_page_keeps_refreshing_until_the_person_is_at_the_counter_or_finished():
    from app.domain.status import STILL_CHANGING

    assert Status.CALLED in STILL_CHANGING and NOT_YET_CALLED <= STILL_CHANGING
    assert not STILL_CHANGING & (TERMINAL | {Status.SERVING})
