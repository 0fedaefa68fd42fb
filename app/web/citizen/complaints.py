"""Complaints for citizens: an office's public form (also reached by the QR code the office
prints), the confirmation with the reference and tracking link, and the tracking page
``/c/<token>``. The form is read by the same domain function as the API."""

from __future__ import annotations

import io

import qrcode
from flask import redirect, render_template, request, send_file, url_for

from app.domain import complaints as rules
from app.domain.booking import parse_last_digits
from app.domain.calendar import BANGKOK
from app.domain.complaint_lookup import parse_complaint_reference
from app.domain.complaints import PRIORITY_LABELS, STATUS_LABELS, ComplaintStatus
from app.domain.errors import N_, KhiwError
from app.links import complaint_form_url, complaint_status_url
from app.services import complaints as complaint_service
from app.services.complaint_lookup import find_my_complaint
from notifier.dates import thai_date

from ..context import complaint_rate, find_complaint_rate, locale, lookup_rate, now, settings
from ..errors import translate
from . import citizen

FORM_FIELDS = ("topic", "text", "name", "phone", "email", "booking_token")


def _field_errors(form) -> dict[str, str]:
    """Every fault, by field, so each is shown beside its field."""
    errors: dict[str, str] = {}
    fields = {name: form.get(name, "") for name in FORM_FIELDS}
    for name in ("topic", "text", "name", "phone", "email"):
        probe = {"office": "-", "topic": "-", "text": "-", name: fields[name]}
        try:
            rules.read_complaint(probe)
        except KhiwError as error:
            errors[name] = translate(error)
    if any(fields[name].strip() for name in ("name", "phone", "email")) and form.get("consent") != "yes":
        errors["consent"] = translate(
            KhiwError(N_("Tick the box to agree, so we may keep your contact details to answer you."))
        )
    return errors


def _form_page(office_code: str, values: dict, errors: dict, status: int = 200):
    office, topics = complaint_service.office_topics(office_code)
    page = render_template(
        "citizen/complaint_form.html", office=office, topics=topics, values=values, errors=errors, locale=locale()
    )
    return page, status, {"Cache-Control": "no-store"}


@citizen.route("/complaints/<office_code>", methods=["GET", "POST"])
@complaint_rate
def complaint_form(office_code: str):
    values = {name: request.form.get(name, "").strip() for name in (*FORM_FIELDS, "consent")}
    if request.method == "GET":
        values["booking_token"] = request.args.get("booking", "")[:64]
        return _form_page(office_code, values, {})
    if request.form.get("action") != "send":  # the language switch re-sends what was typed
        return _form_page(office_code, values, {})
    errors = _field_errors(request.form)
    if errors:
        return _form_page(office_code, values, errors, 400)
    submission = rules.read_complaint({**values, "office": office_code})
    try:
        view = complaint_service.file_complaint(submission, now=now(), locale=locale())
    except KhiwError as error:
        if error.field in (None, "office"):  # an unknown topic or booking goes back to the form
            raise
        return _form_page(office_code, values, {error.field or "text": translate(error)}, 400)
    return redirect(url_for("citizen.complaint_status", token=view.token, new=1), code=303)


NOT_FOUND_MESSAGE = N_(
    "We could not find a complaint with these details. Check the reference and the last 4 digits of "
    "the mobile number you gave, and try again."
)


@citizen.route("/c/find", methods=["GET", "POST"])
@find_complaint_rate
def find_complaint():
    """Find a complaint again by its reference and the last 4 digits of the phone given. A
    miss always reads the same (no such reference, no phone, other digits); rate-limited per
    address and per reference."""
    values = {name: request.form.get(name, "").strip()[:40] for name in ("reference", "last4")}
    errors: dict[str, str] = {}
    not_found = False
    if request.method == "POST" and request.form.get("action") == "find":
        parsed = {}
        for name, read in (("reference", parse_complaint_reference), ("last4", parse_last_digits)):
            try:
                parsed[name] = read(values[name], name)
            except KhiwError as error:
                errors[name] = translate(error)
        if not errors:
            token = find_my_complaint(parsed["reference"], parsed["last4"])
            if token:
                return redirect(url_for("citizen.complaint_status", token=token), code=303)
            not_found = True
    page = render_template(
        "citizen/find_complaint.html", values=values, errors=errors, not_found=not_found,
        not_found_message=NOT_FOUND_MESSAGE, locale=locale(),
    )  # fmt: skip
    return page, 400 if errors else 200, {"Cache-Control": "no-store"}


@citizen.get("/c/<token>")
@lookup_rate
def complaint_status(token: str, handling_error: str | None = None):
    view = complaint_service.complaint_for_citizen(token, now=now())
    page = render_template(
        "citizen/complaint_status.html",
        complaint=view,
        status_label=STATUS_LABELS[view.status],
        status_labels=STATUS_LABELS,
        priority_label=PRIORITY_LABELS[view.priority],
        steps=list(ComplaintStatus),
        tracking_url=complaint_status_url(settings().public_base_url, view.token),
        just_filed=request.args.get("new") == "1",
        handling_error=handling_error,
        locale=locale(),
    )
    return page, 400 if handling_error else 200, {"Cache-Control": "no-store"}


@citizen.post("/c/<token>/handling")
@lookup_rate
def complaint_handling(token: str):
    """The complainant's one answer about the handling (PMQA 3.4), once the complaint is resolved."""
    try:
        complaint_service.answer_handling(token, rules.read_handling_answer(request.form), now=now())
    except KhiwError as error:
        if error.code == "not_found":
            raise
        return complaint_status(token, handling_error=translate(error))
    return redirect(url_for("citizen.complaint_status", token=token), code=303)


@citizen.get("/complaints/<office_code>/qr")
def complaint_qr_page(office_code: str):
    """An A4 page the office prints and posts: its complaint QR code and how to use it."""
    office, _ = complaint_service.office_topics(office_code)
    return render_template(
        "citizen/complaint_qr.html",
        office=office,
        form_url=complaint_form_url(settings().public_base_url, office.code),
        locale=locale(),
    )


@citizen.get("/complaints/<office_code>/qr.png")
def complaint_qr_png(office_code: str):
    office, _ = complaint_service.office_topics(office_code)
    image = qrcode.make(complaint_form_url(settings().public_base_url, office.code), box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    response = send_file(buffer, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@citizen.app_template_filter("thai_date_time")
def thai_date_time(instant, lang: str = "th") -> str:
    """An instant as a person reads it: 7 ธันวาคม พ.ศ. 2569 10:00 น. / 7 December 2026, 10:00."""
    if instant is None:
        return ""
    local = instant.astimezone(BANGKOK)
    day = thai_date(local.date(), "long", lang)
    return f"{day} {local:%H:%M} น." if lang != "en" else f"{day}, {local:%H:%M}"
