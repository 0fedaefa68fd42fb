"""E-mail: carries the whole message (details, links) in a plain-text and a simple HTML part,
so a message that is not urgent goes here first when the person gave an address.

Backends: ``console``, ``null``, ``smtp`` (``EMAIL_BACKEND``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..backends.base import Backend, mask_email
from ..channel import BackendContext, Channel, RenderOptions, pattern
from ..content import Rendered
from ..messages import compose


def render(facts, options: RenderOptions) -> Rendered:
    content = compose(facts, links_allowed=options.links_allowed)
    return Rendered(content.subject, content.plain(), content.html())


def smtp(config: Mapping, channel: Channel, context: BackendContext) -> Backend:
    from ..backends.smtp import SmtpBackend

    return SmtpBackend(
        host=config["SMTP_HOST"],
        port=int(config.get("SMTP_PORT") or 587),
        mail_from=config["MAIL_FROM"],
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=bool(config.get("SMTP_STARTTLS", True)),
        use_ssl=bool(config.get("SMTP_SSL", False)),
        timeout=float(config.get("SMTP_TIMEOUT", 15)),
    )


CHANNEL = Channel(
    name="email",
    preference=30,
    rich=True,
    address_field="email",
    setting="EMAIL_BACKEND",
    backends={"smtp": smtp},
    render=render,
    valid_address=pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    mask_address=mask_email,
)
