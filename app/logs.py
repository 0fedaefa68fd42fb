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
