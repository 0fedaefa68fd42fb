"""Staff pages for Section 10 request tracking (under /staff/requests, the console's sign-in):
register a request, the office's list with a status filter and the overdue list, a request's
steps and delay notices, the printable A4 letter of each notice, and the export of delayed
requests as CSV or Excel. Every action is one call to ``app.services.requests``, the same
use cases the staff API calls."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from app.domain import requests as rules
from app.domain.booking import parse_date
from app.domain.errors import N_, KhiwError, NotFound
from app.domain.outgoing import MESSAGE_TEXT_MAX
from app.domain.requests import REQUEST_STATUS_LABELS, RequestStatus
from app.domain.roles import Role, StaffMember
from app.links import request_status_url
from app.services import requests as request_service
from app.services.office_rules import catalogue

from ..context import locale, now, settings
from ..errors import translate
from ..formatting import register_filters
from ..signin import current_staff as staff
from ..signin import staff_pages
from ..spreadsheet import XLSX_TYPE
from .export import delayed_csv, delayed_xlsx

requests_pages = staff_pages(Blueprint("requests", __name__))
requests_pages.record_once(lambda state: register_filters(state.app))


@requests_pages.context_processor
def _page_values():
    return {"labels": REQUEST_STATUS_LABELS, "statuses": list(RequestStatus), "locale": locale(),
            "message_max": MESSAGE_TEXT_MAX}  # fmt: skip


def _office_code(member: StaffMember) -> str:
    """The clerk's or head's own office; an admin names one with ?office=."""
    offices = catalogue()
    if member.office_id is not None:
        return offices.by_id[member.office_id].code
    code = request.values.get("office") or ""
    if code not in offices.by_code:
        # An administrator without ?office= starts at the first office (the header's picker
        # changes it) rather than a 404 asking for the address to be edited.
        active = offices.active()
        if not active:
            raise NotFound(N_("There are no offices yet."))
        return active[0].code
    return code


@requests_pages.get("/staff/requests/")
@login_required
def office_list():
    member = staff()
    code = _office_code(member)
    status = request.args.get("status") or None
    status = rules.read_status(status) if status else None
    overdue = True if request.args.get("overdue") == "1" else None
    views = request_service.office_requests(code, member, now=now(), overdue=overdue, status=status)
    office = catalogue().by_code[code]
    return render_template("requests/list.html", views=views, office=office, status=status, overdue=overdue,
                           admin_office=None if member.office_id else code)  # fmt: skip


_FIELDS = ("service", "reference", "name", "phone", "email", "submitted_on", "processing_days", "day_kind",
           "booking_token", "postal_address")  # fmt: skip


@requests_pages.route("/staff/requests/new", methods=["GET", "POST"])
@login_required
def register():
    member = staff()
    code = _office_code(member)
    office = catalogue().by_code[code]
    values = {name: request.form.get(name, "").strip() for name in _FIELDS}
    if not values["submitted_on"]:
        values["submitted_on"] = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            new = request_service.read_new_request(values, parse_date)
            view = request_service.register_request(code, new, member, now=now(), locale="th")
        except KhiwError as error:
            if error.code != "invalid" and not (error.code == "not_found" and error.field):
                raise  # an unknown service or booking goes back to the form; an unknown office does not
            errors[error.field or "service"] = translate(error)
        else:
            flash(gettext("Request %(reference)s is registered.", reference=view.reference), "info")
            return redirect(url_for("requests.detail", token=view.token, office=_admin_office(member, code)), 303)
    page = render_template("requests/new.html", office=office, values=values, errors=errors,
                           admin_office=_admin_office(member, code))  # fmt: skip
    return page, 400 if errors else 200


def _admin_office(member: StaffMember, code: str) -> str | None:
    return None if member.office_id else code


@requests_pages.get("/staff/requests/<token>")
@login_required
def detail(token: str):
    view = request_service.staff_request(token, staff(), now=now())
    moves = [s for s in RequestStatus if rules.can_move(view.status, s)]
    page = render_template("requests/detail.html", r=view, moves=moves,
                           is_head=staff().role in (Role.HEAD, Role.ADMIN))  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


def _act(token: str, action) -> object:
    try:
        action()
    except KhiwError as error:
        if error.code in ("not_found", "forbidden"):
            raise
        flash(translate(error), "error")
    return redirect(url_for("requests.detail", token=token), 303)


@requests_pages.post("/staff/requests/<token>/status")
@login_required
def move(token: str):
    def action():
        target = rules.read_status(request.form.get("status"))
        note = rules.read_text(request.form.get("note"), "note", required=False)
        request_service.move_request(token, target, staff(), now=now(), note=note)
        flash(gettext("The step is recorded."), "info")

    return _act(token, action)


@requests_pages.post("/staff/requests/<token>/delay-notices")
@login_required
def send_notice(token: str):
    def action():
        reason = rules.read_text(request.form.get("reason"), "reason", required=True)
        request_service.send_delay_notice(token, reason, staff(), now=now())
        flash(gettext("The delay notice is sent to the applicant."), "info")

    return _act(token, action)


@requests_pages.post("/staff/requests/<token>/notices/<int:n>/approve")
@login_required
def approve_notice(token: str, n: int):
    def action():
        request_service.approve_notice(token, n, staff(), now=now())
        flash(gettext("The delay notice is sent to the applicant."), "info")

    return _act(token, action)


@requests_pages.get("/requests/<token>/notices/<int:n>/letter")
@login_required
def letter(token: str, n: int):
    """The notice as a printable A4 letter in Thai, in the standard form of an official letter."""
    view = request_service.delay_letter(token, n, staff(), now=now())
    page = render_template("requests/letter.html", letter=view, r=view.request, notice=view.notice,
                           head=view.letterhead, signatory=view.signatory, locale="th",
                           status_url=request_status_url(settings().public_base_url, token))  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


@requests_pages.get("/staff/requests/delayed.<any(csv, xlsx):kind>")
@login_required
def export(kind: str):
    member = staff()
    code = _office_code(member)
    views = request_service.delayed_requests(code, member, now=now())
    today = now().date().isoformat()
    if kind == "csv":
        body, mimetype = delayed_csv(views, locale()), "text/csv; charset=utf-8"
    else:
        body, mimetype = delayed_xlsx(views, locale()), XLSX_TYPE
    headers = {"Content-Disposition": f'attachment; filename="delayed-requests-{code}-{today}.{kind}"',
               "Cache-Control": "no-store"}  # fmt: skip
    return current_app.response_class(body, mimetype=mimetype, headers=headers)
