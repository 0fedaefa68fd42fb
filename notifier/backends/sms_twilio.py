"""SMS through Twilio's Messages API (the twilio SDK), and checking Twilio's status callbacks.

Twilio's error codes say whether a failure is the recipient's (a wrong or landline number,
an opted-out phone: permanent, fall back to e-mail) or passing (rate limits, queue
overflow, Twilio's own 5xx: try again later). A turn alert carries a short
``validity_period`` so Twilio drops it rather than deliver "your turn" an hour late.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from .base import DeliveryFailed, Outgoing, Sent
from .twilio_codes import is_permanent

TWILIO_API = "https://api.twilio.com"
__all__ = ["TWILIO_API", "TwilioBackend", "is_permanent", "valid_signature"]

class _BaseUrlHttpClient(TwilioHttpClient):
    """Sends the SDK's requests to another address than api.twilio.com (a local stand-in)."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class TwilioBackend:
    name = "twilio"
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_: str,
        status_callback: str | None = None,
        api_url: str = TWILIO_API,
        timeout: float = 10.0,
        http_client=None,
    ) -> None:
        self.from_ = from_
        self.status_callback = status_callback
        if http_client is None:
            # A short timeout keeps the window small in which Twilio took a message but we
            # did not hear so (Messages have no idempotency key: that message would go twice).
            quiet = logging.getLogger("notifier.twilio.http")
            if api_url.rstrip("/") == TWILIO_API:
                http_client = TwilioHttpClient(timeout=timeout, logger=quiet)
            else:
                http_client = _BaseUrlHttpClient(api_url, timeout=timeout, logger=quiet)
        self._client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, message: Outgoing) -> Sent:
        options = {"to": message.to, "body": message.text}
        options["messaging_service_sid" if self.from_.startswith("MG") else "from_"] = self.from_
        if self.status_callback:
            options["status_callback"] = self.status_callback
        if message.validity_seconds:
            options["validity_period"] = max(1, min(36000, int(message.validity_seconds)))
        try:
            created = self._client.messages.create(**options)
        except TwilioRestException as error:
            raise DeliveryFailed(
                f"Twilio {error.status} error {error.code}",
                permanent=is_permanent(error.code, error.status),
                code=error.code or error.status,
            ) from None
        except (TwilioException, OSError) as error:
            raise DeliveryFailed(f"Twilio unreachable: {type(error).__name__}", permanent=False) from None
        except Exception as error:  # requests' timeouts and connection errors
            if type(error).__module__.startswith(("requests", "urllib3")):
                raise DeliveryFailed(f"Twilio unreachable: {type(error).__name__}", permanent=False) from None
            raise
        return Sent(created.sid, created.status or "queued")


def valid_signature(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Whether a status callback really comes from Twilio (its X-Twilio-Signature header)."""
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
