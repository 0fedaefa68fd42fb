"""A booking's life: which status may follow which.

held ──code──▶ booked ──check in──▶ waiting ──call──▶ called ──start──▶ serving ──▶ done
   │                    ▲                 │                 │
   │ (arrived early)    │                 ├──▶ no_show      └─transfer─▶ waiting
   └──▶ checked_in ─────┘                 ├─recall: stays called
                                          └─put back─▶ waiting (called too early)
Any status before ``called`` may be cancelled, and may become ``no_show`` when the
day ends and the person never came (or never answered the call).
"""

from __future__ import annotations

from enum import StrEnum

from .errors import N_
from .transitions import TransitionTable


class Status(StrEnum):
    HELD = "held"  # place taken, waiting for the code sent to the person (verification "otp")
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


#: Statuses that hold a place: the person still expects to be served today.
ACTIVE = frozenset({Status.HELD, Status.BOOKED, Status.CHECKED_IN, Status.WAITING, Status.CALLED, Status.SERVING})

#: Statuses of people still waiting for their call (they are "ahead" of later tickets).
NOT_YET_CALLED = frozenset({Status.BOOKED, Status.CHECKED_IN, Status.WAITING})

#: Statuses in which something can still change for the citizen today (the status page
#: keeps itself current while a booking is in one of them).
STILL_CHANGING = NOT_YET_CALLED | {Status.CALLED, Status.HELD}

TERMINAL = frozenset({Status.DONE, Status.NO_SHOW, Status.CANCELLED})

#: How each status reads to a person: on the status page, the kiosk, the counter, in
#: messages. The one table of these words (translated by whoever shows them).
STATUS_LABELS: dict[Status, str] = {
    Status.HELD: N_("Waiting for your code"),
    Status.BOOKED: N_("Booked"),
    Status.CHECKED_IN: N_("Checked in"),
    Status.WAITING: N_("Waiting"),
    Status.CALLED: N_("Called"),
    Status.SERVING: N_("Being served"),
    Status.DONE: N_("Finished"),
    Status.NO_SHOW: N_("Missed"),
    Status.CANCELLED: N_("Cancelled"),
}

_ALLOWED: dict[Status, frozenset[Status]] = {
    # A hold is confirmed (booked), or ends: cancelled by the person, or released when it
    # expires or after too many wrong codes (also "cancelled", with the reason in its event).
    Status.HELD: frozenset({Status.BOOKED, Status.CANCELLED}),
    Status.BOOKED: frozenset({Status.CHECKED_IN, Status.WAITING, Status.CANCELLED, Status.NO_SHOW}),
    Status.CHECKED_IN: frozenset({Status.WAITING, Status.CANCELLED, Status.NO_SHOW}),
    Status.WAITING: frozenset({Status.CALLED, Status.CANCELLED, Status.NO_SHOW}),
    Status.CALLED: frozenset({Status.CALLED, Status.SERVING, Status.NO_SHOW, Status.WAITING}),
    Status.SERVING: frozenset({Status.DONE, Status.WAITING}),
    Status.DONE: frozenset(),
    Status.NO_SHOW: frozenset(),
    Status.CANCELLED: frozenset(),
}


#: The booking's moves, checked by the one helper every aggregate uses.
TRANSITIONS = TransitionTable(_ALLOWED, N_("This booking is “%(status)s”, so it cannot become “%(target)s”."))


def can_move(current: Status, target: Status) -> bool:
    return TRANSITIONS.can_move(current, target)


def check_transition(current: Status, target: Status) -> None:
    """Raise InvalidState unless a booking in ``current`` may move to ``target``."""
    TRANSITIONS.check(current, target)
