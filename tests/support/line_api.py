"""A stand-in for LINE's Messaging API on loopback, strict about what it accepts.

It answers ``POST /v2/bot/message/push`` and ``POST /v2/bot/message/reply`` as LINE does,
and refuses what LINE would refuse: another path (404), a missing or wrong bearer token
(401), a body that is not JSON or lacks ``to``/``replyToken``/``messages`` (400), more than
5 messages. A push's ``X-Line-Retry-Key`` seen before gets 409, as LINE answers a retry of
an accepted request. Tests script trouble: ``fail_next(n, 429)`` or ``503``, and
``block(user_id)``: that user blocked the account, so each push to them gets 400.

``signed(body, secret)`` and ``webhook_body(...)`` build what LINE's webhook calls look like.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCESS_TOKEN = "test-line-channel-access-token"
CHANNEL_SECRET = "test-line-channel-secret"
BASIC_ID = "@khiwtest"
PUSH = "/v2/bot/message/push"
REPLY = "/v2/bot/message/reply"
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def user_id(n: int) -> str:
    """A made-up LINE user id."""
    return "U" + hashlib.md5(f"user{n}".encode()).hexdigest()


def signed(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    """The X-Line-Signature LINE sends with ``body``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


_event_ids = itertools.count(1)


def event(kind: str, user: str, *, text: str | None = None, event_id: str | None = None, redelivery=False) -> dict:
    """One webhook event (follow, unfollow or a text message) from ``user``."""
    body = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or f"01KHIW{next(_event_ids):020d}",
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if kind in ("follow", "message"):
        body["replyToken"] = uuid.uuid4().hex
    if kind == "message":
        body["message"] = {"type": "text", "id": str(next(_event_ids)), "quoteToken": "q", "text": text or ""}
    return body


def webhook_body(*events: dict) -> bytes:
    return json.dumps({"destination": "U" + "f" * 32, "events": list(events)}, ensure_ascii=False).encode()


class FakeLine:
    def __init__(self, access_token: str = ACCESS_TOKEN) -> None:
        self.access_token = access_token
        self.requests: list[dict] = []
        self.arrived_at: list[float] = []
        self.blocked: set[str] = set()
        self._failures: list[int] = []
        self._retry_keys: set[str] = set()
        self._lock = threading.Lock()
        self.on_arrival = None  # called with each accepted request (benchmarks time arrivals)
        line = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer, _ = line._handle(self.path, self.headers, raw)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def _handle(self, path: str, headers, raw: bytes) -> tuple[int, dict, dict | None]:
        def refuse(status: int, message: str, body=None):
            record = {"path": path, "status": status, "error": message, "body": body, "accepted": False}
            with self._lock:
                self.requests.append(record)
                self.arrived_at.append(time.monotonic())
            return status, {"message": message}, body

        if path not in (PUSH, REPLY):
            return refuse(404, "Not found")
        if headers.get("Authorization") != f"Bearer {self.access_token}":
            return refuse(401, "Authentication failed. Confirm that the access token is valid.")
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return refuse(400, "The request body has 1 error(s)", None)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return refuse(400, "The request body has 1 error(s)")
        messages = body.get("messages") if isinstance(body, dict) else None
        if (
            not isinstance(messages, list)
            or not 1 <= len(messages) <= 5
            or not all(isinstance(m, dict) and m.get("type") in ("text", "flex") for m in messages)
        ):
            return refuse(400, "The request body has 1 error(s)", body)
        for m in messages:
            if m["type"] == "flex" and not (m.get("altText") and isinstance(m.get("contents"), dict)):
                return refuse(400, "The request body has 1 error(s)", body)
            if m["type"] == "text" and not m.get("text"):
                return refuse(400, "The request body has 1 error(s)", body)
        key = headers.get("X-Line-Retry-Key")
        if path == PUSH:
            if not _USER_ID.match(str(body.get("to", ""))):
                return refuse(400, "The property, 'to', in the request body is invalid", body)
            if key is not None and not _UUID.match(key):
                return refuse(400, "The retry key is invalid", body)
        elif not body.get("replyToken"):
            return refuse(400, "Invalid reply token", body)
        with self._lock:
            scripted = self._failures.pop(0) if self._failures else None
            duplicate = path == PUSH and key is not None and key in self._retry_keys
        if scripted:
            return refuse(scripted, "scripted failure", body)
        if duplicate:
            return refuse(409, "The retry key is already accepted", body)
        if path == PUSH and body["to"] in self.blocked:
            return refuse(400, "Failed to send messages", body)
        with self._lock:
            if key:
                self._retry_keys.add(key)
            record = {"path": path, "status": 200, "body": body, "retry_key": key, "accepted": True}
            self.requests.append(record)
            self.arrived_at.append(time.monotonic())
        if self.on_arrival:
            self.on_arrival(record)
        answer = {"sentMessages": [{"id": str(uuid.uuid4().int)[:18], "quoteToken": "q"} for _ in messages]}
        return 200, answer, body

    def start(self) -> FakeLine:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        """Forget every request, retry key, block and scripted failure (between tests)."""
        with self._lock:
            self.requests.clear()
            self.arrived_at.clear()
            self.blocked.clear()
            self._failures.clear()
            self._retry_keys.clear()

    def fail_next(self, count: int, status: int = 503) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def block(self, user: str) -> None:
        self.blocked.add(user)

    def accepted(self, path: str = PUSH) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["accepted"] and r["path"] == path]

    def wait_for(self, count: int, path: str = PUSH, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.accepted(path)) >= count:
                break
            time.sleep(0.02)
        return self.accepted(path)


def line_config(line: FakeLine) -> dict:
    """App settings that send LINE through the stand-in."""
    return {
        "LINE_ENABLED": True, "LINE_BACKEND": "line", "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": line.access_token, "LINE_BASIC_ID": BASIC_ID, "LINE_API_URL": line.url,
    }  # fmt: skip


def line_environ(line: FakeLine) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in line_config(line).items()
            if k != "LINE_ENABLED"}  # fmt: skip
