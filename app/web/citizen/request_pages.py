"""A citizen follows a Section 10 request: its tracking page by token (no login), and
"find my request" by reference and the last 4 digits of the phone."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.domain.booking import parse_last_digits
from app.domain.errors import N_, KhiwError
from app.domain.requests import REQUEST_STATUS_LABELS
from app.services import requests as request_service

from ..context import find_rate, locale, lookup_rate, now
from ..errors import translate
from . import citizen


@citizen.get("/r/<token>")
@lookup_rate
def request_status(token: str):
    view = request_service.find_request(token, now=now())
    page = render_template("citizen/request.html", r=view, labels=REQUEST_STATUS_LABELS, locale=locale())
    return page, 200, {"Cache-Control": "no-store"}


NOT_FOUND_MESSAGE = N_(
    "We could not find a request with these details. Check the reference and the last 4 digits, and try again."
)


@citizen.route("/r/find", methods=["GET", "POST"])
@find_rate
def find_request():
    """A miss always reads the same, so the form tells nobody whether a reference exists."""
    values = {name: request.form.get(name, "").strip()[:40] for name in ("reference", "last4")}
    errors: dict[str, str] = {}
    not_found = False
    if request.method == "POST" and request.form.get("action") == "find":
        if not values["reference"]:
            errors["reference"] = translate(KhiwError(N_("Enter the reference of your request.")))
        try:
            last4 = parse_last_digits(values["last4"], "last4")
        except KhiwError as error:
            errors["last4"] = translate(error)
        if not errors:
            token = request_service.find_my_request(values["reference"], last4)
            if token:
                return redirect(url_for("citizen.request_status", token=token), code=303)
            not_found = True
    page = render_template(
        "citizen/find_request.html", values=values, errors=errors, not_found=not_found,
        not_found_message=NOT_FOUND_MESSAGE, locale=locale(),
    )  # fmt: skip
    return page, 400 if errors else 200, {"Cache-Control": "no-store"}
