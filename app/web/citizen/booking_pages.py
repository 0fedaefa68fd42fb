"""Booking on the web (office → service → day → window → details → review → done) and on
the phone near the office (location → details → done).

Each step is its own address, so the back button, a bookmark and the language switch keep
the person's place; the forms send what was typed again at each step, so nothing is lost.
The final "confirm" carries a one-time key used as the service's idempotency key: pressing
it twice, or going back and pressing it again, returns the booking already made.
"""

from __future__ import annotations

from datetime import date, time

from flask import current_app, redirect, render_template, request, session, url_for

from app.domain.booking import check_mobile_window, nearest_windows, parse_date, parse_time
from app.domain.calendar import local_now
from app.domain.errors import N_, InvalidField, KhiwError, NotFound, OutsideGeofence
from app.domain.geofence import check_inside_fence, parse_position
from app.services import booking as booking_service
from app.services.availability import month_calendar, office_availability
from app.services.office_rules import office_rules

from ..context import booking_rate, locale, now, settings
from ..errors import translate
from . import citizen
from .draft import seal, unseal
from .forms import PERSON_FIELDS, booking_request, error_for, field_errors, one_time_key, person_values


def _office_and_service(office_code: str, service_code: str):
    office = office_rules(office_code)
    service = office.service(service_code)
    if service is None:
        raise NotFound(N_("There is no service %(code)s at this office."), code=service_code)
    return office, service


def _day(raw: str) -> date:
    return parse_date(raw)


def _slot(raw: str) -> time:
    return parse_time(raw, "slot")


@citizen.get("/book/<office_code>")
def choose_service(office_code: str):
    office = office_rules(office_code)
    return render_template("citizen/book_service.html", office=office, locale=locale())


@citizen.get("/book/<office_code>/<service_code>")
def choose_day(office_code: str, service_code: str):
    office, service = _office_and_service(office_code, service_code)
    month = None
    raw = request.args.get("month", "")
    if len(raw) == 7:
        try:
            month = parse_date(raw + "-01")
        except KhiwError:
            month = None
    calendar = month_calendar(office.code, month, now=now())
    return render_template(
        "citizen/book_day.html", office=office, service=service, calendar=calendar, locale=locale()
    )


@citizen.get("/book/<office_code>/<service_code>/<day>")
def choose_window(office_code: str, service_code: str, day: str):
    office, service = _office_and_service(office_code, service_code)
    availability = office_availability(office.code, _day(day), now=now())
    return render_template(
        "citizen/book_window.html", office=office, service=service, availability=availability, locale=locale()
    )


def _details_page(office, service, day: date, slot: time, values: dict, errors: dict, status: int = 200, **extra):
    page = render_template(
        "citizen/book_details.html",
        office=office,
        service=service,
        day=day,
        slot=slot,
        values=values,
        errors=errors,
        key=one_time_key(request.form),
        locale=locale(),
        **extra,
    )
    return page, status, {"Cache-Control": "no-store"}


def _review_page(office, service, day: date, slot: time, values: dict, status: int = 200, key=None, **extra):
    page = render_template(
        "citizen/book_review.html",
        office=office,
        service=service,
        day=day,
        slot=slot,
        values=values,
        key=key or one_time_key(request.form),
        locale=locale(),
        **extra,
    )
    return page, status, {"Cache-Control": "no-store"}


def _web_fields(office, service, day: date, slot: time, values: dict) -> dict:
    return {
        "office": office.code,
        "service": service.code,
        "channel": "web",
        "date": day.isoformat(),
        "slot": slot.strftime("%H:%M"),
        **values,
    }


