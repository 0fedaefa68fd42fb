"""Calls from providers: Twilio's SMS status callbacks (``/webhooks/twilio/status``).

A callback is believed only with a valid ``X-Twilio-Signature``, checked against the address
Twilio was given (``PUBLIC_BASE_URL`` + the path), so it works behind a proxy too.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from app.services import outbox
from notifier.backends.sms_twilio import valid_signature

from ..context import now, settings

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@webhooks.post("/twilio/status")
def twilio_status():
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    url = f"{settings().public_base_url}{request.path}{query}"
    form = request.form.to_dict()
    if not valid_signature(
        current_app.config["TWILIO_AUTH_TOKEN"], url, form, request.headers.get("X-Twilio-Signature")
    ):
        abort(403)
    sid, status = form.get("MessageSid") or form.get("SmsSid"), form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        abort(400)
    outbox.record_delivery_status(sid, status, form.get("ErrorCode"), now=now())
    return "", 204
