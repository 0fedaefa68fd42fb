"""Booking, complaint and request declare their status moves in one shape, checked by one helper."""

from __future__ import annotations

from enum import StrEnum

import pytest

from app.domain import complaints, requests, status
from app.domain.errors import InvalidState
from app.domain.transitions import TransitionTable

TABLES = {"booking": status.TRANSITIONS, "complaint": complaints.TRANSITIONS, "request": requests.TRANSITIONS}


@pytest.mark.parametrize("name", TABLES)
def test_every_aggregate_declares_a_table_of_the_one_shape(name):
    assert isinstance(TABLES[name], TransitionTable)


@pytest.mark.parametrize("name", TABLES)
def test_a_refused_move_is_the_same_error_naming_both_statuses(name):
    table = TABLES[name]
    final = sorted(table.final(), key=lambda s: s.value)[0]
    target = next(iter(table.moves))

    with pytest.raises(InvalidState) as refused:
        table.check(final, target)
    assert set(refused.value.params.values()) >= {final.value, target.value}
    assert not table.can_move(final, target) and table.moves_from(final) == []


def test_the_aggregates_keep_their_moves():
    assert status.can_move(status.Status.WAITING, status.Status.CALLED)
    assert not status.can_move(status.Status.DONE, status.Status.WAITING)
    assert complaints.can_move(complaints.ComplaintStatus.RESOLVED, complaints.ComplaintStatus.IN_PROGRESS)
    assert requests.TRANSITIONS.moves_from(requests.RequestStatus.COMPLETED) == []
    assert requests.can_move(requests.RequestStatus.WAITING_FOR_CITIZEN, requests.RequestStatus.IN_PROGRESS)


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


def test_a_table_that_forgets_a_status_or_moves_to_an_unknown_one_is_refused_at_import():
    with pytest.raises(ValueError, match="amber"):
        TransitionTable({Light.RED: frozenset({Light.GREEN}), Light.GREEN: frozenset()}, "x")
    with pytest.raises(ValueError, match="unknown"):
        TransitionTable({Light.RED: frozenset({"blue"}), Light.GREEN: frozenset(), Light.AMBER: frozenset()}, "x")
