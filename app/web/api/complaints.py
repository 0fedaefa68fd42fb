"""Complaints (seed 001): a citizen files one and follows it by its token; the office's staff
list them, the head sets priority and the person responsible, staff reply or note."""

from __future__ import annotations

from flask import jsonify, request, url_for

from app.domain import complaints as rules
from app.domain.errors import N_
from app.links import complaint_status_url
from app.services import complaints as complaint_service
from app.services.complaints import ComplaintView, ReplyView

from ..context import complaint_rate, json_body, locale, lookup_rate, now, settings
from . import api
from .parsing import query_flag
from .serialize import local_iso
from .staff import bearer_staff


def reply_json(reply: ReplyView, *, staff_view: bool) -> dict:
    body = {"at": local_iso(reply.at), "text": reply.text, "status": reply.status.value if reply.status else None}
    if staff_view:
        body.update(internal=reply.internal, by=reply.by)
    return body


def complaint_json(view: ComplaintView, lang: str, base_url: str, *, staff_view: bool = False) -> dict:
    body = {
        "token": view.token,
        "reference": view.reference,
        "office": view.office.code,
        "topic": view.topic.code,
        "topic_name": view.topic.name(lang),
        "status": view.status.value,
        "priority": view.priority.value,
        "received_at": local_iso(view.received_at),
        "due_at": local_iso(view.due_at),
        "resolved_at": local_iso(view.resolved_at),
        "replies": [reply_json(r, staff_view=staff_view) for r in view.replies],
        "status_url": complaint_status_url(base_url, view.token),
        "channel": view.channel.value,
        "handling_question_open": view.handling_question_open,
    }
    if staff_view:
        body.update(
            text=view.text,
            assignee=view.assignee,
            assignee_name=view.assignee_name,
            sla_breached=view.sla_breached,
            confidential=view.confidential,
            closed_at=local_iso(view.closed_at),
            handling={"satisfied": view.handling_satisfied, "comment": view.handling_comment},
        )
    return body


def _respond(view: ComplaintView, status: int = 200, *, staff_view: bool):
    response = jsonify(complaint_json(view, locale(), settings().public_base_url, staff_view=staff_view))
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/complaints")
@complaint_rate
def file_complaint():
    submission = rules.read_complaint(json_body())
    view = complaint_service.file_complaint(submission, now=now(), locale=locale())
    response = _respond(view, 201, staff_view=False)
    response.headers["Location"] = url_for("api.get_complaint", token=view.token)
    return response


@api.get("/complaints/<token>")
@lookup_rate
def get_complaint(token: str):
    return _respond(complaint_service.complaint_for_citizen(token, now=now()), staff_view=False)


@api.get("/offices/<code>/complaints")
def office_complaints(code: str):
    staff = bearer_staff()
    raw_status = request.args.get("status")
    status = rules.parse_status(raw_status) if raw_status else None  # an empty status= filters nothing
    overdue = query_flag(request.args, "overdue")
    views = complaint_service.office_complaints(code, staff, now=now(), status=status, overdue=overdue)
    base = settings().public_base_url
    response = jsonify([complaint_json(v, locale(), base, staff_view=True) for v in views])
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/offices/<code>/complaints")
def record_complaint(code: str):
    """Staff record a complaint received by phone, letter, in person or the 1111 hotline."""
    staff = bearer_staff()
    submission = rules.read_staff_complaint(json_body(), code)
    view = complaint_service.record_complaint(submission, staff, now=now(), locale=locale())
    return _respond(view, 201, staff_view=True)


@api.post("/complaints/<token>/reopen")
def reopen_complaint(token: str):
    staff = bearer_staff()
    body = json_body()
    reason = rules.parse_text(
        body.get("reason") if isinstance(body, dict) else None, "reason", maximum=500,
        missing=N_("Say why the complaint is reopened."),
    )  # fmt: skip
    return _respond(complaint_service.reopen_complaint(token, staff, reason, now=now()), staff_view=True)


@api.post("/complaints/<token>/handling")
@lookup_rate
def answer_handling(token: str):
    """The complainant's one answer about the handling, once the complaint is resolved."""
    answer = rules.read_handling_answer(json_body())
    return _respond(complaint_service.answer_handling(token, answer, now=now()), 201, staff_view=False)


@api.patch("/complaints/<token>")
def change_complaint(token: str):
    staff = bearer_staff()
    change = rules.read_change(json_body())
    return _respond(complaint_service.change_complaint(token, staff, change, now=now()), staff_view=True)


@api.post("/complaints/<token>/replies")
def reply_to_complaint(token: str):
    staff = bearer_staff()
    reply = rules.read_reply(json_body())
    return _respond(complaint_service.reply_to_complaint(token, staff, reply, now=now()), 201, staff_view=True)
