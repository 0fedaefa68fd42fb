"""What a booking's status page shows, per status (app/domain/status_page.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.status import ACTIVE, TERMINAL, Status
from app.domain.status_page import NextStep, status_page

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("status", sorted(TERMINAL))
def test_no_finished_cancelled_or_missed_visit_shows_a_ticket(status):
    shows = status_page(status, day=TODAY, today=TODAY)
    assert (shows.ticket, shows.live, shows.refreshing, shows.called) == (False, False, False, False)
    assert shows.outcome and shows.next_step


@pytest.mark.parametrize("status", sorted(ACTIVE))
def test_a_place_still_expected_at_the_office_shows_its_ticket(status):
    shows = status_page(status, day=TODAY, today=TODAY)
    assert shows.ticket and shows.next_step is None and shows.refreshing


def test_a_finished_visit_leads_to_its_survey_until_it_is_answered():
    assert status_page(Status.DONE, day=TODAY, today=TODAY).next_step is NextStep.SURVEY
    assert status_page(Status.DONE, day=TODAY, today=TODAY, survey_answered=True).next_step is NextStep.THANKS


def test_a_turn_missed_today_sends_to_the_counter_and_an_earlier_one_to_book_again():
    assert status_page(Status.NO_SHOW, day=TODAY, today=TODAY).next_step is NextStep.ASK_COUNTER
    assert status_page(Status.NO_SHOW, day=date(2026, 11, 20), today=TODAY).next_step is NextStep.BOOK_AGAIN
    assert status_page(Status.CANCELLED, day=TODAY, today=TODAY).next_step is NextStep.BOOK_AGAIN


def test_only_a_called_ticket_is_highlighted_and_only_waiting_ones_show_people_ahead():
    assert [s for s in Status if status_page(s, day=TODAY, today=TODAY).called] == [Status.CALLED]
    live = {s for s in Status if status_page(s, day=TODAY, today=TODAY).live}
    assert live == {Status.BOOKED, Status.CHECKED_IN, Status.WAITING}
