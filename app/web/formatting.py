"""How dates and times read on the pages: Buddhist Era in Thai, Gregorian in English.

The Buddhist Era formatter lives in ``notifier.dates`` (plain Babel, no Flask), so an SMS,
an e-mail and a page write a date the same way.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from app.domain.calendar import BANGKOK
from notifier.dates import thai_date


def clock_time(instant: datetime | None) -> str:
    return instant.astimezone(BANGKOK).strftime("%H:%M") if instant else ""


def register_filters(app: Flask) -> None:
    app.add_template_filter(thai_date, "thai_date")
    app.add_template_filter(clock_time, "clock_time")
