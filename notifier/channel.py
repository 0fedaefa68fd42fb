"""A notification channel (SMS, e-mail, …) as one declared thing.

A channel says, once: its ``name`` (what the outbox stores), where it stands in the order
Khiw tries channels (``preference``: lower first; the same order is the fallback order),
whether it carries a whole message with its links (``rich``), which field of a person's
record holds its address (``address_field``), the setting that names its backend and the
backends it offers (``console``/``null`` for every channel, plus its real provider), its
renderer, how to check and mask an address, and what a provider's delivery receipt means.
``notifier.registry`` lists the channels; nothing else names one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .backends.base import Backend, DeliveryFailed, Outgoing, Sent
from .backends.console import ConsoleBackend, NullBackend
from .content import Rendered


@dataclass(frozen=True)
class RenderOptions:
    #: May this message carry a link? (SMS: only once the sender is registered, SMS_LINKS_ALLOWED.)
    links_allowed: bool = True


#: ``render(facts, options)``: facts are ``notifier.messages.Facts`` or ``notifier.complaints.ComplaintFacts``.
Renderer = Callable[[Any, RenderOptions], Rendered]


@dataclass(frozen=True)
class BackendContext:
    """What a backend may need beyond its own settings: where providers call Khiw back
    (``PUBLIC_BASE_URL/webhooks``), None when nobody listens (tests, scripts)."""

    webhooks_url: str | None = None


#: ``factory(config, channel, context)`` → a backend; ``config`` is a plain mapping of settings.
BackendFactory = Callable[[Mapping, "Channel", BackendContext], Backend]


def console_backend(config: Mapping, channel: Channel, context: BackendContext) -> Backend:
    return ConsoleBackend(channel.name, mask=channel.mask_address)


def null_backend(config: Mapping, channel: Channel, context: BackendContext) -> Backend:
    return NullBackend(channel.name)


def never_permanent(status: str, code: str | None) -> bool:
    return False


@dataclass(frozen=True)
class Channel:
    name: str  # stored in the outbox's ``channel`` column (≤ 10 characters)
    preference: int  # lower is tried first; also the fallback order after a permanent failure
    rich: bool  # carries the whole message and its links (preferred for messages that are not urgent)
    address_field: str  # the field of a booking / request / complaint holding this channel's address
    setting: str  # the configuration key naming the backend, e.g. "SMS_BACKEND"
    render: Renderer
    valid_address: Callable[[str], bool]
    mask_address: Callable[[str], str]
    #: Real backends by name; ``console`` and ``null`` are added for every channel.
    backends: Mapping[str, BackendFactory] = field(default_factory=dict)
    #: The setting that allows links in this channel's messages (None: always allowed).
    links_setting: str | None = None
    #: Whether a provider's delivery receipt (status, error code) means this recipient can
    #: never get the message (a dead number): the outbox then falls back to the next channel.
    receipt_is_permanent: Callable[[str, str | None], bool] = never_permanent

    def backend_names(self) -> tuple[str, ...]:
        return ("console", "null", *self.backends)

    def build_backend(self, config: Mapping, context: BackendContext | None = None) -> Backend:
        """The backend the configuration names (``console`` when it names none)."""
        name = config.get(self.setting) or "console"
        factories: dict[str, BackendFactory] = {"console": console_backend, "null": null_backend, **self.backends}
        if name not in factories:
            raise ValueError(f"{self.setting} must be one of {', '.join(self.backend_names())}, not {name!r}")
        return CheckedBackend(factories[name](config, self, context or BackendContext()), self)

    def options(self, config: Mapping) -> RenderOptions:
        links = True if self.links_setting is None else _truthy(config.get(self.links_setting, False))
        return RenderOptions(links_allowed=links)


class CheckedBackend:
    """A channel's backend that refuses, as permanent, an address the channel cannot deliver to."""

    def __init__(self, inner: Backend, channel: Channel) -> None:
        self.inner, self.channel_spec = inner, channel
        self.name, self.channel = inner.name, channel.name

    def send(self, message: Outgoing) -> Sent:
        if not self.channel_spec.valid_address(message.to or ""):
            raise DeliveryFailed(f"not a valid {self.channel} address", permanent=True, code="invalid_recipient")
        return self.inner.send(message)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda address: bool(compiled.fullmatch(address or ""))
