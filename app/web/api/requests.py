"""Section 10 request tracking: staff (bearer token) register and move requests and send
delay notices; the applicant reads a request with its token, no login."""

from __future__ import annotations

from flask import jsonify, request

from app.domain import requests as rules
from app.domain.booking import parse_date
from app.domain.errors import N_, InvalidField
from app.services import requests as request_service

from ..context import json_body, locale, lookup_rate, now, settings
from . import api
from .parsing import query_flag
from .serialize import request_json
from .staff import bearer_staff


def _json(view, status: int = 200):
    response = jsonify(request_json(view, locale(), settings().public_base_url))
    response.headers["Cache-Control"] = "no-store"
    return response, status


@api.post("/offices/<code>/requests")
def register_request(code: str):
    staff = bearer_staff()
    body = json_body()
    if isinstance(body.get("processing_days"), str):  # JSON says a number (the page's form sends text)
        raise InvalidField("processing_days", N_("Processing time is a whole number of days from 0 to %(max)s."),
                           max=rules.MAX_PROCESSING_DAYS)  # fmt: skip
    new = request_service.read_new_request(body, parse_date)
    view = request_service.register_request(code, new, staff, now=now(), locale=locale())
    return _json(view, 201)


@api.get("/offices/<code>/requests")
def list_requests(code: str):
    staff = bearer_staff()
    overdue = query_flag(request.args, "overdue")
    status = request.args.get("status")
    status = rules.read_status(status) if status else None  # an empty status= filters nothing
    views = request_service.office_requests(code, staff, now=now(), overdue=overdue, status=status)
    base = settings().public_base_url
    response = jsonify([request_json(v, locale(), base) for v in views])
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/requests/<token>")
@lookup_rate
def get_request(token: str):
    return _json(request_service.find_request(token, now=now()))


@api.post("/requests/<token>/status")
def move_request(token: str):
    staff = bearer_staff()
    body = json_body()
    target = rules.read_status(body.get("status"))
    note = rules.read_text(body.get("note"), "note", required=False)
    return _json(request_service.move_request(token, target, staff, now=now(), note=note))


@api.post("/requests/<token>/delay-notices/<int:n>/approve")
def approve_delay_notice(token: str, n: int):
    staff = bearer_staff()
    return _json(request_service.approve_notice(token, n, staff, now=now()))


@api.post("/requests/<token>/delay-notices")
def send_delay_notice(token: str):
    staff = bearer_staff()
    reason = rules.read_text(json_body().get("reason"), "reason", required=True)
    return _json(request_service.send_delay_notice(token, reason, staff, now=now()), 201)
