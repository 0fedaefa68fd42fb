"""Every error as ``{"error": {"code", "message", "field"?}}`` in the client's language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.domain.errors import N_, KhiwError
from app.domain.status import STATUS_WORDS
from app.extensions import db

log = logging.getLogger(__name__)

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


def error_body(code: str, message: str, field: str | None = None, **extra) -> dict:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    error.update(extra)
    return {"error": error}


def translate(error: KhiwError) -> str:
    params = {
        key: gettext(STATUS_WORDS[value]) if key in ("status", "target") and value in STATUS_WORDS else value
        for key, value in error.params.items()
    }
    return gettext(error.message, **params)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KhiwError)
    def _khiw_error(error: KhiwError):
        db.session.rollback()
        return jsonify(error_body(error.code, translate(error), error.field, **error.extra())), error.http_status

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code, message = _HTTP_CODES.get(error.code or 500, ("error", error.description or ""))
        if not request.path.startswith("/api/"):
            from .citizen import render_error_page

            return render_error_page(error.code or 500, gettext(message))
        # Flask-Limiter adds Retry-After to this response after the handler.
        return jsonify(error_body(code, gettext(message))), error.code or 500

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        code, message = _HTTP_CODES[500]
        if not request.path.startswith("/api/"):
            from .citizen import render_error_page

            return render_error_page(500, gettext(message))
        return jsonify(error_body(code, gettext(message))), 500
