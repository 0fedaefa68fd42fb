"""Citizens' bookings: create, read live, cancel, and the QR code that opens the status page."""

from __future__ import annotations

import io

import qrcode
from flask import current_app, jsonify, request, send_file, url_for

from app.domain.booking import parse_booking_request
from app.domain.errors import N_, InvalidField
from app.services import booking as booking_service

from . import api
from .common import booking_rate, json_body, locale, lookup_rate, now, policy
from .serialize import booking_json

IDEMPOTENCY_KEY_MAX = 128


@api.post("/bookings")
@booking_rate
def create_booking():
    request_ = parse_booking_request(json_body())
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= IDEMPOTENCY_KEY_MAX and key.isprintable()):
        raise InvalidField("Idempotency-Key", N_("Idempotency-Key must be 1–128 printable characters."))
    instant = now()
    result = booking_service.book(request_, now=instant, policy=policy(), idempotency_key=key)
    body = booking_json(result.booking, locale(), now=instant)
    response = jsonify(body)
    response.status_code = 200 if result.replayed else 201
    response.headers["Location"] = url_for("api.get_booking", token=result.booking.token)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.get("/bookings/<token>")
@lookup_rate
def get_booking(token: str):
    booking = booking_service.find_booking(token)
    response = jsonify(booking_json(booking, locale(), now=now()))
    response.headers["Cache-Control"] = "no-store"
    return response


@api.delete("/bookings/<token>")
@booking_rate
def cancel_booking(token: str):
    instant = now()
    booking = booking_service.cancel_booking(token, now=instant)
    return jsonify(booking_json(booking, locale(), now=instant))


@api.get("/bookings/<token>/qr.png")
@lookup_rate
def booking_qr(token: str):
    """A QR code of the booking's status page, to show at the kiosk or save on the phone."""
    booking = booking_service.find_booking(token)
    image = qrcode.make(f"{current_app.config['PUBLIC_BASE_URL']}/b/{booking.token}", box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    response = send_file(buffer, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
