"""What a booking's status page (``/b/<token>``) shows, decided from its status alone.

The page a ticket's QR code, an SMS and "find my booking" open must never look like a
ticket that can still be used once the visit is over: a finished visit leads to its survey,
a cancelled booking or a missed turn says what happened and what to do next. The template
only picks the parts this rule names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import N_
from .status import NOT_YET_CALLED, STILL_CHANGING, Status


class NextStep(StrEnum):
    """The one thing the page offers first once the visit is over."""

    SURVEY = "survey"  # a finished visit whose survey is not answered yet
    THANKS = "thanks"  # a finished visit whose survey is answered
    BOOK_AGAIN = "book_again"  # a cancelled booking, or a missed turn on an earlier day
    ASK_COUNTER = "ask_counter"  # a turn missed today: the counter can give a new ticket


@dataclass(frozen=True)
class StatusPage:
    """The parts of the page. ``ticket`` is the usable ticket: the kiosk QR ("show this at
    the office"), what to bring, the calendar file; only a place still expected at the office
    shows it."""

    ticket: bool
    live: bool  # people ahead and the expected call time
    refreshing: bool  # the page keeps itself current (polling, or a meta refresh)
    called: bool  # highlighted: "your turn, go to the counter"
    next_step: NextStep | None
    outcome: str | None  # what happened, one sentence (an N_ message)


#: What happened, in a sentence, for each status that ends a visit.
OUTCOMES: dict[Status, str] = {
    Status.DONE: N_("Your visit is finished. Thank you for coming."),
    Status.CANCELLED: N_("This booking was cancelled. It is no longer a place in the queue."),
    Status.NO_SHOW: N_("This turn was missed: the ticket was called and nobody came to the counter."),
}


def status_page(status: Status, *, day: date, today: date, survey_answered: bool = False) -> StatusPage:
    """The status page of a booking in ``status`` for ``day``, seen on ``today`` (office time)."""
    if status is Status.DONE:
        step = NextStep.THANKS if survey_answered else NextStep.SURVEY
        return StatusPage(False, False, False, False, step, OUTCOMES[status])
    if status is Status.CANCELLED:
        return StatusPage(False, False, False, False, NextStep.BOOK_AGAIN, OUTCOMES[status])
    if status is Status.NO_SHOW:
        step = NextStep.ASK_COUNTER if day == today else NextStep.BOOK_AGAIN
        return StatusPage(False, False, False, False, step, OUTCOMES[status])
    return StatusPage(
        ticket=True,
        live=status in NOT_YET_CALLED,
        # Being served is still changing too: when the clerk finishes, the page turns to the survey.
        refreshing=status in STILL_CHANGING or status is Status.SERVING,
        called=status is Status.CALLED,
        next_step=None,
        outcome=None,
    )
