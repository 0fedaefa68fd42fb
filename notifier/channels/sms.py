"""SMS: read at once, so urgent messages go here first; one line, no link unless the sender
and link are registered with the Thai operators (``SMS_LINKS_ALLOWED``, NBTC 2025).

Backends: ``console``, ``null``, ``twilio`` (``SMS_BACKEND``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..backends.base import Backend, mask_phone
from ..backends.twilio_codes import receipt_is_permanent
from ..channel import BackendContext, Channel, RenderOptions, pattern
from ..content import Rendered
from ..messages import compose


def render(facts, options: RenderOptions) -> Rendered:
    return Rendered("", compose(facts, links_allowed=options.links_allowed).short_text())


def twilio(config: Mapping, channel: Channel, context: BackendContext) -> Backend:
    from ..backends.sms_twilio import TWILIO_API, TwilioBackend

    return TwilioBackend(
        account_sid=config["TWILIO_ACCOUNT_SID"],
        auth_token=config["TWILIO_AUTH_TOKEN"],
        from_=config["TWILIO_FROM"],
        status_callback=f"{context.webhooks_url}/twilio/status" if context.webhooks_url else None,
        api_url=config.get("TWILIO_API_URL") or TWILIO_API,
    )


CHANNEL = Channel(
    name="sms",
    preference=20,
    rich=False,
    address_field="phone_e164",
    setting="SMS_BACKEND",
    backends={"twilio": twilio},
    links_setting="SMS_LINKS_ALLOWED",
    render=render,
    valid_address=pattern(r"\+[1-9][0-9]{7,14}"),
    mask_address=mask_phone,
    receipt_is_permanent=receipt_is_permanent,
)
