"""No token, phone number, e-mail address or national ID in a log line, the console or the
access log, whatever path carries the token (bookings, tickets, requests, complaints)."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi

from app.gunicorn_logging import TokenMaskingLogger, hide_server_banner
from app.logs import install_redaction, redact_text
from notifier.backends.base import Outgoing
from notifier.backends.console import ConsoleBackend
from notifier.redact import mask_tokens, scrub

TOKEN = "Zk3-q_9xY7aBcDeFgHiJkLmNoPqRsTuVwXyZ012345a"
SHORT = "abcDEF123"  # a token of another part that is shorter than a booking's


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        (f"/b/{TOKEN}", "/b/***"),
        (f"/b/{TOKEN}/survey?lang=en", "/b/***/survey?lang=en"),
        (f"/r/{SHORT}", "/r/***"),
        (f"/c/{SHORT}", "/c/***"),
        (f"/api/v1/bookings/{TOKEN}/confirm", "/api/v1/bookings/***/confirm"),
        (f"/api/v1/requests/{SHORT}", "/api/v1/requests/***"),
        (f"/api/v1/complaints/{SHORT}", "/api/v1/complaints/***"),
        (f"/api/v1/tickets/{TOKEN}/recall", "/api/v1/tickets/***/recall"),
        (f"/api/v1/offices/pa-sang/tickets/{TOKEN}/reprint", "/api/v1/offices/pa-sang/tickets/***/reprint"),
        (f"/kiosk/pa-sang/tickets/{TOKEN}.png", "/kiosk/pa-sang/tickets/***"),
        (f"/counter/3/tickets/{TOKEN}/start", "/counter/3/tickets/***/start"),
        (f"/somewhere/new/{TOKEN}", "/somewhere/new/***"),  # any token-shaped segment
        (f"/x?token={SHORT}&lang=th", "/x?token=***&lang=th"),
        ("/near/pa-sang?lat=18.6&lon=99.0&accuracy_m=20", "/near/pa-sang?lat=***&lon=***&accuracy_m=***"),
        (
            "/api/v1/offices/pa-sang/availability?date=2026-12-01",
            "/api/v1/offices/pa-sang/availability?date=2026-12-01",
        ),
        ("/api/v1/offices/pa-sang/tickets", "/api/v1/offices/pa-sang/tickets"),
    ],
)
def test_every_path_that_carries_a_token_loses_it(path, masked):
    assert mask_tokens(f"GET {path} HTTP/1.1") == f"GET {masked} HTTP/1.1"


def test_phones_e_mails_and_national_ids_are_masked_in_free_text():
    text = scrub(
        "to +66812345679 (081-234-5679, 0812345679) somsri.nolog@example.org id 3101700230704 / 3-1017-00230-70-4"
    )
    for secret in ("812345679", "0812345679", "somsri.nolog", "3101700230704", "3-1017-00230-70-4"):
        assert secret not in text
    assert "@example.org" in text and "5679" in text  # still readable by whoever debugs


def test_a_database_error_loses_the_row_it_echoes():
    error = (
        'new row for relation "people" violates check constraint "short_name"\n'
        "DETAIL:  Failing row contains (+66812345679, สมศรี ล็อกไม่มีชื่อ).\n"
        "[SQL: INSERT INTO people (phone, name) VALUES (%(phone)s, %(name)s)]\n"
        "[SQL parameters hidden due to hide_parameters=True]"
    )
    redacted = redact_text(error)
    assert "สมศรี" not in redacted and "812345679" not in redacted
    assert "violates check constraint" in redacted and "DETAIL" in redacted


def test_every_log_record_of_the_process_is_redacted_when_it_is_made(caplog):
    install_redaction()
    log = logging.getLogger("app.jobs.dispatch")
    with caplog.at_level(logging.INFO):
        log.warning("message %s failed: %s", 7, "The 'To' number +66812345679 is not valid")
        try:
            raise ValueError(f"GET /b/{TOKEN} from somsri.nolog@example.org")
        except ValueError:
            log.exception("unexpected")
    assert "+66812345679" not in caplog.text and TOKEN not in caplog.text
    assert "somsri.nolog" not in caplog.text and "/b/***" in caplog.text


def test_the_console_backend_prints_no_token_in_a_link():
    lines = []
    stream = SimpleNamespace(write=lines.append, flush=lambda: None)
    ConsoleBackend("email", stream).send(
        Outgoing(
            key="k", channel="email", to="somsri@example.org", text=f"See: http://localhost/b/{TOKEN}", tag="booked"
        )
    )
    assert TOKEN not in lines[0] and "http://localhost/b/***" in lines[0] and "s***@example.org" in lines[0]


def test_an_access_line_masks_the_token_in_every_atom_even_in_a_custom_format():
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(U)s %(q)s "%(f)s" %({location}o)s %({x-custom}i)s')
    logger = TokenMaskingLogger(config)
    lines = []
    logger.access_log.handlers[0].emit = lambda record: lines.append(record.getMessage())
    request = SimpleNamespace(
        method="GET", path=f"/r/{SHORT}", query=f"token={SHORT}&lang=en", version=(1, 1),
        uri=f"/r/{SHORT}?token={SHORT}&lang=en", headers=[("X-CUSTOM", f"/c/{SHORT}")],
    )  # fmt: skip
    response = SimpleNamespace(status="303 SEE OTHER", sent=0, response_length=0, headers=[("Location", f"/b/{TOKEN}")])
    environ = {"REMOTE_ADDR": "127.0.0.1", "RAW_URI": request.uri, "REQUEST_METHOD": "GET",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"http://localhost/b/{TOKEN}/cancel"}  # fmt: skip
    logger.access(response, request, environ, timedelta(seconds=0.01))
    assert lines and SHORT not in lines[0] and TOKEN not in lines[0]
    assert "lang=en" in lines[0]


def test_gunicorn_sends_no_server_banner():
    hide_server_banner()
    request = SimpleNamespace(version=(1, 1), should_close=lambda: False)
    response = wsgi.Response(request, None, Config())
    response.status = "200 OK"
    response.response_length = 0
    headers = "".join(response.default_headers())
    assert "Server:" not in headers and headers.startswith("HTTP/1.1 200 OK")
