"""Gunicorn's logs without booking tokens or personal data, and no ``Server`` banner.

A booking's token is its only key: ``/b/<token>`` and ``/api/v1/bookings/<token>/…`` in
an access log would let anyone who reads the log open, and cancel, somebody's booking; the
same holds for tickets, requests (``/r/<token>``) and complaints (``/c/<token>``). This
logger class masks tokens (and query values such as a phone's position) in every atom of an
access-log line — the request line, the path, the query, the Referer, any header a custom
format names — and redacts the error log like every other log (``app/logs.py``). Used by
``gunicorn.conf.py``, which also calls ``hide_server_banner()``.
"""

from __future__ import annotations

import os

from gunicorn.glogging import Logger
from gunicorn.http import wsgi

from app.logs import apply_log_format, install_redaction
from notifier.redact import mask_tokens

_KEEP = frozenset({"h", "t", "s", "b", "B", "T", "D", "M", "L", "p"})


class TokenMaskingLogger(Logger):
    def setup(self, cfg) -> None:
        install_redaction()
        super().setup(cfg)
        # LOG_FORMAT=json: the error log and the access log as one JSON object a line.
        apply_log_format(os.environ.get("LOG_FORMAT"), [self.error_log, self.access_log])

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if key not in _KEEP and isinstance(value, str):
                atoms[key] = mask_tokens(value)
        return atoms


def hide_server_banner() -> None:
    """Send no ``Server`` header (gunicorn writes ``Server: gunicorn`` on every response):
    nothing tells a scanner which server, or which version of it, to try."""
    if getattr(wsgi.Response.default_headers, "_khiw", False):
        return
    default_headers = wsgi.Response.default_headers

    def without_server(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    without_server._khiw = True
    wsgi.Response.default_headers = without_server
