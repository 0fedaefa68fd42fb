"""How a clerk finds a booking at the counter: what they typed or scanned, read as one key.

The person standing at the counter shows their ID card. The clerk types (or scans) one of:
the national ID on the card (someone booked with it: the person is locked out of the day),
the mobile number they gave, the queue number on a confirmation (today's), or the booking's
link or code from the QR (``…/b/<token>`` or the token alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .booking import parse_ticket_number
from .errors import N_, InvalidField
from .identity import parse_national_id, parse_thai_mobile

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_LINK = re.compile(r"/b/([A-Za-z0-9_-]{16,64})(?:[/?#].*)?$")
QUERY_MAX = 300


class LookupKind(StrEnum):
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    NUMBER = "number"
    TOKEN = "token"


@dataclass(frozen=True)
class Lookup:
    kind: LookupKind
    value: str  # 13 digits, +66…, W012, or the token


def read_lookup(raw: object, field: str = "q") -> Lookup:
    """Read what the clerk typed; ``invalid`` on ``field`` when it is none of the four."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > QUERY_MAX:
        raise InvalidField(
            field, N_("Type the national ID on the card, a mobile number, a queue number or the booking's code.")
        )
    link = _LINK.search(text)
    if link:
        return Lookup(LookupKind.TOKEN, link.group(1))
    digits = re.sub(r"[\s-]", "", text).translate(_THAI_DIGITS)
    if digits.isascii() and digits.isdigit() and len(digits) == 13:
        return Lookup(LookupKind.NATIONAL_ID, parse_national_id(digits, field))  # a wrong check digit says so
    if re.fullmatch(r"\+?\d{9,12}", digits):
        return Lookup(LookupKind.PHONE, parse_thai_mobile(digits, field))
    try:
        return Lookup(LookupKind.NUMBER, parse_ticket_number(text, field))
    except InvalidField:
        pass
    if _TOKEN.fullmatch(text):
        return Lookup(LookupKind.TOKEN, text)
    raise InvalidField(
        field, N_("Type the national ID on the card, a mobile number, a queue number or the booking's code.")
    )
