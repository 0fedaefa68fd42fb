"""Models → the JSON shapes of the contract."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.domain.calendar import BANGKOK
from app.models import Booking, Office
from app.services.availability import Availability
from app.services.booking import live_status


def hhmm(value) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def local_iso(instant: datetime | None) -> str | None:
    """An instant as ISO 8601 in office time with its offset, e.g. 2026-12-01T09:40:00+07:00."""
    return instant.astimezone(BANGKOK).isoformat(timespec="seconds") if instant else None


def office_json(office: Office, locale: str) -> dict:
    return {
        "code": office.code,
        "name": office.name(locale),
        "address": office.address(locale),
        "lat": office.lat,
        "lon": office.lon,
        "geofence_m": office.geofence_m,
        "booking_horizon_days": office.booking_horizon_days,
        "services": [
            {"code": s.code, "name": s.name(locale), "avg_minutes": s.avg_minutes} for s in office.services if s.active
        ],
    }


def availability_json(availability: Availability, locale: str) -> dict:
    body = {
        "date": availability.day.isoformat(),
        "open": availability.open,
        "channels": {
            channel.value: {"capacity": p.capacity, "used": p.used, "remaining": p.remaining}
            for channel, p in availability.channels.items()
        },
        "slots": [
            {
                "start": hhmm(s.start),
                "end": hhmm(s.end),
                "capacity": s.capacity,
                "remaining": s.remaining,
                "bookable": s.bookable,
            }
            for s in availability.slots
        ],
    }
    if availability.closure_reason:
        th, en = availability.closure_reason
        body["closed_reason"] = en if locale == "en" else th
    return body


def booking_json(booking: Booking, locale: str, *, now: datetime) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    live = live_status(booking, now=now)
    counter = booking.counter
    return {
        "token": booking.token,
        "number": booking.number,
        "office": booking.office.code,
        "office_name": booking.office.name(locale),
        "service": booking.service.code,
        "service_name": booking.service.name(locale),
        "channel": booking.channel,
        "date": booking.day.isoformat(),
        "slot_start": hhmm(booking.slot_start),
        "slot_end": hhmm(booking.slot_end),
        "status": booking.status,
        "people_ahead": live.people_ahead,
        "estimated_call_at": local_iso(live.estimated_call_at),
        "counter": ({"id": counter.id, "number": counter.number, "name": counter.name(locale)} if counter else None),
        "status_url": f"{base}/b/{booking.token}",
        "qr_png_url": f"{base}/api/v1/bookings/{booking.token}/qr.png",
        "created_at": local_iso(booking.created_at),
    }
