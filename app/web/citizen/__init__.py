"""Pages for citizens: the live status page a booking's link and QR code open."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from app.domain.status import NOT_YET_CALLED, Status
from app.extensions import db
from app.models import Office
from app.services import booking as booking_service

from ..api.common import locale, lookup_rate, now
from ..formatting import register_filters

citizen = Blueprint("citizen", __name__)
citizen.record_once(lambda state: register_filters(state.app))


@citizen.get("/")
def home():
    offices = db.session.scalars(select(Office).where(Office.active.is_(True)).order_by(Office.code)).all()
    return render_template("home.html", offices=offices, locale=locale())


@citizen.get("/b/<token>")
@lookup_rate
def booking_status(token: str):
    instant = now()
    booking = booking_service.find_booking(token)
    live = booking_service.live_status(booking, now=instant)
    # The page keeps itself current while something can still change for the citizen.
    refreshing = booking.status_enum in NOT_YET_CALLED | {Status.CALLED}
    response = render_template("status.html", booking=booking, live=live, locale=locale(), refreshing=refreshing)
    return response, 200, {"Cache-Control": "no-store"}


def render_error_page(status: int, message: str):
    return render_template("error.html", status=status, message=message, locale=locale()), status
