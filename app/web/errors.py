"""Errors rendered for their audience, in the person's language.

The domain raises ``KhiwError``s that carry a stable code and nothing about HTTP. Here each
code gets its HTTP status, and the error its body: the contract's JSON
(``{"error": {"code", "message", "field"?}}``) under ``/api/``, and otherwise the error page
of the audience the address belongs to (citizen now; kiosk, counter, display and admin add
their own template ``<audience>/error.html`` and are found by their blueprint's name).
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.domain.complaints import STATUS_LABELS as COMPLAINT_STATUS_LABELS
from app.domain.errors import N_, Distance, KhiwError, format_distance
from app.domain.requests import REQUEST_STATUS_LABELS
from app.domain.status import STATUS_LABELS
from notifier.dates import thai_date

from .context import locale

log = logging.getLogger(__name__)

#: The HTTP status of each error code of the contract.
HTTP_STATUS = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "outside_geofence": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "capacity_full": 409,
    "already_booked": 409,
    "closed": 409,
    "invalid_state": 409,
    "too_large": 413,
    "idempotency_mismatch": 422,
    "rate_limited": 429,
    "internal": 500,
}

#: Werkzeug's HTTP errors (unknown address, wrong method, …) as contract codes.
_HTTP_CODES = {
    400: ("invalid", N_("The request could not be read.")),
    401: ("unauthorized", N_("Sign in first.")),
    403: ("forbidden", N_("You may not do this.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This address does not accept that method.")),
    413: ("too_large", N_("The request is too large.")),
    415: ("invalid", N_("Send the request body as JSON (Content-Type: application/json).")),
    429: ("rate_limited", N_("Too many requests; please wait a minute and try again.")),
    500: ("internal", N_("Something went wrong on our side; nothing was changed. Please try again.")),
}

#: Blueprints that render their own error page (templates/<name>/error.html).
PAGE_AUDIENCES = {
    "citizen", "kiosk", "counter", "display", "requests", "complaints", "admin", "reports", "rate", "signin",
}
DEFAULT_AUDIENCE = "citizen"


def error_body(code: str, message: str, field: str | None = None, **extra) -> dict:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    error.update(extra)
    return {"error": error}


def translate(error: KhiwError) -> str:
    """The error's message in the person's language, statuses named as people read them."""
    labels = {status.value: label for status, label in STATUS_LABELS.items()}
    request_labels = {status.value: label for status, label in REQUEST_STATUS_LABELS.items()}
    complaint_labels = {status.value: label for status, label in COMPLAINT_STATUS_LABELS.items()}
    params = {
        key: gettext(labels[value]) if key in ("status", "target") and value in labels
        else gettext(request_labels[value]) if key in ("request_status", "request_target") and value in request_labels
        else gettext(complaint_labels[value]) if key in ("complaint_status", "complaint_target")
        and value in complaint_labels
        else _readable(value)
        for key, value in error.params.items()
    }  # fmt: skip
    return gettext(error.message, **params)


def _readable(value):
    """A distance in the reader's units, a day as they read dates (Buddhist Era in Thai)."""
    if isinstance(value, Distance):
        return format_distance(int(value), locale())
    if isinstance(value, date):
        return thai_date(value, "long", locale())
    return value


def wants_json() -> bool:
    # The counter tablet's own calls (header X-Rate-Key) read JSON, as the kiosk's API calls do.
    return (
        request.blueprint == "api"
        or request.path.startswith("/api/")
        or (request.blueprint == "rate" and "X-Rate-Key" in request.headers)
    )


def render_error(status: int, code: str, message: str, field: str | None = None, **extra):
    """The response for an error: JSON for the API, the audience's page for a person."""
    if wants_json():
        return jsonify(error_body(code, message, field, **extra)), status
    audience = request.blueprint if request.blueprint in PAGE_AUDIENCES else DEFAULT_AUDIENCE
    page = render_template(f"{audience}/error.html", status=status, code=code, message=message, locale=locale())
    return page, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KhiwError)
    def _khiw_error(error: KhiwError):
        # Nothing to undo here: a use case's write transaction rolls itself back on any error,
        # and the request's session is closed when it ends.
        response = render_error(
            HTTP_STATUS.get(error.code, 400), error.code, translate(error), error.field, **error.extra()
        )
        retry_after = getattr(error, "retry_after", None)  # domain.errors.TooSoon: when to ask again
        if retry_after is not None:
            body, status = response
            return body, status, {"Retry-After": str(retry_after)}
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        code, message = _HTTP_CODES.get(status, ("error", error.description or ""))
        # Flask-Limiter adds Retry-After to this response after the handler.
        response = render_error(status, code, gettext(message))
        if status == 405 and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # The route's pattern, never the address itself: it may hold a booking's token.
        log.exception("unhandled error on %s %s", request.method, request.url_rule or "(no route)")
        code, message = _HTTP_CODES[500]
        return render_error(500, code, gettext(message))
