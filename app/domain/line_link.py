"""Linking a booking to a LINE user without a LINE Login app: a one-time code in a message.

The status page offers ``https://line.me/R/oaMessage/<basic id>/?<code>``: LINE opens a chat
with the office's account with the code typed in; the citizen sends it, and the webhook
binds the booking to the sender. The code is ``KHIW-<booking id, base 36>-<8 letters>``, the
letters a keyed hash of the booking and how many times it was linked before, so:

- nothing is stored to check it (the key is the server's; a guessed code fails);
- it works once: linking moves the count on, and the page shows a new code only after
  an ``unfollow`` unbound it;
- it ends with the booking: only a booking still waiting for its visit can be linked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from .status import Status

#: Statuses in which a citizen may still want news of the booking.
LINKABLE = frozenset({Status.BOOKED, Status.CHECKED_IN, Status.WAITING, Status.CALLED, Status.SERVING})
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed back
_CODE = re.compile(r"\bKHIW-([0-9A-Z]{1,10})-([A-Z2-9]{8})\b")


@dataclass(frozen=True)
class LinkCode:
    booking_id: int
    check: str


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _check(key: bytes, booking_id: int, token: str, generation: int) -> str:
    digest = hmac.new(key, f"line-link|{booking_id}|{token}|{generation}".encode(), hashlib.sha256).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:8])


def link_code(key: bytes, booking_id: int, token: str, generation: int) -> str:
    """The code that links this booking now (``generation``: how many links it had)."""
    return f"KHIW-{_base36(booking_id)}-{_check(key, booking_id, token, generation)}"


def read_code(text: str) -> LinkCode | None:
    """The code in a message (the citizen may have typed around it); None if there is none."""
    match = _CODE.search((text or "").upper())
    if not match:
        return None
    return LinkCode(int(match[1], 36), match[2])


def looks_like_code(text: str) -> bool:
    """Whether a message was meant as a code (a wrong one gets a polite answer, chat none)."""
    return "KHIW" in (text or "").upper()


def code_matches(key: bytes, code: LinkCode, token: str, generation: int) -> bool:
    return hmac.compare_digest(code.check, _check(key, code.booking_id, token, generation))


def can_link(status: Status, day: date, today: date) -> bool:
    """A code works only while the booking is still ahead or under way (it ends with it)."""
    return status in LINKABLE and day >= today