@citizen.route("/book/<office_code>/<service_code>/<day>/<slot>", methods=["GET", "POST"])
def details(office_code: str, service_code: str, day: str, slot: str):
    """Who is coming: GET shows the form; POST checks it and shows the review (or the form
    again with each fault beside its field); a language button re-shows the same step."""
    office, service = _office_and_service(office_code, service_code)
    chosen_day, chosen_slot = _day(day), _slot(slot)
    values = person_values(request.form)
    values["consent"] = request.form.get("consent", "")
    if request.method == "GET":  # ?cleared=1: the review was asked for after the draft's hour had passed
        cleared = request.args.get("cleared") == "1"
        return _details_page(office, service, chosen_day, chosen_slot, values, {}, cleared=cleared)
    step = request.form.get("step", "details")
    action = request.form.get("action")
    if action is None:  # the language switch: the same step, in the other language, as typed
        if step == "review":
            return _to_review(office, service, chosen_day, chosen_slot, values)
        return _details_page(office, service, chosen_day, chosen_slot, values, {})
    if action == "edit":
        return _details_page(office, service, chosen_day, chosen_slot, values, {})
    errors = field_errors(request.form)
    if errors:
        return _details_page(office, service, chosen_day, chosen_slot, values, errors, 400)
    try:
        booking_request(_web_fields(office, service, chosen_day, chosen_slot, values))
    except InvalidField as error:
        field, message = error_for(error)
        return _details_page(office, service, chosen_day, chosen_slot, values, {field or "form": message}, 400)
    return _to_review(office, service, chosen_day, chosen_slot, values)


# The review step is a page of its own (GET), reached by a redirect after the details are
# sent (post/redirect/get): "back" from the new booking's status page then shows the review
# again instead of the browser's "Confirm Form Resubmission". What was typed waits sealed
# (encrypted, draft.py) in the session cookie: this browser only, for an hour at most, until
# the booking is made or the browser closes.
_DRAFT = "booking_draft"


def _where(office, service, day: date, slot: time) -> list[str]:
    return [office.code, service.code, day.isoformat(), slot.strftime("%H:%M")]


def _to_review(office, service, day: date, slot: time, values: dict):
    session[_DRAFT] = {"where": _where(office, service, day, slot), "key": one_time_key(request.form),
                       "sealed": seal(values, current_app.secret_key, now())}  # fmt: skip
    lang = request.form.get("lang")
    target = url_for(
        "citizen.review", office_code=office.code, service_code=service.code, day=day.isoformat(),
        slot=slot.strftime("%H:%M"), **({"lang": lang} if lang in ("th", "en") else {}),
    )  # fmt: skip
    return redirect(target, code=303)


@citizen.get("/book/<office_code>/<service_code>/<day>/<slot>/review")
def review(office_code: str, service_code: str, day: str, slot: str):
    office, service = _office_and_service(office_code, service_code)
    chosen_day, chosen_slot = _day(day), _slot(slot)
    draft = session.get(_DRAFT)
    here = isinstance(draft, dict) and draft.get("where") == _where(office, service, chosen_day, chosen_slot)
    typed = unseal(draft.get("sealed"), current_app.secret_key, now()) if here else None
    if typed is None:
        # Nothing typed for this window (the booking was made, or another browser): the form;
        # typed here but no longer readable (over an hour ago): the form, saying why it is empty.
        return redirect(url_for("citizen.details", office_code=office.code, service_code=service.code,
                                day=chosen_day.isoformat(), slot=chosen_slot.strftime("%H:%M"),
                                **({"cleared": "1"} if here else {})), code=303)  # fmt: skip
    values = {name: typed.get(name, "") for name in (*PERSON_FIELDS, "consent")}
    return _review_page(office, service, chosen_day, chosen_slot, values, key=one_time_key(draft))


@citizen.post("/book/<office_code>/<service_code>/<day>/<slot>/confirm")
@booking_rate
def confirm(office_code: str, service_code: str, day: str, slot: str):
    office, service = _office_and_service(office_code, service_code)
    chosen_day, chosen_slot = _day(day), _slot(slot)
    values = person_values(request.form)
    values["consent"] = request.form.get("consent", "")
    errors = field_errors(request.form)
    if errors:
        return _details_page(office, service, chosen_day, chosen_slot, values, errors, 400)
    try:
        result = booking_service.book(
            booking_request(_web_fields(office, service, chosen_day, chosen_slot, values)),
            settings=settings(),
            idempotency_key=one_time_key(request.form),
            locale=locale(),  # messages to this person follow the page's language
        )
    except KhiwError as error:
        if error.code in ("capacity_full", "closed") and error.field in (None, "slot"):
            return _window_gone(office, service, chosen_day, chosen_slot, values, translate(error))
        field, message = error_for(error)
        if field in ("name", "national_id", "phone", "email"):
            return _details_page(office, service, chosen_day, chosen_slot, values, {field: message}, 400)
        return _review_page(office, service, chosen_day, chosen_slot, values, 409, error=message)
    session.pop(_DRAFT, None)  # booked: what was typed leaves the browser's cookie
    return redirect(url_for("citizen.booking_status", token=result.booking.token, new=1), code=303)


