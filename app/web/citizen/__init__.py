"""Pages for citizens: the offices, and the live status page a booking's link and QR code open."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.domain.status import NOT_YET_CALLED, STATUS_LABELS, Status
from app.services import booking as booking_service
from app.services.office_rules import catalogue

from ..context import locale, lookup_rate, now
from ..formatting import register_filters

citizen = Blueprint("citizen", __name__)
citizen.record_once(lambda state: register_filters(state.app))


@citizen.get("/")
def home():
    return render_template("citizen/home.html", offices=catalogue().active(), locale=locale())


@citizen.get("/b/<token>")
@lookup_rate
def booking_status(token: str):
    booking = booking_service.find_booking(token, now=now())
    # The page keeps itself current while something can still change for the citizen.
    refreshing = booking.status in NOT_YET_CALLED | {Status.CALLED}
    page = render_template(
        "citizen/status.html",
        booking=booking,
        status_label=STATUS_LABELS[booking.status],
        locale=locale(),
        refreshing=refreshing,
    )
    return page, 200, {"Cache-Control": "no-store"}


from . import survey  # noqa: E402,F401 - the survey page registers on this blueprint
