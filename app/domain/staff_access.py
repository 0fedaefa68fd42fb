"""Staff access rules: what a password must be, how long a signed-in session lasts, and how
wrong passwords slow down and are reported without ever locking the owner out.

Plain rules with the clock passed in; the web edge counts the failures in the shared
rate-limit store and the services keep the sessions (docs/security.md, issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from .errors import N_, InvalidField

#: At least this many characters (issue 19 §4), at most PASSWORD_MAX (hashing costs grow with it).
PASSWORD_MIN = 12
PASSWORD_MAX = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list shipped with Khiw (lower case; ``#`` lines are comments)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_new_password(password: object, *, username: str = "", field: str = "password") -> str:
    """A new password as typed, or ``invalid`` on ``field`` saying what is wrong with it:
    12–200 characters, not on the common-password list, not the username."""
    if not isinstance(password, str) or not password:
        raise InvalidField(field, N_("Enter a new password."))
    if password.casefold() in common_passwords():
        raise InvalidField(field, N_("This password is on the list of common passwords; choose another."))
    if len(password) < PASSWORD_MIN:
        raise InvalidField(field, N_("A password needs at least %(min)s characters."), min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidField(field, N_("A password has at most %(max)s characters."), max=PASSWORD_MAX)
    if not password.isprintable():
        raise InvalidField(field, N_("A password cannot hold control characters."))
    if username and username.casefold() in password.casefold():
        raise InvalidField(field, N_("A password must not contain the username."))
    return password


# --- sessions ------------------------------------------------------------------------------

#: A signed-in browser lasts a working day at most (the staff API's tokens last as long)…
SESSION_LIFETIME = timedelta(hours=12)
#: …and ends after this long without a request (the console's live part asks every 2 s, so
#: an open console stays signed in; a browser left on another page does not).
SESSION_IDLE = timedelta(minutes=30)
#: How stale ``last_seen_at`` may get before a request writes it again (one write a minute
#: per signed-in browser, not one per request).
SEEN_EVERY = timedelta(seconds=60)


def session_ends_at(signed_in_at: datetime, *, lifetime: timedelta = SESSION_LIFETIME) -> datetime:
    return signed_in_at + lifetime


def session_alive(
    *, expires_at: datetime, last_seen_at: datetime, ended: bool, now: datetime, idle: timedelta = SESSION_IDLE
) -> bool:
    """A session serves a request while it was not ended, its working day is not over and it
    was used within the idle time."""
    return not ended and now < expires_at and now - last_seen_at < idle


def needs_seen_update(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= SEEN_EVERY


# --- wrong passwords -----------------------------------------------------------------------


@dataclass(frozen=True)
class FailurePolicy:
    """What failures of one username (from every address together) lead to.

    A failure is never a reason to refuse the right password from another address: the
    per-(username, address) limit refuses only the address that failed. Across addresses,
    failures only slow each attempt down (``delay_seconds``), up to ``max_delay``.
    """

    #: Failures (of the username, in the window) answered at full speed.
    free: int = 5
    #: The first delay after ``free`` failures; it doubles with each failure after that.
    first_delay: float = 0.25
    max_delay: float = 2.0
    #: The owner is told (by e-mail, when they have one) when the count reaches this.
    alert_after: int = 10

    def delay_seconds(self, failures: int) -> float:
        """How long an attempt for a username waits, given its failures so far in the window."""
        over = failures - self.free
        if over < 0 or self.max_delay <= 0:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** min(over, 16))

    def tell_owner(self, failures: int) -> bool:
        """Tell the owner once a window: when the count of failures reaches ``alert_after``."""
        return failures == self.alert_after
