"""A made-up channel for the seam's test (``tests/integration/test_channel_seam.py``): it shows
that a new channel is one module plus its line in ``notifier.registry.CHANNEL_MODULES``, with
no change to the outbox or the dispatcher. Its ``memory`` backend keeps what it was given;
an address ending in 0000 can never get a page (a permanent failure)."""

from __future__ import annotations

import itertools

from notifier.backends.base import DeliveryFailed, Outgoing, Sent
from notifier.channel import Channel, RenderOptions, pattern
from notifier.content import Rendered
from notifier.messages import compose

PAGED: list[Outgoing] = []
_ids = itertools.count(1)


class MemoryPager:
    name = "memory"
    channel = "pager"

    def send(self, message: Outgoing) -> Sent:
        if message.to.endswith("0000"):
            raise DeliveryFailed("no such pager", permanent=True, code="gone")
        PAGED.append(message)
        return Sent(f"page-{next(_ids)}")


def render(facts, options: RenderOptions) -> Rendered:
    content = compose(facts, links_allowed=options.links_allowed)
    return Rendered(content.subject, "\n".join(content.paragraphs), data={"number": getattr(facts, "number", "")})


CHANNEL = Channel(
    name="pager",
    preference=10,
    rich=True,
    address_field="phone_e164",
    setting="PAGER_BACKEND",
    backends={"memory": lambda config, channel, context: MemoryPager()},
    render=render,
    valid_address=pattern(r"\+[0-9]{8,15}"),
    mask_address=lambda to: "x" * (len(to) - 4) + to[-4:],
)
