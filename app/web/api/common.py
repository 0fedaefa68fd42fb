"""What every API route shares: the clock, the JSON body, the locale, rate-limit rules."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, request
from flask_babel import get_locale

from app.domain.errors import N_, InvalidRequest
from app.extensions import limiter
from app.services.booking import Policy


def now() -> datetime:
    """The current instant (UTC). Tests set config CLOCK to fix it."""
    return current_app.config["CLOCK"]()


def locale() -> str:
    return str(get_locale() or "th")


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    return body


def policy() -> Policy:
    return Policy(
        id_hmac_key=current_app.config["ID_HMAC_KEY"],
        max_accuracy_m=current_app.config["GEOFENCE_MAX_ACCURACY_M"],
    )


def booking_limit() -> str:
    return current_app.config["RATELIMIT_BOOKING"]


def lookup_limit() -> str:
    return current_app.config["RATELIMIT_LOOKUP"]


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


booking_rate = limiter.limit(booking_limit, scope="booking")
lookup_rate = limiter.limit(lookup_limit, scope="lookup")
login_rate = limiter.limit(login_limit, scope="login")
