"""Calls from providers: Twilio's SMS status callbacks (``/webhooks/twilio/status``) and
LINE's webhook (``/webhooks/line``: follow, unfollow and the link codes citizens send).

A callback is believed only with a valid ``X-Twilio-Signature``, checked against the address
Twilio was given (``PUBLIC_BASE_URL`` + the path), so it works behind a proxy too.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, request

from app.services import line as line_service
from app.services import outbox
from notifier.backends import line as line_backends
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


def _line_backend():
    config = current_app.config
    wanted = (config.get("LINE_BACKEND"), config.get("LINE_CHANNEL_ACCESS_TOKEN"), config.get("LINE_API_URL"))
    kept = current_app.extensions.get("khiw_line_backend")
    if kept is None or kept[0] != wanted:
        kept = current_app.extensions["khiw_line_backend"] = (wanted, line_backends.line_backend(config))
    return kept[1]


@webhooks.post("/line")
def line_webhook():
    """LINE's webhook: believed only with X-Line-Signature, the base64 HMAC-SHA256 of the raw
    body with the channel secret (else 400, nothing done). LINE's verify call has no events."""
    config = current_app.config
    if not config.get("LINE_ENABLED"):
        abort(404)
    body = request.get_data(cache=False)
    if not line_backends.valid_signature(config["LINE_CHANNEL_SECRET"], body, request.headers.get("X-Line-Signature")):
        abort(400)
    try:
        payload = json.loads(body)
    except ValueError:
        abort(400)
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        abort(400)
    if events:
        line_service.receive_line_events(events, now=now(), settings=settings(), reply=_line_backend().reply)
    return "", 200
