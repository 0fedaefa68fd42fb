"""Operations endpoints for load balancers and monitoring (the contract's "Operations").

``/healthz`` answers while the process serves (no database call: a slow database must not
make nginx drop every server at once); ``/readyz`` says whether this server can do its work
(database answers, schema at the latest migration); ``/metrics`` is Prometheus text behind
``METRICS_TOKEN``. None of them is rate-limited (a monitor polls them) and none is kept by a
cache (``Cache-Control: no-store``, the default of every answer).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_babel import gettext

from app.extensions import limiter
from app.metrics import CONTENT_TYPE, exposition
from app.services import operations
from app.settings import Settings

from .errors import error_body

ops = Blueprint("ops", __name__)
limiter.exempt(ops)  # even from an application-wide limit (RATELIMIT_APPLICATION) an operator may set


@ops.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@ops.get("/readyz")
def readyz():
    state = operations.readiness(operations.migrations_directory(current_app.root_path))
    if state.ready:
        return jsonify({"status": "ready"})
    return jsonify({"status": "not_ready", "reason": state.reason}), 503


@ops.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)  # as any address where nothing is
    given = request.headers.get("Authorization", "")
    scheme, _, credential = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), token.encode()):
        response = jsonify(error_body("unauthorized", gettext("A valid metrics token is needed.")))
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    figures = operations.figures(Settings.from_config(current_app.config).now())
    return Response(exposition(figures), status=200, content_type=CONTENT_TYPE)
