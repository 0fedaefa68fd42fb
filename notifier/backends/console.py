"""Development backends: ``console`` prints each message, ``null`` drops it.

The console shows the message as the citizen would get it, with the recipient and the links'
tokens masked (the console is a log: ``scripts/demo`` prints it), so a developer sees what
Khiw sends without an SMS account or mail server.
"""

from __future__ import annotations

import sys
import threading
import uuid
from typing import TextIO

from ..redact import mask_tokens
from .base import Outgoing, Sent, check_recipient, mask_recipient


class ConsoleBackend:
    name = "console"

    def __init__(self, channel: str, stream: TextIO | None = None) -> None:
        self.channel = channel
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> Sent:
        check_recipient(message)
        provider_id = f"console-{uuid.uuid4().hex}"
        lines = [f"--- {message.channel} to {mask_recipient(message.to)} ({message.tag}) ---"]
        if message.subject:
            lines.append(f"Subject: {message.subject}")
        lines += [mask_tokens(message.text), "---"]
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write("\n".join(lines) + "\n")
            stream.flush()
        return Sent(provider_id, "sent")


class NullBackend:
    """Accepts every well-formed message and sends nothing (tests, or a channel turned off)."""

    name = "null"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> Sent:
        check_recipient(message)
        return Sent(f"null-{uuid.uuid4().hex}", "sent")
