"""Every log line of every Khiw process, without tokens or personal data.

``install_redaction()`` (called by ``create_app`` and by gunicorn's logger class) makes each
log record, from any library, pass through ``notifier.redact.scrub`` as it is created:
its message and its traceback lose tokens, e-mail addresses, phone numbers and national IDs.
A database error's ``DETAIL``/``Failing row contains`` lines, which echo the values of a row
(a name among them), are dropped from tracebacks; the statements' parameters are never in
the message at all (``hide_parameters``, config.py).
"""

from __future__ import annotations

import logging
import re
import time as _time

from notifier.redact import scrub

_ROW_DETAILS = re.compile(r"^(\s*)(DETAIL|Failing row contains|Key \().*$", re.MULTILINE)
_MARK = "_khiw_redacting"


def redact_text(text: str) -> str:
    return scrub(_ROW_DETAILS.sub(r"\1\2 … (values hidden)", text))


def redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:
        return
    record.msg, record.args = redact_text(message), None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)


def install_redaction() -> None:
    """Redact every log record this process creates from now on (once per process)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    setattr(redacting_factory, _MARK, True)
    logging.setLogRecordFactory(redacting_factory)


class JsonFormatter(logging.Formatter):
    """One JSON object a line (``LOG_FORMAT=json``, for log shipping): time, level, logger,
    message and traceback, each already redacted when the record was made."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(self.formatException(record.exc_info))
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)

    converter = staticmethod(_time.gmtime)


def apply_log_format(log_format: str | None, loggers: list[logging.Logger] | None = None) -> None:
    """Give the handlers of *loggers* (the root logger by default) the JSON formatter when
    *log_format* is ``json``; ``text`` (or unset) leaves them as they are."""
    if (log_format or "text") != "json":
        return
    for logger in loggers or [logging.getLogger()]:
        for handler in logger.handlers:
            handler.setFormatter(JsonFormatter())
