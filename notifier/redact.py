"""What a log line, an access log or the console may show: no token, phone, e-mail or ID.

A booking's token is its only key (``/b/<token>`` opens and cancels it); requests,
complaints and tickets have tokens too. Phone numbers, e-mail addresses and national IDs
are personal data (PDPA). These functions take text that may hold any of them — a request
line, a provider's error message, a database error — and hide them, keeping enough to read
the line (``/b/***``, ``s***@example.org``, ``xxxxxxxx5678``). Names cannot be recognised
in free text; they are kept out of logs at the source (parameters hidden, database error
details dropped: ``app/logs.py``).
"""

from __future__ import annotations

import re

from .backends.base import mask_email, mask_phone

#: A path segment after these is a token, whatever it looks like.
_TOKEN_AFTER = re.compile(r"(/(?:b|r|c|bookings|tickets|requests|complaints)/)([^/?#\s\"'<>]+)")
#: Any other run of 20+ URL-safe characters with a digit and a letter looks like a token
#: (``secrets.token_urlsafe``), a key or a hash.
_LONG_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}(?![A-Za-z0-9_\-])"
)
#: Query parameters whose values a log may keep; every other value is masked.
SAFE_QUERY_NAMES = frozenset({"lang", "date", "service", "office", "new", "month", "q", "channel", "format"})
_QUERY_PAIR = re.compile(r"([?&])([^=&\s\"#]+)=([^&\s\"#]*)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_E164 = re.compile(r"(?<![\w+])\+[1-9][0-9]{7,14}(?![0-9])")
_THAI_PHONE = re.compile(r"(?<![0-9])0[0-9]{1,2}-?[0-9]{3}-?[0-9]{4}(?![0-9])")
#: A LINE user id (personal data: it reaches the person): "U" and 32 hex digits.
_LINE_USER_ID = re.compile(r"(?<![A-Za-z0-9_\-])U[0-9a-f]{32}(?![A-Za-z0-9_\-])")
_NATIONAL_ID = re.compile(r"(?<![0-9])(?:[0-9]{13}|[0-9]-[0-9]{4}-[0-9]{5}-[0-9]{2}-[0-9])(?![0-9])")
#: A LINE link code (``KHIW-<booking>-<8 letters>``, app.domain.line_link): it links a booking to whoever sends it.
_LINE_CODE = re.compile(r"\bKHIW-[0-9A-Z]{1,10}-[A-Z2-9]{8}\b", re.IGNORECASE)
MASK = "***"


def _query_value(match: re.Match) -> str:
    separator, name, value = match.groups()
    if name in SAFE_QUERY_NAMES or not value:
        return match.group(0)
    return f"{separator}{name}={MASK}"


def mask_tokens(text: str) -> str:
    """Tokens in addresses (``/b/abc…`` → ``/b/***``), LINE link codes (``KHIW-***``) and the
    values of query parameters other than a few harmless ones (``?lang=en`` stays, ``?lat=18.6``
    → ``?lat=***``)."""
    text = _TOKEN_AFTER.sub(rf"\g<1>{MASK}", text)
    text = _LINE_CODE.sub(f"KHIW-{MASK}", text)
    text = _QUERY_PAIR.sub(_query_value, text)
    return _LONG_TOKEN.sub(MASK, text)


def _digits_tail(match: re.Match) -> str:
    raw = match.group(0)
    return "x" * (len(raw) - 4) + raw[-4:]


def scrub(text: str) -> str:
    """``mask_tokens``, and e-mail addresses, phone numbers, national IDs and LINE user ids masked."""
    text = _LINE_USER_ID.sub(lambda m: f"U***{m.group(0)[-4:]}", text)
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _NATIONAL_ID.sub(lambda m: re.sub(r"[0-9]", "x", m.group(0)), text)
    text = _E164.sub(lambda m: mask_phone(m.group(0)) if m.group(0).startswith("+66") else _digits_tail(m), text)
    text = _THAI_PHONE.sub(_digits_tail, text)
    return mask_tokens(text)
