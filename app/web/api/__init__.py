"""Public JSON API v1 — the contract in shared/API.md, published at /api/v1/openapi.json."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from . import auth, board, bookings, complaints, kiosk, offices, reports, requests, spec, staff, survey  # noqa: E402,F401 - routes register on import
