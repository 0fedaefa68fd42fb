"""Development backends: ``console`` prints each message, ``null`` drops it.

The console shows the message as the citizen would get it, with the recipient and the links'
tokens masked (the console is a log: ``scripts/demo`` prints it), so a developer sees what
Khiw sends without an SMS account or mail server.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable
from typing import TextIO

from ..redact import mask_tokens
from .base import Outgoing, Sent, mask_any


class ConsoleBackend:
    name = "console"

    def __init__(self, channel: str, stream: TextIO | None = None, mask: Callable[[str], str] = mask_any) -> None:
        self.channel = channel
        self._stream = stream
        self._mask = mask
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> Sent:
        provider_id = f"console-{uuid.uuid4().hex}"
        lines = [f"--- {message.channel} to {self._mask(message.to)} ({message.tag}) ---"]
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
        return Sent(f"null-{uuid.uuid4().hex}", "sent")
