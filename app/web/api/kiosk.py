"""Kiosk endpoints (header X-Kiosk-Key). Ticket printing comes with the kiosk package."""

from __future__ import annotations

from flask import g, jsonify, request

from app.domain.errors import N_, InvalidField
from app.services import auth
from app.services import booking as booking_service
from app.services.office_rules import office_rules

from ..context import current_actor, json_body, locale, now, settings
from . import api
from .serialize import booking_json


@api.post("/offices/<code>/check-ins")
def check_in(code: str):
    office = office_rules(code)
    kiosk = auth.kiosk_for_office(request.headers.get("X-Kiosk-Key"), office.id)
    g.actor = f"kiosk:{kiosk.id}"
    token = json_body().get("token")
    if not isinstance(token, str) or not token:
        raise InvalidField("token", N_("Scan the QR code of the booking."))
    booking = booking_service.check_in(code, token, now=now(), actor=current_actor(), kiosk_office_id=office.id)
    return jsonify(booking_json(booking, locale(), settings().public_base_url))
