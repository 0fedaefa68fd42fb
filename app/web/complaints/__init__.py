"""Staff pages for complaints (``/staff/complaints``), signed in with the counter console's
session (Flask-Login): the office's complaints by status and service level (breaches
flagged), a complaint with the visit it is about, the head's priority and assignee, replies
(public or internal) with a status change, and the flagged survey answers, each turned into a
complaint with one button. Every action is one call to ``app.services.complaints``, the same
use cases as the staff API; forms carry a CSRF token."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from app.domain import complaints as rules
from app.domain import survey as survey_rules
from app.domain.complaints import (
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    STAFF_INTAKE_CHANNELS,
    STATUS_LABELS,
    ComplaintStatus,
    HistoryLine,
    Priority,
    can_move,
)
from app.domain.errors import N_, KhiwError
from app.domain.outgoing import MESSAGE_TEXT_MAX
from app.domain.roles import Role
from app.services import complaints as complaint_service
from app.services.office_rules import catalogue

from ..context import locale, now
from ..errors import translate
from ..formatting import register_filters
from ..signin import current_staff as staff
from ..signin import staff_pages

complaints = staff_pages(Blueprint("complaints", __name__, url_prefix="/staff/complaints"))
complaints.record_once(lambda state: register_filters(state.app))


@complaints.app_template_filter("history_text")
def history_text(line: HistoryLine | None) -> str:
    """A history line as a sentence in the page's language: "เจ้าหน้าที่ สมชาย ตอบผู้ร้อง"."""
    if line is None:
        return ""
    values = dict(line.values)
    if values.get("status") in ComplaintStatus.__members__.values():
        values["status"] = gettext(STATUS_LABELS[ComplaintStatus(values["status"])])
    if values.get("priority") in Priority.__members__.values():
        values["priority"] = gettext(PRIORITY_LABELS[Priority(values["priority"])])
    return gettext(line.message, **values)


def _office_code() -> str:
    """The office whose complaints are shown: the staff member's own, or (an admin) the one asked for."""
    member = staff()
    wanted = request.args.get("office") or request.form.get("office")
    if member.role is Role.ADMIN:
        offices = catalogue().active()
        if wanted:
            return wanted
        if not offices:
            abort(404)
        return offices[0].code
    office = catalogue().by_id.get(member.office_id)
    if office is None:
        abort(404)
    return office.code


def _page_values() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "message_max": MESSAGE_TEXT_MAX,
        "current_time": now(),
        "statuses": list(ComplaintStatus),
        "priorities": list(Priority),
        "is_head": staff().role in (Role.HEAD, Role.ADMIN),
        "locale": locale(),
    }


@complaints.get("/")
@login_required
def complaint_list():
    code = _office_code()
    raw_status = request.args.get("status", "")
    status = rules.parse_status(raw_status) if raw_status else None
    overdue = True if request.args.get("overdue") == "true" else None
    views = complaint_service.office_complaints(code, staff(), now=now(), status=status, overdue=overdue)
    page = render_template(
        "complaints/list.html", complaints=views, office=catalogue().by_code[code], chosen_status=raw_status,
        overdue=overdue, offices=catalogue().active() if staff().role is Role.ADMIN else [], **_page_values(),
    )  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


@complaints.get("/<token>")
@login_required
def complaint_detail(token: str):
    view = complaint_service.complaint_for_staff(token, staff(), now=now())
    team = (
        complaint_service.assignable_staff(view.office.code, staff()) if staff().role in (Role.HEAD, Role.ADMIN) else []
    )
    head = staff().role in (Role.HEAD, Role.ADMIN)
    # Only the head closes (a clerk proposes "resolved"); reopening a closed one has its own form.
    moves = [s for s in ComplaintStatus if can_move(view.status, s) and (head or s is not ComplaintStatus.CLOSED)]
    page = render_template(
        "complaints/detail.html", complaint=view, office=view.office, team=team, moves=moves, **_page_values()
    )
    return page, 200, {"Cache-Control": "no-store"}


def _back(token: str):
    return redirect(url_for("complaints.complaint_detail", token=token), code=303)


@complaints.post("/<token>/settings")
@login_required
def change(token: str):
    form = request.form
    payload: dict = {}
    if form.get("priority"):
        payload["priority"] = form["priority"]
    if "assignee" in form:
        payload["assignee"] = form["assignee"] or None
    try:
        complaint_service.change_complaint(token, staff(), rules.read_change(payload), now=now())
    except KhiwError as error:
        if error.code in ("not_found", "forbidden"):
            raise
        flash(translate(error), "error")
    else:
        flash(gettext("Saved."), "info")
    return _back(token)


