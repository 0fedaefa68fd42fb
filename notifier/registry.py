"""The notification channels Khiw sends by, and the rules that pick among them.

A channel is one module under ``notifier/channels/`` declaring ``CHANNEL``, listed here by
one line in ``CHANNEL_MODULES``. Everything else (the outbox writer, the dispatcher, the
fallback after a permanent failure, the conformance tests) asks ``channels()``:

- ``route(kind, addresses)``: which channel(s) carry a message, given the addresses a person
  gave (by field: ``{"phone_e164": …, "email": …}``). One channel, the first in the kind's
  order the person can be reached on; every such channel for a notice the law wants written
  by every means (``kinds.EVERY_CHANNEL``).
- the kind's order: urgent messages (``kinds.URGENT``) by ``preference`` (the channel read
  at once first); the rest with the ``rich`` channels (whole message, links) first.
- ``fallback(kind, failed, addresses)``: after a permanent failure, the next channel in that
  same order the person can be reached on.
- ``build_backends(config)``: each channel's backend, named by its setting.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from .backends.base import Backend
from .channel import BackendContext, Channel, RenderOptions
from .content import Rendered
from .kinds import EVERY_CHANNEL, is_urgent

#: Every channel, one line each: a module declaring ``CHANNEL``.
CHANNEL_MODULES = (
    "notifier.channels.sms",
    "notifier.channels.email",
    "notifier.channels.line",
)


class Registry:
    def __init__(self, channels: list[Channel]) -> None:
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"a channel is registered twice: {names}")
        self._by_name = {c.name: c for c in sorted(channels, key=lambda c: (c.preference, c.name))}

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._by_name.values())

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def get(self, name: str) -> Channel:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(f"no channel {name!r} is registered ({', '.join(self._by_name)})") from None

    def address_fields(self) -> tuple[str, ...]:
        return tuple(c.address_field for c in self)

    def order(self, kind: str) -> tuple[Channel, ...]:
        """The channels in the order ``kind`` tries them (and falls back through)."""
        if is_urgent(kind):
            return tuple(self)
        return tuple(sorted(self, key=lambda c: (not c.rich, c.preference, c.name)))

    def reachable(self, kind: str, addresses: Mapping[str, str | None]) -> list[tuple[Channel, str]]:
        return [(c, addresses[c.address_field]) for c in self.order(kind) if addresses.get(c.address_field)]

    def route(self, kind: str, addresses: Mapping[str, str | None]) -> list[tuple[Channel, str]]:
        """The channel(s) and address(es) that carry ``kind`` to a person with ``addresses``."""
        if kind in EVERY_CHANNEL:
            return [(c, addresses[c.address_field]) for c in self if addresses.get(c.address_field)]
        return self.reachable(kind, addresses)[:1]

    def fallback(self, kind: str, failed: str, addresses: Mapping[str, str | None]) -> tuple[Channel, str] | None:
        """After ``failed`` could never deliver ``kind``: the next channel in its order, if any."""
        if kind in EVERY_CHANNEL:
            return None  # it went by every channel already
        names = [c.name for c in self.order(kind)]
        after = names[names.index(failed) + 1 :] if failed in names else []
        return next(((c, a) for c, a in self.reachable(kind, addresses) if c.name in after), None)

    def render(self, facts, channel: str, *, links_allowed: bool | None = None) -> Rendered:
        """``links_allowed`` None: as the channel's default settings say (SMS: no links)."""
        spec = self.get(channel)
        options = spec.options({}) if links_allowed is None else RenderOptions(links_allowed=links_allowed)
        return spec.render(facts, options)


@cache
def channels() -> Registry:
    """The registered channels (``CHANNEL_MODULES``), in order of preference."""
    return Registry([importlib.import_module(module).CHANNEL for module in CHANNEL_MODULES])


def render(facts, channel: str, *, links_allowed: bool | None = None) -> Rendered:
    """``facts`` as ``channel`` sends them (``links_allowed``: SMS_LINKS_ALLOWED for SMS)."""
    return channels().render(facts, channel, links_allowed=links_allowed)


@dataclass(frozen=True)
class Backends:
    by_channel: Mapping[str, Backend]

    def for_channel(self, channel: str) -> Backend:
        return self.by_channel[channel]


def build_backends(config: Mapping, webhooks_url: str | None = None) -> Backends:
    """Each registered channel's backend, as the configuration names it."""
    context = BackendContext(webhooks_url=webhooks_url)
    return Backends({c.name: c.build_backend(config, context) for c in channels()})


def render_options(config: Mapping) -> dict[str, RenderOptions]:
    return {c.name: c.options(config) for c in channels()}
