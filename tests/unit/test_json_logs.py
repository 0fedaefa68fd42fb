"""LOG_FORMAT=json: one JSON object a line for log shipping, still without personal data."""

from __future__ import annotations

import io
import json
import logging

import pytest

from app.logs import JsonFormatter, apply_log_format, install_redaction
from config import ConfigError, settings_from_env


def test_json_lines_carry_level_logger_and_a_redacted_message_and_traceback():
    install_redaction()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("khiw.test.json")
    logger.handlers, logger.propagate = [handler], False
    apply_log_format("json", [logger])
    assert isinstance(handler.formatter, JsonFormatter)

    logger.warning("SMS to 0812345678 for %s failed", "somchai@example.com")
    try:
        raise ValueError("booking 0812345678")
    except ValueError:
        logger.exception("oops")

    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert first["level"] == "WARNING" and first["logger"] == "khiw.test.json"
    assert "0812345678" not in first["message"] and "somchai@example.com" not in first["message"]
    assert first["time"].endswith("Z")
    assert "ValueError" in second["traceback"] and "0812345678" not in second["traceback"]


def test_text_is_the_default_and_anything_else_is_refused(tmp_path):
    env = {"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}
    assert settings_from_env(env, tmp_path)["LOG_FORMAT"] == "text"
    assert settings_from_env({**env, "LOG_FORMAT": "json"}, tmp_path)["LOG_FORMAT"] == "json"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        settings_from_env({**env, "LOG_FORMAT": "xml"}, tmp_path)
