"""How dates and times read on the pages: Buddhist Era in Thai, Gregorian in English.

The Buddhist Era formatter lives in ``notifier.dates`` (plain Babel, no Flask), so an SMS,
an e-mail and a page write a date the same way.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext

from app.domain.calendar import BANGKOK
from app.domain.channels import CHANNEL_LABELS, Channel
from notifier.dates import thai_date


def clock_time(instant: datetime | None) -> str:
    return instant.astimezone(BANGKOK).strftime("%H:%M") if instant else ""


def thai_date_of_instant(instant: datetime | None, style: str = "long", locale: str = "th") -> str:
    """The office-time date of an instant, Buddhist Era in Thai."""
    return thai_date(instant.astimezone(BANGKOK).date(), style, locale) if instant else ""


def channel_label(code: str) -> str:
    """'walk_in' → "Walk-in" in the person's language."""
    channel = Channel.parse(code)
    return gettext(CHANNEL_LABELS[channel]) if channel else code


def register_filters(app: Flask) -> None:
    app.add_template_filter(channel_label, "channel_label")
    app.add_template_filter(thai_date, "thai_date")
    app.add_template_filter(clock_time, "clock_time")
    app.add_template_filter(thai_date_of_instant, "thai_date_of_instant")
