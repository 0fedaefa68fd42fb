"""A booking as an iCalendar file (RFC 5545), to keep the visit in the phone's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext

from app.domain.calendar import to_utc
from app.links import booking_status_url
from app.services.booking import BookingView

_STAMP = "%Y%m%dT%H%M%SZ"


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped; every line
    break (CR LF, a bare LF or a bare CR) written ``\\n``; other control characters, which
    no calendar shows and which would break the file's lines, left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or (ch >= " " and ch != "\x7f"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return [parts[0]] + [" " + p for p in parts[1:]]


def booking_ics(booking: BookingView, locale: str, base_url: str, stamp: datetime) -> str:
    office = booking.office
    start_time = booking.slot_start or office.calendar.opening_time(booking.day) or time(8, 30)
    start = to_utc(booking.day, start_time)
    end = to_utc(booking.day, booking.slot_end) if booking.slot_end else start + timedelta(minutes=30)
    url = booking_status_url(base_url, booking.token)
    summary = gettext("Queue %(number)s · %(office)s", number=booking.number, office=office.name(locale))
    bring = booking.service.documents(locale)
    description = booking.service.name(locale) + "\n" + url
    if bring:
        description += "\n" + gettext("Bring:") + " " + "; ".join(bring)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Khiw//queue booking//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        # The token stays out of the UID: calendars sync UIDs to other services.
        f"UID:{booking.office.code}-{booking.day:%Y%m%d}-{booking.number}@khiw",
        f"DTSTAMP:{stamp.astimezone(UTC).strftime(_STAMP)}",
        f"DTSTART:{start.strftime(_STAMP)}",
        f"DTEND:{end.strftime(_STAMP)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(office.address(locale) or office.name(locale))}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT1H",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
