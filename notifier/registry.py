"""The backends named in the configuration (``SMS_BACKEND``, ``EMAIL_BACKEND``).

``build_backends(config)`` reads a plain mapping (the app passes its config), so a test or
a job can build the same backends the dispatcher uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .backends.base import EMAIL, SMS, Backend
from .backends.console import ConsoleBackend, NullBackend

EMAIL_BACKENDS = ("console", "null", "smtp")
SMS_BACKENDS = ("console", "null", "twilio")


@dataclass(frozen=True)
class Backends:
    sms: Backend
    email: Backend

    def for_channel(self, channel: str) -> Backend:
        return self.sms if channel == SMS else self.email


def email_backend(config: Mapping) -> Backend:
    name = config.get("EMAIL_BACKEND", "console")
    if name == "console":
        return ConsoleBackend(EMAIL)
    if name == "null":
        return NullBackend(EMAIL)
    if name == "smtp":
        from .backends.smtp import SmtpBackend

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
    raise ValueError(f"EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, not {name!r}")


def sms_backend(config: Mapping, status_callback: str | None = None) -> Backend:
    name = config.get("SMS_BACKEND", "console")
    if name == "console":
        return ConsoleBackend(SMS)
    if name == "null":
        return NullBackend(SMS)
    if name == "twilio":
        from .backends.sms_twilio import TWILIO_API, TwilioBackend

        return TwilioBackend(
            account_sid=config["TWILIO_ACCOUNT_SID"],
            auth_token=config["TWILIO_AUTH_TOKEN"],
            from_=config["TWILIO_FROM"],
            status_callback=status_callback,
            api_url=config.get("TWILIO_API_URL") or TWILIO_API,
        )
    raise ValueError(f"SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)}, not {name!r}")


def build_backends(config: Mapping, status_callback: str | None = None) -> Backends:
    return Backends(sms=sms_backend(config, status_callback), email=email_backend(config))