@complaints.post("/<token>/replies")
@login_required
def reply(token: str):
    form = request.form
    payload = {
        "text": form.get("text", ""),
        "status": form.get("status") or None,
        "internal": form.get("internal") == "yes",
    }
    try:
        complaint_service.reply_to_complaint(token, staff(), rules.read_reply(payload), now=now())
    except KhiwError as error:
        if error.code in ("not_found", "forbidden"):
            raise
        flash(translate(error), "error")
    else:
        flash(gettext("Internal note saved.") if payload["internal"] else gettext("Reply sent."), "info")
    return _back(token)


@complaints.post("/<token>/reopen")
@login_required
def reopen(token: str):
    try:
        reason = rules.parse_text(request.form.get("reason"), "reason", maximum=500,
                                  missing=N_("Say why the complaint is reopened."))
        complaint_service.reopen_complaint(token, staff(), reason, now=now())
    except KhiwError as error:
        if error.code in ("not_found", "forbidden"):
            raise
        flash(translate(error), "error")
    else:
        flash(gettext("The complaint is reopened."), "info")
    return _back(token)


_INTAKE_FIELDS = ("channel", "topic", "text", "name", "phone", "email")


@complaints.route("/new", methods=["GET", "POST"])
@login_required
def record():
    """Staff record a complaint received by phone, letter, in person or the 1111 hotline."""
    code = _office_code()
    _, topics = complaint_service.office_topics(code)
    values = {name: request.form.get(name, "") for name in _INTAKE_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            submission = rules.read_staff_complaint(values, code)
            view = complaint_service.record_complaint(submission, staff(), now=now(), locale=locale())
        except KhiwError as error:
            if error.code in ("forbidden",) or (error.code == "not_found" and not error.field):
                raise
            errors[error.field or "text"] = translate(error)
        else:
            flash(gettext("Complaint %(reference)s is recorded.", reference=view.reference), "info")
            return _after_filing(view)
    page = render_template(
        "complaints/new.html", office=catalogue().by_code[code], topics=topics, values=values, errors=errors,
        intake_channels=STAFF_INTAKE_CHANNELS, offices=catalogue().active() if staff().role is Role.ADMIN else [],
        **_page_values(),
    )  # fmt: skip
    return page, 400 if errors else 200, {"Cache-Control": "no-store"}


@complaints.get("/surveys")
@login_required
def flagged_surveys():
    code = _office_code()
    responses = complaint_service.flagged_survey_responses(code, staff())
    page = render_template(
        "complaints/surveys.html", responses=responses, office=catalogue().by_code[code],
        questions=survey_rules.QUESTION_BY_ID, **_page_values(),
    )  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


def _describe(question_ids, suggestion: str | None) -> str:
    """The complaint's text, in the staff member's language, from the survey answer."""
    lines = [gettext("From the satisfaction survey. Dissatisfied with:")]
    lines += [
        f"- {gettext(survey_rules.QUESTION_BY_ID[q].text)}" for q in question_ids if q in survey_rules.QUESTION_BY_ID
    ]
    if suggestion:
        lines.append(gettext("Suggestion: %(text)s", text=suggestion))
    return "\n".join(lines)[: rules.TEXT_MAX]


@complaints.post("/surveys/<int:response_id>")
@login_required
def from_survey(response_id: int):
    try:
        view = complaint_service.complaint_from_survey(response_id, staff(), now=now(), describe=_describe)
    except KhiwError as error:
        if error.code != "invalid_state":
            raise
        flash(translate(error), "error")
        return redirect(url_for("complaints.flagged_surveys", office=request.form.get("office") or None), code=303)
    flash(gettext("Complaint %(reference)s made from the survey answer.", reference=view.reference), "info")
    return _after_filing(view)


def _after_filing(view):
    """To the new complaint, unless it is confidential and a clerk filed it: then to the list,
    saying who handles it (its page is for the head and the person responsible)."""
    if view.confidential and staff().role is Role.CLERK:
        flash(gettext("Its topic is confidential: the office head and the person responsible handle it."), "info")
        return redirect(url_for("complaints.complaint_list"), code=303)
    return _back(view.token)
