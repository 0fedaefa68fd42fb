"""Kiosk endpoints (header X-Kiosk-Key). Ticket printing comes with the kiosk package."""

from __future__ import annotations

from flask import jsonify, request

from app.domain.errors import N_, InvalidField
from app.services import auth
from app.services import booking as booking_service

from . import api
from .common import json_body, locale, now
from .serialize import booking_json


@api.post("/offices/<code>/check-ins")
def check_in(code: str):
    office = booking_service.find_office(code)
    kiosk = auth.kiosk_for_office(request.headers.get("X-Kiosk-Key"), office)
    token = json_body().get("token")
    if not isinstance(token, str) or not token:
        raise InvalidField("token", N_("Scan the QR code of the booking."))
    instant = now()
    booking = booking_service.check_in(office, token, now=instant, actor=f"kiosk:{kiosk.id}")
    return jsonify(booking_json(booking, locale(), now=instant))