def _window_gone(office, service, day: date, slot: time, values: dict, message: str):
    """The window filled up (or started) meanwhile: say so, and offer the nearest ones with
    places, each a button that goes straight to the review with what was typed."""
    availability = office_availability(office.code, day, now=now())
    open_slots = [s for s in availability.slots if s.bookable]
    nearest = nearest_windows(open_slots, slot)
    page = render_template(
        "citizen/book_full.html",
        office=office,
        service=service,
        day=day,
        slot=slot,
        message=message,
        nearest=nearest,
        values=values,
        key=one_time_key({}),
        locale=locale(),
    )
    return page, 409, {"Cache-Control": "no-store"}


# --- on the phone, near the office -----------------------------------------------------


def _location_verdict(office, fields) -> dict:
    """What the page says about where the phone is: asked by the same domain checks booking
    makes (open now, accuracy, inside the fence); the server checks again when booking."""
    verdict: dict = {"position": None}
    try:
        check_mobile_window(local_now(now()), office.calendar)
    except KhiwError as error:
        verdict["closed"] = translate(error)
        return verdict
    if not fields.get("lat"):
        return verdict
    try:
        position = parse_position(fields, float)
        verdict["position"] = position
        verdict["distance"] = check_inside_fence(
            office.lat, office.lon, office.geofence_m, position, settings().max_accuracy_m
        )
        verdict["inside"] = True
    except OutsideGeofence as error:
        verdict.update(outside=translate(error), distance=error.distance_m)
    except InvalidField as error:
        verdict["inaccurate" if error.field == "accuracy_m" else "unreadable"] = translate(error)
    return verdict


def _near_page(office, verdict: dict, values: dict, errors: dict, status: int = 200):
    page = render_template(
        "citizen/near.html",
        office=office,
        verdict=verdict,
        values=values,
        errors=errors,
        key=one_time_key(request.form),
        locale=locale(),
    )
    return page, status, {"Cache-Control": "no-store"}


def _near_values() -> dict:
    values = person_values(request.form)
    values["consent"] = request.form.get("consent", "")
    values["service"] = request.form.get("service") or request.args.get("service", "")
    return values


@citizen.route("/near/<office_code>", methods=["GET", "POST"])
def near(office_code: str):
    """Where am I? GET with the position the page's script read (or none yet); a POST is the
    language switch, which keeps what was typed."""
    office = office_rules(office_code)
    fields = request.form if request.method == "POST" else request.args
    return _near_page(office, _location_verdict(office, fields), _near_values(), {})


@citizen.post("/near/<office_code>/book")
@booking_rate
def book_near(office_code: str):
    office = office_rules(office_code)
    verdict = _location_verdict(office, request.form)
    values = _near_values()
    if not verdict.get("inside"):
        return _near_page(office, verdict, values, {}, 403)
    errors = field_errors(request.form)
    if not office.service(values["service"]):
        errors["service"] = translate(InvalidField("service", N_("Choose a service.")))
    if errors:
        return _near_page(office, verdict, values, errors, 400)
    position = verdict["position"]
    fields = {
        "office": office.code,
        "service": values["service"],
        "channel": "mobile",
        "lat": str(position.lat),
        "lon": str(position.lon),
        "accuracy_m": str(position.accuracy_m),
        **{k: v for k, v in values.items() if k not in ("service", "consent")},
    }
    try:
        result = booking_service.book(
            booking_request(fields), settings=settings(), idempotency_key=one_time_key(request.form), locale=locale()
        )
    except KhiwError as error:
        field, message = error_for(error)
        known = ("name", "national_id", "phone", "email", "service")
        return _near_page(office, verdict, values, {field if field in known else "form": message}, 409)
    return redirect(url_for("citizen.booking_status", token=result.booking.token, new=1), code=303)
