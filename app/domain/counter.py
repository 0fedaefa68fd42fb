"""Rules of the counter console: who may move a ticket once it is called, and taking back a
no-show pressed by mistake.

Only the counter that called a ticket moves it on (recall, start, done, no-show, transfer):
the clerk who called it, at that counter, so the history and the survey credit the person
who served. A transfer hands the ticket on: the counter that calls it next owns it. An office
head (or an admin) may move any ticket of the office anyway; that override is audited.

A no-show is easy to press by mistake (X sits beside S and D): the console asks for a second
press, and for ``NO_SHOW_UNDO_SECONDS`` afterwards the same clerk may take it back. The
ticket goes back to "called" through the same compare-and-set as every move, and the
citizen's no-show message, held back for that time, is withdrawn.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from .errors import N_, Forbidden, InvalidState
from .roles import Role, StaffMember
from .status import Status

#: How long a no-show can be taken back (and its message is held back).
NO_SHOW_UNDO_SECONDS = 10


class MoveRight(StrEnum):
    OWN = "own"  # the clerk who called it, at that counter
    OVERRIDE = "override"  # a head or an admin moving another counter's ticket (audited)


def move_right(
    staff: StaffMember, *, caller: str | None, ticket_counter_id: int | None, acting_counter_id: int | None
) -> MoveRight:
    """Whether ``staff`` may move a called or served ticket, and how.

    ``caller`` is the actor of the call that brought the ticket to ``ticket_counter_id``;
    ``acting_counter_id`` the console's counter (None through the API, which has no counter:
    then the caller is enough). Forbidden for anyone else.
    """
    at_that_counter = acting_counter_id is None or acting_counter_id == ticket_counter_id
    if caller == staff.actor and at_that_counter:
        return MoveRight.OWN
    if staff.role in (Role.HEAD, Role.ADMIN):
        return MoveRight.OVERRIDE
    raise Forbidden(
        N_("This ticket was called at another counter: only that counter moves it, unless it is transferred.")
    )


def check_no_show_undo(
    status: Status, *, marked_at: datetime | None, marked_by: str | None, actor: str, now: datetime
) -> None:
    """A no-show may go back to "called" for ``NO_SHOW_UNDO_SECONDS``, by whoever marked it."""
    if status is not Status.NO_SHOW or marked_at is None:
        raise InvalidState(N_("Only a ticket just marked as a no-show can be taken back."))
    if marked_by != actor:
        raise Forbidden(N_("Only the counter that marked this no-show can take it back."))
    if now - marked_at > timedelta(seconds=NO_SHOW_UNDO_SECONDS):
        raise InvalidState(
            N_("The no-show can no longer be taken back (%(seconds)s seconds have passed)."),
            seconds=NO_SHOW_UNDO_SECONDS,
        )


def undo_deadline(marked_at: datetime) -> datetime:
    """Until when a no-show marked at ``marked_at`` can be taken back."""
    return marked_at + timedelta(seconds=NO_SHOW_UNDO_SECONDS)
