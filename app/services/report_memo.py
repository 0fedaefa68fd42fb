"""What one report's sections share (the ticket counts, the durations, the grouped answers):
computed once per report and forgotten after it. Its own module, so the report
(``reports.py``) and the sections it registers (``evidence.py``) both use it without importing
each other."""

from __future__ import annotations

from contextvars import ContextVar

#: Set by ``reports.office_report`` for the time one report is built.
sections_memo: ContextVar[dict | None] = ContextVar("report_memo", default=None)


def memo() -> dict:
    """The memo of the report being built; outside a report, a fresh dict each call."""
    current = sections_memo.get()
    return current if current is not None else {}
