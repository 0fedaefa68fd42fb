"""How the booking pages write distances, months, weekdays, masked IDs and why a day is greyed."""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names
from flask_babel import gettext

from app.domain.booking import DayState
from app.domain.errors import N_, KhiwError, format_distance
from app.domain.identity import mask_national_id, parse_national_id
from notifier.dates import thai_date

from . import citizen

_REASONS = {
    DayState.FULL: N_("full"),
    DayState.CLOSED: N_("the office is closed"),
    DayState.PAST: N_("passed"),
    DayState.BEYOND: N_("not yet open for booking"),
    DayState.HOLIDAY: N_("holiday"),
}


@citizen.app_template_filter("distance")
def distance(metres: int, locale: str = "th") -> str:
    """1.5 กม. / 850 ม. in Thai, 1.5 km / 850 m in English."""
    return format_distance(int(metres), locale)


@citizen.app_template_filter("month_name")
def month_name(first: date, locale: str) -> str:
    """พฤศจิกายน พ.ศ. 2569 (th) or November 2026 (en)."""
    return thai_date(first, "month", locale)


@citizen.app_template_filter("mask_id")
def mask_id(raw: str) -> str:
    try:
        return mask_national_id(parse_national_id(raw))
    except KhiwError:
        return raw


@citizen.app_template_global()
def weekday_names(locale: str) -> list[tuple[str, str]]:
    """(short, full) names, Monday first."""
    babel_locale = "en" if locale == "en" else "th_TH"
    short = get_day_names("abbreviated" if locale == "en" else "narrow", locale=babel_locale)
    full = get_day_names("wide", locale=babel_locale)
    return [(short[i], full[i]) for i in range(7)]


@citizen.app_template_global()
def day_reason(cell, locale: str) -> str:
    if cell.state is DayState.HOLIDAY and cell.closure:
        return cell.closure.reason(locale)
    return gettext(_REASONS.get(cell.state, N_("not available")))
