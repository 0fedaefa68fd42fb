"""Fairness: an office may require a code sent to the person before a place is booked.

With ``verification = otp`` a web or mobile booking is first *held*: its place is taken but
it has no number, and a 6-digit code goes to the person's phone (or e-mail). Typing the code
back within the office's ``hold_minutes`` books it and gives its number; a hold that expires,
or that has had ``MAX_CODE_ATTEMPTS`` wrong codes, ends and its place goes back. A script
that books with made-up IDs and phones it cannot read never gets past the hold.

Pure rules: the clock is passed in; the code's hash and the writes are the services' part.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum

from .channels import Channel
from .errors import N_, InvalidField, InvalidState, KhiwError, TooSoon
from .status import Status

CODE_DIGITS = 6
MAX_CODE_ATTEMPTS = 5
#: Codes sent for one hold, the first included ("send the code again" twice at most): each
#: SMS costs the office, and each send is a message to a phone that may not be the booker's.
MAX_CODE_SENDS = 3
#: The least time between two sends of a hold's code.
RESEND_AFTER = timedelta(seconds=60)
HOLD_MINUTES_RANGE = (1, 60)


class Verification(StrEnum):
    NONE = "none"
    OTP = "otp"


def parse_verification(raw: object, field: str = "verification") -> Verification:
    try:
        return Verification(raw)
    except ValueError:
        raise InvalidField(field, N_('Verification is "none" or "otp".')) from None


def needs_hold(verification: str, channel: Channel) -> bool:
    """Whether a booking on ``channel`` is held until its code is confirmed (web and mobile
    bookings at an ``otp`` office; a walk-in ticket is issued to someone standing there)."""
    return verification == Verification.OTP and channel in (Channel.WEB, Channel.MOBILE)


def check_reachable(phone: str | None, email: str | None) -> None:
    """A held booking needs somewhere to send its code."""
    if not phone and not email:
        raise InvalidField(
            "phone",
            N_(
                "This office confirms each booking with a code sent to your mobile phone (or e-mail): "
                "please give your mobile number or e-mail address."
            ),
        )


def hold_expires_at(now: datetime, hold_minutes: int) -> datetime:
    return now + timedelta(minutes=hold_minutes)


def hold_is_live(status: Status, expires_at: datetime | None, attempts: int, now: datetime) -> bool:
    """Whether a hold still keeps its place: not expired, not ended by wrong codes."""
    return (
        status is Status.HELD
        and expires_at is not None
        and now < expires_at
        and attempts < MAX_CODE_ATTEMPTS
    )


def confirm_refusal(status: Status, expires_at: datetime | None, attempts: int, now: datetime) -> InvalidState | None:
    """Why a code may not be tried on this booking now, or None."""
    if hold_is_live(status, expires_at, attempts, now):
        return None
    if status in (Status.HELD, Status.CANCELLED):
        return InvalidState(
            N_("This booking has ended (it was not confirmed in time, or was cancelled) and its place was "
               "released. Please book again.")
        )
    return InvalidState(N_("This booking is already confirmed; no code is needed."))


def parse_code(raw: object) -> str:
    """The 6 digits as typed (spaces and Thai digits allowed)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField("code", N_("Type the 6-digit code we sent you."))
    digits = "".join(raw.split()).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    if len(digits) != CODE_DIGITS or not digits.isdigit() or not digits.isascii():
        raise InvalidField("code", N_("The code has 6 digits; type it as it appears in the message."))
    return digits


def attempts_left(attempts: int) -> int:
    return max(0, MAX_CODE_ATTEMPTS - attempts)


def wrong_code(attempts_after: int) -> InvalidField | InvalidState:
    """What a person is told after a wrong code (``attempts_after`` wrong codes so far)."""
    left = attempts_left(attempts_after)
    if left == 0:
        return InvalidState(
            N_(
                "That code was wrong %(max)s times, so this booking was ended and its place released. "
                "Please book again."
            ),
            max=MAX_CODE_ATTEMPTS,
        )
    return InvalidField("code", N_("That code is not right. You have %(left)s more tries."), left=left)


def resend_refusal(
    status: Status,
    expires_at: datetime | None,
    attempts: int,
    sends: int,
    last_sent_at: datetime | None,
    now: datetime,
) -> KhiwError | None:
    """Why a hold's code may not be sent again now, or None.

    The hold must still be live (as for typing a code). At most ``MAX_CODE_SENDS`` codes per
    hold (``invalid_state``: waiting does not help), and ``RESEND_AFTER`` between two sends
    (``rate_limited`` with the seconds to wait). The hold's end does not move: a new code
    never keeps a place longer, so resending cannot hold a place past ``hold_minutes``.
    """
    refusal = confirm_refusal(status, expires_at, attempts, now)
    if refusal is not None:
        return refusal
    if sends >= MAX_CODE_SENDS:
        return InvalidState(
            N_(
                "The code was already sent %(max)s times for this booking, so it cannot be sent again. "
                "Type the last code we sent, or let this booking lapse and book again."
            ),
            max=MAX_CODE_SENDS,
        )
    if last_sent_at is not None and now < last_sent_at + RESEND_AFTER:
        wait = math.ceil((last_sent_at + RESEND_AFTER - now).total_seconds())
        return TooSoon(
            N_("A code was sent less than a minute ago. Please wait %(seconds)s seconds before asking again."),
            retry_after=wait,
            seconds=wait,
        )
    return None
