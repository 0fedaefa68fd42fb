"""An application a citizen filed at the office, under Section 10 of the Licensing Facilitation Act.

The office must finish within the time its citizen's manual states (``due_on``, counted from
the day after filing, in working or calendar days: ``app.domain.working_days``). Once late,
it must tell the applicant the reason in writing every 7 days until it is done: the first
notice falls due the day after the due date, each next one 7 days after the last.

    received ──▶ in_progress ──▶ waiting_for_citizen ──▶ in_progress …
        │              │                   │
        └──────────────┴───────────────────┴──▶ completed | rejected   (finished: no move)
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import N_, InvalidField, InvalidState
from .roles import Role
from .text import showable, tidy
from .transitions import TransitionTable
from .working_days import DayKind, add_days, working_days_between

#: Section 10: a late applicant is told the reason every 7 days until the matter is done.
NOTICE_INTERVAL = timedelta(days=7)
#: The longest processing time Khiw accepts (a manual states days, not years).
MAX_PROCESSING_DAYS = 365
#: How long a delay reason or a status note may be.
MAX_REASON_LENGTH = 2000


class RequestStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_CITIZEN = "waiting_for_citizen"
    COMPLETED = "completed"
    REJECTED = "rejected"


FINISHED = frozenset({RequestStatus.COMPLETED, RequestStatus.REJECTED})

REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.RECEIVED: N_("Received"),
    RequestStatus.IN_PROGRESS: N_("In progress"),
    RequestStatus.WAITING_FOR_CITIZEN: N_("Waiting for the applicant"),
    RequestStatus.COMPLETED: N_("Completed"),
    RequestStatus.REJECTED: N_("Rejected"),
}

_ALLOWED: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.RECEIVED: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.WAITING_FOR_CITIZEN, RequestStatus.COMPLETED, RequestStatus.REJECTED}
    ),
    RequestStatus.IN_PROGRESS: frozenset(
        {RequestStatus.WAITING_FOR_CITIZEN, RequestStatus.COMPLETED, RequestStatus.REJECTED}
    ),
    RequestStatus.WAITING_FOR_CITIZEN: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED, RequestStatus.REJECTED}
    ),
    RequestStatus.COMPLETED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
}


#: The request's moves, checked by the one helper every aggregate uses.
TRANSITIONS = TransitionTable(
    _ALLOWED,
    N_("This request is “%(request_status)s”, so it cannot become “%(request_target)s”."),
    ("request_status", "request_target"),
)


def can_move(current: RequestStatus, target: RequestStatus) -> bool:
    return TRANSITIONS.can_move(current, target)


def check_move(current: RequestStatus, target: RequestStatus) -> None:
    """Raise InvalidState unless a request in ``current`` may move to ``target``."""
    TRANSITIONS.check(current, target)


def due_on(
    submitted_on: date, days: int, kind: DayKind | str, closed: Collection[date] | Callable[[date], bool] = ()
) -> date:
    """The last day to finish: ``days`` days counted from the day after filing; working days
    skip weekends and the office's closed dates."""
    return add_days(submitted_on, days, kind, closed)


#: Waiting for the applicant's documents or information stops the clock (Section 10: the time
#: the applicant takes is not the office's): never overdue, no notice owed, until they arrive.
PAUSED = frozenset({RequestStatus.WAITING_FOR_CITIZEN})


def due_on_after_pauses(
    submitted_on: date, days: int, kind: DayKind | str, paused_days: int,
    closed: Collection[date] | Callable[[date], bool] = (),
) -> date:  # fmt: skip
    """The due date with the days the clock stood still added (counted in the request's kind);
    recomputed like this whenever the office's calendar changes."""
    return add_days(submitted_on, days + paused_days, kind, closed)


def paused_days(
    paused_on: date, resumed_on: date, kind: DayKind | str, closed: Collection[date] | Callable[[date], bool] = ()
) -> int:
    """The days the clock stood still: from the day after it stopped up to and including the day
    the documents arrived (working days skip weekends and closed days; as counting starts the day
    after filing, it restarts the day after they arrive)."""
    if resumed_on <= paused_on:
        return 0
    if DayKind(kind) is DayKind.CALENDAR:
        return (resumed_on - paused_on).days
    return working_days_between(paused_on, resumed_on, closed)


