"""Stand-ins for the providers, on loopback: a real SMTP server (aiosmtpd) and an HTTP
server answering as Twilio's Messages API does. Tests and benchmarks read what arrived.

Run as a script (``python -m tests.support.providers``) it serves both and writes each
arrival as a JSON line to stdout, so tests with real processes can watch it.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

from tests.support.http import free_port

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-auth-token"


class SmtpInbox:
    """A real SMTP server on 127.0.0.1 keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with inbox._lock:
                    inbox.messages.append(message)
                    inbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 OK"

        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpInbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        return list(self.messages)


class FakeTwilio:
    """Answers ``POST /2010-04-01/Accounts/<sid>/Messages.json`` like Twilio; records each request.

    ``fail_next(n, status, code)`` makes the next n requests fail (e.g. 503, or 400 / 21211).
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.arrived_at: list[float] = []
        self._failures: list[tuple[int, int]] = []
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self.on_arrival = None
        twilio = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                with twilio._lock:
                    failure = twilio._failures.pop(0) if twilio._failures else None
                    record = {"path": self.path, "form": form, "auth": self.headers.get("Authorization"),
                              "failed": failure is not None}  # fmt: skip
                    twilio.requests.append(record)
                    twilio.arrived_at.append(time.monotonic())
                    sid = f"SM{next(twilio._sids):032d}"
                if twilio.on_arrival:
                    twilio.on_arrival(record)
                if failure:
                    status, code = failure
                    self._answer(status, {"code": code, "message": "scripted failure", "status": status})
                else:
                    self._answer(201, {"sid": sid, "status": "queued", "to": form.get("To"), "body": form.get("Body")})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeTwilio:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count: int, status: int = 503, code: int = 20503) -> None:
        with self._lock:
            self._failures.extend([(status, code)] * count)

    def delivered(self) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if not r["failed"]]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.delivered()) >= count:
                break
            time.sleep(0.02)
        return self.delivered()


def provider_config(smtp: SmtpInbox, twilio: FakeTwilio) -> dict:
    """App settings that send through the two stand-ins."""
    return {
        "EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False,
        "SMTP_SSL": False, "MAIL_FROM": "Khiw <no-reply@khiw.test>", "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+15005550006",
        "TWILIO_API_URL": twilio.url,
    }  # fmt: skip


def provider_environ(smtp: SmtpInbox, twilio: FakeTwilio) -> dict[str, str]:
    """The same as environment variables, for processes."""
    env = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in provider_config(smtp, twilio).items()}
    return env
