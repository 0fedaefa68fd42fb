"""Pages for citizens: find an office, book on the web or on the phone near the office,
follow a booking live, cancel it, and find it again.

Every page goes through the same services as the API (a booking made here is the same
booking through the API); forms are read by the same domain functions
(``read_booking_request(form, float)``), so no rule exists twice.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from app.extensions import csrf

from ..context import settings
from ..formatting import register_filters

citizen = Blueprint("citizen", __name__)
citizen.record_once(lambda state: register_filters(state.app))


@citizen.context_processor
def _page_values():
    return {"retention_days": settings().retention_days}


@citizen.before_request
def _check_form_token():
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


from . import booking_pages, complaints, display, line_follow, pages, request_pages, stats, survey  # noqa: E402,F401 - the routes and their filters
