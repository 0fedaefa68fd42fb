"""The one interface every delivery backend offers, and the failures it reports.

``send(message)`` either returns ``Sent`` (the provider's id for the message and its first
status) or raises ``DeliveryFailed`` saying whether trying again could help. Backends take
all their settings in the constructor and keep no state between messages that matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)

_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, ready for a provider."""

    key: str  # the outbox's unique key: the e-mail's Message-ID is derived from it
    channel: str  # "sms" or "email"
    to: str  # E.164 phone number or e-mail address
    text: str
    subject: str = ""
    html: str | None = None
    validity_seconds: int | None = None  # SMS: drop it if the provider cannot deliver it in time
    tag: str = ""  # what kind of message (for the console and the provider's logs; never personal)


@dataclass(frozen=True)
class Sent:
    provider_id: str
    status: str = "sent"


class DeliveryFailed(Exception):
    """The provider did not take the message. ``permanent``: trying again will not help."""

    def __init__(self, reason: str, *, permanent: bool, code: str | int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = None if code is None else str(code)


class Backend(Protocol):
    channel: str
    name: str

    def send(self, message: Outgoing) -> Sent: ...


def check_recipient(message: Outgoing) -> None:
    """Refuse, as permanent, an address no provider could deliver to."""
    pattern = _E164 if message.channel == SMS else _EMAIL
    if not pattern.match(message.to or ""):
        kind = "phone number (E.164)" if message.channel == SMS else "e-mail address"
        raise DeliveryFailed(f"not a valid {kind}", permanent=True, code="invalid_recipient")


def mask_recipient(to: str) -> str:
    """What a log or console may show of a recipient: 08x-xxx-5678, s***@example.org."""
    if to.startswith("+66") and len(to) == 12:
        return f"0{to[3]}x-xxx-{to[-4:]}"
    if "@" in to:
        local, _, domain = to.partition("@")
        return f"{local[:1]}***@{domain}"
    return "x" * max(0, len(to) - 4) + to[-4:]