def is_overdue(due: date, status: RequestStatus, today: date) -> bool:
    """Late once today is past the due date and the request is neither finished nor waiting
    for the applicant (the clock is stopped)."""
    return status not in FINISHED and status not in PAUSED and today > due


def days_late(due: date, status: RequestStatus, today: date) -> int:
    """Calendar days past the due date (0 when not overdue)."""
    return (today - due).days if is_overdue(due, status, today) else 0


def next_notice_on(due: date, status: RequestStatus, last_notice_on: date | None) -> date | None:
    """When the next delay notice is owed: the day after the due date when none was sent,
    else 7 days after the last one; None once the request is finished."""
    if status in FINISHED or status in PAUSED:
        return None
    if last_notice_on is None:
        return due + timedelta(days=1)
    return last_notice_on + NOTICE_INTERVAL


def notice_due(due: date, status: RequestStatus, last_notice_on: date | None, today: date) -> bool:
    """Whether the office owes the applicant a delay notice today."""
    upcoming = next_notice_on(due, status, last_notice_on)
    return upcoming is not None and is_overdue(due, status, today) and today >= upcoming


@dataclass(frozen=True)
class RequestTiming:
    """What a request's dates say today: late or not, by how much, and the notice owed."""

    due_on: date
    overdue: bool
    days_late: int
    next_notice_on: date | None
    notice_due: bool
    #: The day the clock stopped to wait for the applicant (None when it runs).
    paused_on: date | None = None


def timing(
    due: date, status: RequestStatus, last_notice_on: date | None, today: date, paused_on: date | None = None
) -> RequestTiming:
    return RequestTiming(
        due_on=due,
        overdue=is_overdue(due, status, today),
        days_late=days_late(due, status, today),
        next_notice_on=next_notice_on(due, status, last_notice_on),
        notice_due=notice_due(due, status, last_notice_on, today),
        paused_on=paused_on if status in PAUSED else None,
    )


def check_notice_allowed(timing_now: RequestTiming) -> None:
    """Section 10 asks for a notice every 7 days while late: not before the due date has passed,
    not while waiting for the applicant, and not again before 7 days after the last one."""
    if timing_now.paused_on is not None:
        raise InvalidState(
            N_("The request waits for the applicant's documents: the clock is stopped and no notice is owed.")
        )
    if not timing_now.overdue:
        raise InvalidState(N_("A delay notice is for a request past its due date that is not finished."))
    if not timing_now.notice_due and timing_now.next_notice_on is not None:
        raise InvalidState(
            N_("A notice was sent less than 7 days ago; the next one is due on %(date)s."),
            date=timing_now.next_notice_on.isoformat(),
        )


def check_submitted_on(submitted_on: date, today: date, field: str = "submitted_on") -> None:
    """An application is registered once filed: a filing date in the future is a typing mistake."""
    if submitted_on > today:
        raise InvalidField(
            field, N_("The filing date %(date)s is in the future; give the day it was filed."),
            date=submitted_on.isoformat(),
        )  # fmt: skip


#: A postal address for the letter: a few lines.
POSTAL_ADDRESS_MAX, POSTAL_ADDRESS_LINES = 300, 5


def read_postal_address(raw: object, field: str = "postal_address") -> str | None:
    text = read_text(raw, field, required=False, max_length=POSTAL_ADDRESS_MAX)
    if text is None:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > POSTAL_ADDRESS_LINES:
        raise InvalidField(field, N_("A postal address is at most %(max)s lines."), max=POSTAL_ADDRESS_LINES)
    return "\n".join(lines)


def letter_number_text(prefix: str, number: int | None) -> str:
    """What follows "ที่" on the letter: the office's prefix (with any "ที่" the head typed
    dropped, so the letter never reads "ที่ ที่") and the running number in Thai digits,
    e.g. ``ลพ 0318/๑๒๓``."""
    prefix = prefix.strip()
    if prefix.startswith("ที่"):
        prefix = prefix[len("ที่"):].strip()
    if number is None:
        return prefix
    return f"{prefix}{thai_digits(str(number))}"


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def read_signatory(line: str) -> Signatory:
    """The letterhead's signatory line: "name | position" (นายสมชาย ใจดี | นายอำเภอป่าซาง), or the
    position alone (the name is then written by hand)."""
    if "|" in line:
        name, title = line.split("|", 1)
        return Signatory(name.strip(), title.strip())
    return Signatory("", line.strip())


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


