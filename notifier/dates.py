"""Dates as a Thai reads them (Buddhist Era) or as an English reader does, with Babel only.

Babel has no Buddhist calendar (it ignores ``@calendar=buddhist``), so the BE year
(Gregorian + 543) is put into the pattern here. The web pages use this same formatter.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

_ENGLISH = {"short": "d MMM yy", "medium": "d MMM y", "long": "d MMMM y", "full": "EEEE d MMMM y",
            "month": "MMMM y"}  # fmt: skip


def thai_date(day: date, style: str = "long", locale: str = "th") -> str:
    """The one date formatter: ``14 มีนาคม พ.ศ. 2568`` (th, long), ``14 มี.ค. 68`` (th, short),
    ``14 มี.ค. 2568`` (th, medium), ``มีนาคม พ.ศ. 2568`` (th, month) or ``14 March 2025`` (en)."""
    if locale == "en":
        return format_date(day, _ENGLISH[style], locale="en")
    be = day.year + 543
    pattern = {
        "short": f"d MMM {be % 100:02d}",
        "medium": f"d MMM {be}",
        "long": f"d MMMM 'พ.ศ.' {be}",
        "full": f"EEEEที่ d MMMM 'พ.ศ.' {be}",
        "month": f"MMMM 'พ.ศ.' {be}",
    }[style]
    return format_date(day, pattern, locale="th_TH")


def thai_date_time(day: date, hhmm: str, locale: str = "th", style: str = "long") -> str:
    """A day and a time of day as a reader writes them: ``14 ธันวาคม พ.ศ. 2569 เวลา 10:00 น.``
    (th) or ``14 December 2026, 10:00`` (en)."""
    written = thai_date(day, style, locale)
    return f"{written}, {hhmm}" if locale == "en" else f"{written} เวลา {hhmm} น."
