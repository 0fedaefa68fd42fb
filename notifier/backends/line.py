"""LINE through the Messaging API of an office's LINE Official Account (the line-bot-sdk, v3).

Notifications go by *push* (``POST /v2/bot/message/push``), each with an ``X-Line-Retry-Key``
made from the outbox key, so a push retried after a timeout is accepted once only (LINE
answers a repeat with 409, which is success). Answers to a citizen's own message (the link
code) go by *reply* with the event's reply token, which LINE does not charge for.

What a failure means (https://developers.line.biz/en/reference/messaging-api/#status-codes):
429 (rate limit, or the month's message quota) and 5xx are passing: retried with backoff.
400 and 404 are the recipient's: a user who blocked the account or never added it as a
friend cannot be pushed to, now or later: permanent, the outbox falls back to SMS, then
e-mail. 401/403 are our configuration (a revoked token): retried, so messages go out
once an IT officer fixes it.

The rendered message carries its LINE form (a Flex message) in ``Outgoing.data``;
``Outgoing.text`` alone is sent as plain text otherwise. The channel (``notifier/channels/line.py``)
checks the user id before a backend sees it.
"""

from __future__ import annotations

import re
import sys
import threading
import uuid
from typing import TextIO

from ..redact import mask_tokens
from .base import DeliveryFailed, Outgoing, Sent

LINE = "line"
LINE_API = "https://api.line.me"
#: A LINE user id as the webhook gives it (per provider): "U" and 32 hex digits.
USER_ID = re.compile(r"^U[0-9a-f]{32}$")

PASSING = frozenset({401, 403, 408, 409, 429})


def is_permanent(http_status: int | None) -> bool:
    """Whether LINE's answer means this user can never get the message (blocked, unknown)."""
    if http_status is None or http_status in PASSING or http_status >= 500:
        return False
    return 400 <= http_status < 500


def retry_key(outbox_key: str) -> str:
    """The same UUID for every attempt of one outbox message (LINE's idempotency key)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"khiw:outbox:{outbox_key}"))


def mask_user_id(user_id: str) -> str:
    """What a log or the console may show of a LINE user id (personal data): U***1a2b."""
    return f"U***{user_id[-4:]}" if user_id else ""


def check_user_id(to: str) -> None:
    if not USER_ID.match(to or ""):
        raise DeliveryFailed("not a LINE user id", permanent=True, code="invalid_recipient")


def line_messages(message: Outgoing) -> list[dict]:
    """The LINE message objects of a rendered message: its Flex form, else its plain text."""
    if message.data:
        return [message.data]
    return [{"type": "text", "text": message.text[:5000]}]


class LineBackend:
    """The real Messaging API (or a stand-in at ``api_url``)."""

    name = "line"
    channel = LINE

    def __init__(self, *, access_token: str, api_url: str = LINE_API, timeout: float = 10.0) -> None:
        from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

        configuration = Configuration(host=api_url.rstrip("/"), access_token=access_token)
        configuration.retries = False  # the outbox retries, with backoff and a retry key
        self._api = MessagingApi(ApiClient(configuration))
        self._timeout = timeout

    def send(self, message: Outgoing) -> Sent:
        from linebot.v3.messaging import Message, PushMessageRequest

        check_user_id(message.to)
        key = retry_key(message.key)
        request = PushMessageRequest(to=message.to, messages=[Message.from_dict(m) for m in line_messages(message)])
        try:
            self._api.push_message(request, x_line_retry_key=key, _request_timeout=self._timeout)
        except Exception as error:
            status = _status_of(error)
            if status == 409:  # a retry of a push LINE already accepted
                return Sent(key, "sent")
            raise _failure(error, status) from None
        return Sent(key, "sent")

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        """Answer a user's message (free of charge; the token is valid for about a minute)."""
        from linebot.v3.messaging import Message, ReplyMessageRequest

        request = ReplyMessageRequest(replyToken=reply_token, messages=[Message.from_dict(m) for m in messages])
        try:
            self._api.reply_message(request, _request_timeout=self._timeout)
        except Exception as error:
            raise _failure(error, _status_of(error)) from None


def _status_of(error: Exception) -> int | None:
    status = getattr(error, "status", None)
    return status if isinstance(status, int) else None


def _failure(error: Exception, status: int | None) -> DeliveryFailed:
    if status is None:
        if type(error).__module__.startswith(("urllib3", "linebot", "socket", "ssl")) or isinstance(error, OSError):
            return DeliveryFailed(f"LINE unreachable: {type(error).__name__}", permanent=False)
        raise error
    return DeliveryFailed(f"LINE answered {status}", permanent=is_permanent(status), code=status)


class LineConsoleBackend:
    """Prints each LINE message as the citizen would read it; the user id and links masked."""

    name = "console"
    channel = LINE

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def _print(self, header: str, message_objects: list[dict]) -> None:
        lines = [header]
        for m in message_objects:
            lines.append(mask_tokens(m.get("altText") or m.get("text") or ""))
        lines.append("---")
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write("\n".join(lines) + "\n")
            stream.flush()

    def send(self, message: Outgoing) -> Sent:
        check_user_id(message.to)
        self._print(f"--- line to {mask_user_id(message.to)} ({message.tag}) ---", line_messages(message))
        return Sent(f"console-{uuid.uuid4().hex}", "sent")

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        self._print("--- line reply ---", messages)


class LineNullBackend:
    name = "null"
    channel = LINE

    def send(self, message: Outgoing) -> Sent:
        check_user_id(message.to)
        return Sent(f"null-{uuid.uuid4().hex}", "sent")

    def reply(self, reply_token: str, messages: list[dict]) -> None:
        return None


def line_backend(config) -> LineBackend | LineConsoleBackend | LineNullBackend | None:
    """The backend the configuration names (``LINE_BACKEND``); None when LINE is not set up."""
    if not config.get("LINE_ENABLED"):
        return None
    name = config.get("LINE_BACKEND", "line")
    if name == "console":
        return LineConsoleBackend()
    if name == "null":
        return LineNullBackend()
    return LineBackend(access_token=config["LINE_CHANNEL_ACCESS_TOKEN"], api_url=config.get("LINE_API_URL") or LINE_API)


def valid_signature(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Whether a webhook call comes from LINE: X-Line-Signature is the base64 HMAC-SHA256 of
    the raw body with the channel secret (checked by the SDK, in constant time)."""
    if not channel_secret or not signature:
        return False
    from linebot.v3.webhook import SignatureValidator

    try:
        return bool(SignatureValidator(channel_secret).validate(body.decode("utf-8"), signature))
    except (UnicodeDecodeError, ValueError):
        return False
