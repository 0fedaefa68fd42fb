"""The one interface every delivery backend offers, and the failures it reports.

The channel (``notifier.channel``) checks the address before a backend sees it.
``send(message)`` either returns ``Sent`` (the provider's id for the message and its first
status) or raises ``DeliveryFailed`` saying whether trying again could help. Backends take
all their settings in the constructor and keep no state between messages that matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, ready for a provider."""

    key: str  # the outbox's unique key: the e-mail's Message-ID is derived from it
    channel: str  # a registered channel's name (notifier.registry)
    to: str  # the address in that channel's form (E.164 phone number, e-mail address, …)
    text: str
    subject: str = ""
    html: str | None = None
    validity_seconds: int | None = None  # SMS: drop it if the provider cannot deliver it in time
    tag: str = ""  # what kind of message (for the console and the provider's logs; never personal)
    data: dict | None = None  # the channel's own structured form of the message (``Rendered.data``)


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


def mask_phone(to: str) -> str:
    """What a log or console may show of a phone number: 08x-xxx-5678."""
    if to.startswith("+66") and len(to) == 12:
        return f"0{to[3]}x-xxx-{to[-4:]}"
    return mask_other(to)


def mask_email(to: str) -> str:
    """What a log or console may show of an e-mail address: s***@example.org."""
    local, _, domain = to.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_other(to)


def mask_any(to: str) -> str:
    """An address of unknown kind, masked by its shape."""
    return mask_email(to) if "@" in to else mask_phone(to)


def mask_other(to: str) -> str:
    """Any other address: all but its last 4 characters hidden."""
    return "x" * max(0, len(to) - 4) + to[-4:]