# --- reading what a clerk or a back-office system sends ----------------------------------


def read_status(raw: object, field: str = "status") -> RequestStatus:
    if not isinstance(raw, str) or raw not in RequestStatus.__members__.values():
        raise InvalidField(
            field,
            N_("Status must be one of: received, in_progress, waiting_for_citizen, completed, rejected."),
        )
    return RequestStatus(raw)


def read_day_kind(raw: object, field: str = "day_kind") -> DayKind:
    if not isinstance(raw, str) or raw not in DayKind.__members__.values():
        raise InvalidField(field, N_("Day kind must be “working” or “calendar”."))
    return DayKind(raw)


def read_processing_days(raw: object, field: str = "processing_days") -> int:
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, float) and raw.is_integer():  # JSON's 15.0 is the integer 15
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_PROCESSING_DAYS:
        raise InvalidField(
            field, N_("Processing time is a whole number of days from 0 to %(max)s."), max=MAX_PROCESSING_DAYS
        )
    return raw


def read_text(raw: object, field: str, *, required: bool, max_length: int = MAX_REASON_LENGTH) -> str | None:
    """Free text (a reason, a note; ``app.domain.text``): at most ``max_length`` characters as
    sent, showable apart from line breaks and tabs; stored trimmed, in NFC."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidField(field, N_("This field is required."))
        return None
    if not isinstance(raw, str):
        raise InvalidField(field, N_("This field must be text."))
    if len(raw) > max_length:
        raise InvalidField(field, N_("This text is too long (at most %(max)s characters)."), max=max_length)
    if not showable(raw):
        raise InvalidField(field, N_("This text holds characters that cannot be shown."))
    return tidy(raw)


def read_reference(raw: object, field: str = "reference") -> str | None:
    """The office's own application number: 1–40 printable characters on one line (as sent), or
    None (Khiw makes one)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > 40 or not raw.strip().isprintable():
        raise InvalidField(field, N_("A reference is 1–40 printable characters."))
    return raw.strip()


def make_reference(submitted_on: date, serial: int) -> str:
    """The application numbers Khiw made before issue 21 (R-<Buddhist year>-<serial>, e.g.
    R-2569-000123): sequential, so guessable; kept readable, never made any more."""
    return f"R-{submitted_on.year + 543}-{serial:06d}"


#: The random part of Khiw's references: no 0/O, 1/I/L (read out on the phone), as complaints'.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_RANDOM_LENGTH = 8  # 31⁸ ≈ 8.5 × 10¹¹: never found by trying, with 5 tries an hour
_PREFIX_MAX = 20


def new_reference(office_code: str, random_part: str) -> str:
    """Khiw's own application number when the office gave none: the office's code and a
    random part in two groups of four, e.g. ``PA-SANG-7KQ4-M2XP`` (issue 21: unguessable,
    and never the same at two offices)."""
    prefix = "".join(c if c.isascii() and c.isalnum() else "-" for c in office_code.upper()).strip("-")
    return f"{prefix[:_PREFIX_MAX].rstrip('-')}-{random_part[:4]}-{random_part[4:8]}"


def reference_candidates(typed: str) -> list[str]:
    """What a citizen's typed reference may be stored as: as typed, and in capitals (Khiw's
    own references are; an office's own number is kept as the office wrote it)."""
    text = typed.strip()
    return list(dict.fromkeys([text, text.upper()]))


def export_shows_names(role: Role) -> bool:
    """The delayed-requests export names the applicants only for the office's head and
    administrators (issue 21); a clerk's copy leaves the name column empty."""
    return role in (Role.HEAD, Role.ADMIN)


def same_last_digits(last4: str, phone_e164: str | None) -> bool:
    """Whether the phone ends in ``last4``, in constant time (no timing tells how many digits
    were right)."""
    tail = (phone_e164 or "")[-4:].rjust(4, "\0")
    return hmac.compare_digest(tail.encode(), last4.encode()) and phone_e164 is not None
