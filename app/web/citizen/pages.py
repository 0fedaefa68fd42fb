"""Home (offices), a booking's status page with cancel and calendar file, and "find my booking"."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from app.domain.booking import parse_date, parse_last_digits, parse_ticket_number
from app.domain.calendar import local_now
from app.domain.errors import N_, KhiwError
from app.domain.geofence import Position, distance_m
from app.domain.status import STATUS_LABELS, Status, can_move
from app.domain.status_page import status_page
from app.services import booking as booking_service
from app.services import holds
from app.services import requests as request_service
from app.services import survey as survey_service
from app.services.availability import offices_today
from app.services.office_rules import catalogue

from ..context import booking_rate, confirm_rate, find_rate, locale, lookup_rate, now, settings
from ..errors import HTTP_STATUS, translate
from . import citizen
from .calendar_file import booking_ics
from .line_follow import line_offer_for


def _position_from_query() -> Position | None:
    """The browser's position, when the home page's "nearest first" button sent it."""
    try:
        lat, lon = float(request.args["lat"]), float(request.args["lon"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Position(lat, lon, 0)


@citizen.get("/")
def home():
    query = request.args.get("q", "").strip()[:100]
    position = _position_from_query()
    lang = locale()
    rows = []
    for today in offices_today(now=now()):
        if query and not today.office.matches(query):
            continue
        distance = round(distance_m(today.office.lat, today.office.lon, position)) if position else None
        rows.append((today, distance))
    if position:
        rows.sort(key=lambda row: row[1])
    return render_template("citizen/home.html", rows=rows, query=query, located=position is not None, locale=lang)


def _status_page(token: str, template: str = "citizen/status.html", status: int = 200, **extra):
    booking = booking_service.find_booking(token, now=now())
    if booking.status is Status.HELD and template == "citizen/status.html":
        template = "citizen/confirm.html"  # held (an "otp" office): the code comes first
    answered = booking.status is Status.DONE and survey_service.survey_state(token).answered
    # What the page shows (a usable ticket, or what happened and the next step) is the domain's.
    shows = status_page(booking.status, day=booking.day, today=local_now(now()).date(), survey_answered=answered)
    page = render_template(
        template,
        booking=booking,
        shows=shows,
        status_label=STATUS_LABELS[booking.status],
        labels={status.value: label for status, label in STATUS_LABELS.items()},
        locale=locale(),
        refreshing=shows.refreshing,
        can_cancel=can_move(booking.status, Status.CANCELLED),
        # Section 10 requests filed after this visit (a clerk linked them to the booking).
        requests=request_service.requests_of_booking(token, now=now()),
        line=line_offer_for(token),
        **extra,
    )
    return page, status, {"Cache-Control": "no-store"}


@citizen.get("/b/<token>")
@lookup_rate
def booking_status(token: str):
    return _status_page(
        token, just_booked=request.args.get("new") == "1", code_resent=request.args.get("sent") == "1"
    )


@citizen.post("/b/<token>/confirm")
@confirm_rate
def confirm_code(token: str):
    """The code sent to a held booking's phone or e-mail books it; then the usual page."""
    try:
        holds.confirm_booking(token, request.form.get("code", ""), settings=settings())
    except KhiwError as error:
        if error.code == "not_found":
            raise
        return _status_page(token, error=translate(error), status=400 if error.code == "invalid" else 409)
    return redirect(url_for("citizen.booking_status", token=token, new=1), code=303)


@citizen.post("/b/<token>/resend-code")
@confirm_rate
def resend_code(token: str):
    """"Send the code again" on the code page: a new code goes out, the last one stops working."""
    try:
        holds.resend_code(token, settings=settings())
    except KhiwError as error:
        if error.code == "not_found":
            raise
        status = HTTP_STATUS.get(error.code, 409)
        page, status, headers = _status_page(token, resend_error=translate(error), status=status)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return page, status, headers
    return redirect(url_for("citizen.booking_status", token=token, sent=1), code=303)


@citizen.get("/b/<token>/cancel")
@lookup_rate
def cancel_confirm(token: str):
    return _status_page(token, "citizen/cancel.html")


@citizen.post("/b/<token>/cancel")
@booking_rate
def cancel(token: str):
    try:
        booking_service.cancel_booking(token, now=now())
    except KhiwError as error:
        if error.code == "not_found":
            raise
        return _status_page(token, "citizen/cancel.html", error=translate(error))
    return redirect(url_for("citizen.booking_status", token=token), code=303)


@citizen.get("/b/<token>/booking.ics")
@lookup_rate
def calendar_file(token: str):
    booking = booking_service.find_booking(token, now=now())
    body = booking_ics(booking, locale(), settings().public_base_url, now())
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="khiw-{booking.number}.ics"',
            "Cache-Control": "no-store",
        },
    )


NOT_FOUND_MESSAGE = N_(
    "We could not find a booking with these details. Check the number, office, date and the "
    "last 4 digits, and try again."
)


@citizen.route("/find", methods=["GET", "POST"])
@find_rate
def find():
    """Find a booking by its number, office, date and the last 4 digits of the phone or ID.

    A miss always reads the same (unknown number, wrong digits, cancelled office …), so the
    page cannot be used to learn whether somebody else booked; tries are rate-limited.
    """
    values = {name: request.form.get(name, "").strip() for name in ("office", "date", "number", "last4")}
    errors: dict[str, str] = {}
    not_found = False
    if request.method == "POST" and request.form.get("action") == "find":
        parsed = {}
        readers = {
            "number": parse_ticket_number,
            "date": parse_date,
            "last4": parse_last_digits,
        }
        if not values["office"]:
            errors["office"] = translate(KhiwError(N_("Choose an office.")))
        for name, read in readers.items():
            try:
                parsed[name] = read(values[name])
            except KhiwError as error:
                errors[name] = translate(error)
        if not errors:
            token = booking_service.find_my_booking(
                values["office"], parsed["date"], parsed["number"], parsed["last4"], settings=settings()
            )
            if token:
                return redirect(url_for("citizen.booking_status", token=token), code=303)
            not_found = True
    status = 400 if errors else 200
    page = render_template(
        "citizen/find.html",
        offices=catalogue().active(),
        values=values,
        errors=errors,
        not_found=not_found,
        not_found_message=NOT_FOUND_MESSAGE,
        locale=locale(),
    )
    return page, status, {"Cache-Control": "no-store"}
