"""Booking tokens never reach gunicorn's access log."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from app.gunicorn_logging import TokenMaskingLogger, mask_tokens

TOKEN = "Zk3-q_9xY7aBcDeFgHiJkLmNoPqRsTuVwXyZ012345a"


def test_the_status_page_and_api_paths_lose_their_token():
    assert mask_tokens(f"GET /b/{TOKEN}?lang=en HTTP/1.1") == "GET /b/***?lang=en HTTP/1.1"
    assert mask_tokens(f"/api/v1/bookings/{TOKEN}/qr.png") == "/api/v1/bookings/***/qr.png"
    assert mask_tokens("/api/v1/offices/pa-sang") == "/api/v1/offices/pa-sang"


def test_a_logged_access_line_holds_no_token():
    config = Config()
    config.set("accesslog", "-")
    logger = TokenMaskingLogger(config)
    lines = []
    logger.access_log.handlers[0].emit = lambda record: lines.append(record.getMessage())
    request = SimpleNamespace(
        method="GET", path=f"/b/{TOKEN}", query="lang=th", version=(1, 1),
        uri=f"/b/{TOKEN}?lang=th", headers=[("REFERER", f"http://localhost/b/{TOKEN}/cancel")],
    )  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[], response_length=1234)
    environ = {"REMOTE_ADDR": "127.0.0.1", "RAW_URI": request.uri, "REQUEST_METHOD": "GET",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"http://localhost/b/{TOKEN}/cancel"}  # fmt: skip
    logger.access(response, request, environ, __import__("datetime").timedelta(seconds=0.01))
    assert lines, "gunicorn wrote no access line"
    assert TOKEN not in lines[0] and "/b/***" in lines[0]


def test_the_gunicorn_config_uses_the_masking_logger():
    namespace: dict = {}
    config = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    exec(config.read_text(), namespace)
    assert namespace["logger_class"] == "app.gunicorn_logging.TokenMaskingLogger"
