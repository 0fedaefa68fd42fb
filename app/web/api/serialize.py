"""Plain values → the JSON shapes of the contract. Pure functions: no database, no app."""

from __future__ import annotations

from datetime import datetime

from app.domain.calendar import BANGKOK
from app.domain.office import OfficeRules
from app.links import booking_qr_url, booking_status_url, request_status_url
from app.services.availability import Availability
from app.services.booking import BookingView
from app.services.queue import Board, BoardCall, CounterView
from app.services.requests import RequestView


def hhmm(value) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def local_iso(instant: datetime | None) -> str | None:
    """An instant as ISO 8601 in office time with its offset, e.g. 2026-12-01T09:40:00+07:00."""
    return instant.astimezone(BANGKOK).isoformat(timespec="seconds") if instant else None


def office_json(office: OfficeRules, locale: str) -> dict:
    return {
        "code": office.code,
        "name": office.name(locale),
        "address": office.address(locale),
        "lat": office.lat,
        "lon": office.lon,
        "geofence_m": office.geofence_m,
        "booking_horizon_days": office.booking_horizon_days,
        "verification": office.verification,
        "hold_minutes": office.hold_minutes,
        "services": [
            {"code": s.code, "name": s.name(locale), "avg_minutes": s.avg_minutes} for s in office.active_services()
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
    if availability.closure:
        body["closed_reason"] = availability.closure.reason(locale)
    return body


def booking_json(booking: BookingView, locale: str, base_url: str) -> dict:
    counter = booking.counter
    return {
        "token": booking.token,
        "number": booking.number,
        "office": booking.office.code,
        "office_name": booking.office.name(locale),
        "service": booking.service.code,
        "service_name": booking.service.name(locale),
        "channel": booking.channel.value,
        "date": booking.day.isoformat(),
        "slot_start": hhmm(booking.slot_start),
        "slot_end": hhmm(booking.slot_end),
        "status": booking.status.value,
        "people_ahead": booking.people_ahead,
        "estimated_call_at": local_iso(booking.estimated_call_at),
        "counter": ({"id": counter.id, "number": counter.number, "name": counter.name(locale)} if counter else None),
        "status_url": booking_status_url(base_url, booking.token),
        "qr_png_url": booking_qr_url(base_url, booking.token),
        "created_at": local_iso(booking.created_at),
        "priority": booking.priority,
        "called_at": local_iso(booking.called_at),
        "hold_expires_at": local_iso(booking.hold_expires_at),
    }


def counter_json(view: CounterView, locale: str, base_url: str) -> dict:
    counter = view.counter
    return {
        "id": counter.id,
        "number": counter.number,
        "name": counter.name(locale),
        "channels": sorted(c.value for c in counter.channels),
        "services": list(view.services),
        "open": counter.active,
        "serving": booking_json(view.serving, locale, base_url) if view.serving else None,
    }


def _call_json(call: BoardCall, locale: str) -> dict:
    counter = call.counter
    return {
        "number": call.number,
        "counter": counter.number if counter else None,
        "counter_name": counter.name(locale) if counter else None,
        "channel": call.channel.value,
        "called_at": local_iso(call.called_at),
    }


def board_json(board: Board, locale: str) -> dict:
    """The board: no names, no tokens."""
    return {
        "office": board.office.code,
        "office_name": board.office.name(locale),
        "calling": [_call_json(c, locale) for c in board.calling],
        "recent": [_call_json(c, locale) for c in board.recent],
        "waiting": {channel.value: n for channel, n in board.waiting.items()},
        "version": board.version,
    }


def request_json(request: RequestView, locale: str, base_url: str) -> dict:
    """A Section 10 request as the contract shows it: nothing about the applicant."""
    timing = request.timing
    return {
        "token": request.token,
        "reference": request.reference,
        "office": request.office.code,
        "office_name": request.office.name(locale),
        "service": request.service.code,
        "service_name": request.service.name(locale),
        "submitted_on": request.submitted_on.isoformat(),
        "processing_days": request.processing_days,
        "day_kind": request.day_kind.value,
        "due_on": timing.due_on.isoformat(),
        "status": request.status.value,
        "overdue": timing.overdue,
        "days_late": timing.days_late,
        "events": [{"at": local_iso(e.at), "status": e.status.value, "note": e.note} for e in request.events],
        "notices": [
            {"n": n.seq, "sent_at": local_iso(n.sent_at), "reason": n.reason, "channels": list(n.channels),
             "letter_number": n.letter_number, "letter_year": n.letter_year, "pending_review": n.pending_review}
            for n in request.notices
        ],
        "next_notice_on": timing.next_notice_on.isoformat() if timing.next_notice_on else None,
        "notice_due": timing.notice_due,
        "status_url": request_status_url(base_url, request.token),
        # Waiting for the applicant stops the clock (the due date moves by the days paused).
        "paused_on": timing.paused_on.isoformat() if timing.paused_on else None,
        "paused_days": request.paused_days,
    }
