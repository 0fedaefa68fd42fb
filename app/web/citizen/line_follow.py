""" "Follow on LINE" on a booking's status page: the link with the one-time code, and its QR.

Shown only when the office's LINE Official Account is set up (``LINE_BASIC_ID`` …) and the
booking can still be followed. The QR is drawn by Khiw (no picture from another host), for a
person who reads the page on a computer and follows on the phone.
"""

from __future__ import annotations

import io

import qrcode
from flask import abort, current_app, send_file

from app.services import line as line_service

from ..context import lookup_rate, now, settings
from . import citizen


def line_offer_for(token: str) -> line_service.LineOffer | None:
    config = current_app.config
    if not config.get("LINE_ENABLED"):
        return None
    return line_service.line_offer(token, basic_id=config["LINE_BASIC_ID"], now=now(), settings=settings())


@citizen.get("/b/<token>/line-qr.png")
@lookup_rate
def line_follow_qr(token: str):
    offer = line_offer_for(token)
    if offer is None or offer.url is None:
        abort(404)
    image = qrcode.make(offer.url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    # The picture holds the booking's code: not kept by any cache.
    response = send_file(buffer, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
