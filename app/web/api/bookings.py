"""Citizens' bookings: create, read live, cancel, and the QR code that opens the status page."""

from __future__ import annotations

import io

import qrcode
from flask import jsonify, request, send_file, url_for

from app.domain.booking import request_fingerprint
from app.domain.errors import N_, InvalidField
from app.links import booking_status_url
from app.services import booking as booking_service
from app.services import holds

from ..context import booking_rate, confirm_rate, json_body, locale, lookup_rate, now, settings
from . import api
from .parsing import parse_booking_request
from .serialize import booking_json

IDEMPOTENCY_KEY_MAX = 128


@api.post("/bookings")
@booking_rate
def create_booking():
    body = json_body()
    request_ = parse_booking_request(body)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= IDEMPOTENCY_KEY_MAX and key.isprintable()):
        raise InvalidField("Idempotency-Key", N_("Idempotency-Key must be 1–128 printable characters."))
    config = settings()
    result = booking_service.book(
        request_, settings=config, idempotency_key=key, fingerprint=request_fingerprint(body), locale=locale()
    )
    response = jsonify(booking_json(result.booking, locale(), config.public_base_url))
    response.status_code = 200 if result.replayed else 201
    response.headers["Location"] = url_for("api.get_booking", token=result.booking.token)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.post("/bookings/<token>/confirm")
@confirm_rate
def confirm_booking(token: str):
    """A held booking (an office with verification "otp") becomes booked with the code sent
    to the person's phone or e-mail, and gets its number."""
    body = json_body()
    booking = holds.confirm_booking(token, body.get("code"), settings=settings())
    return jsonify(booking_json(booking, locale(), settings().public_base_url))


@api.post("/bookings/<token>/resend-code")
@confirm_rate
def resend_code(token: str):
    """Send a held booking's person a new code (the last one stops working): at most 3 codes
    per hold, 60 s apart (``429`` with ``Retry-After`` when too soon; ``409`` past the third)."""
    booking = holds.resend_code(token, settings=settings())
    return jsonify(booking_json(booking, locale(), settings().public_base_url))


@api.get("/bookings/<token>")
@lookup_rate
def get_booking(token: str):
    """The booking now. A client polling it sends the last ``ETag`` in ``If-None-Match`` and
    gets ``304`` with no body while nothing it shows has changed (a cheap phone's data)."""
    booking = booking_service.find_booking(token, now=now())
    response = jsonify(booking_json(booking, locale(), settings().public_base_url))
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    response.add_etag()  # a hash of the body: the status, people ahead, estimate, counter
    return response.make_conditional(request)


@api.delete("/bookings/<token>")
@booking_rate
def cancel_booking(token: str):
    booking = booking_service.cancel_booking(token, now=now())
    return jsonify(booking_json(booking, locale(), settings().public_base_url))


@api.get("/bookings/<token>/qr.png")
@lookup_rate
def booking_qr(token: str):
    """A QR code of the booking's status page, to show at the kiosk or save on the phone."""
    booking = booking_service.find_booking(token, now=now())
    image = qrcode.make(booking_status_url(settings().public_base_url, booking.token), box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    # Not kept by the browser: the picture holds the token (the page can be saved instead).
    return send_file(buffer, mimetype="image/png", max_age=0)
