"""How dates and times read on the pages: Buddhist Era in Thai, Gregorian in English.

Babel has no Buddhist calendar (it ignores ``@calendar=buddhist``), so the BE year is
put into the pattern ourselves.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import Flask

from app.domain.calendar import BANGKOK


def thai_date(day: date, style: str = "long", locale: str = "th") -> str:
    """14 มีนาคม พ.ศ. 2568 (th) or 14 March 2025 (en)."""
    if locale == "en":
        return format_date(day, {"long": "d MMMM y", "full": "EEEE d MMMM y", "medium": "d MMM y"}[style], locale="en")
    be = day.year + 543
    pattern = {
        "medium": f"d MMM {be}",
        "long": f"d MMMM 'พ.ศ.' {be}",
        "full": f"EEEEที่ d MMMM 'พ.ศ.' {be}",
    }[style]
    return format_date(day, pattern, locale="th_TH")


def clock_time(instant: datetime | None) -> str:
    return instant.astimezone(BANGKOK).strftime("%H:%M") if instant else ""


def register_filters(app: Flask) -> None:
    app.add_template_filter(thai_date, "thai_date")
    app.add_template_filter(clock_time, "clock_time")
