"""Staff endpoints (Authorization: Bearer <token>): counters, the waiting line, calling and
moving tickets. The counter console calls the same services."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from app.domain.roles import StaffMember
from app.services import auth
from app.services import booking as booking_service
from app.services import queue as queue_service

from ..context import json_body, locale, now, settings
from . import api
from .serialize import booking_json, counter_json


def bearer_staff() -> StaffMember:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else None
    staff = auth.staff_member_for_token(token, now=now())
    g.actor = staff.actor
    return staff


@api.get("/offices/<code>/counters")
def list_counters(code: str):
    views = queue_service.counters(code, bearer_staff(), now=now())
    base = settings().public_base_url
    return jsonify([counter_json(v, locale(), base) for v in views])


@api.get("/offices/<code>/queue")
def waiting_line(code: str):
    line = queue_service.waiting_line(code, bearer_staff(), now=now())
    base = settings().public_base_url
    return jsonify(
        {
            "waiting": {channel.value: n for channel, n in line.waiting.items()},
            "tickets": [booking_json(b, locale(), base) for b in line.tickets],
        }
    )


@api.post("/counters/<int:counter_id>/call-next")
def call_next(counter_id: int):
    called = queue_service.call_next(counter_id, bearer_staff(), now=now())
    if called is None:
        return Response(status=204)
    return jsonify(booking_json(called, locale(), settings().public_base_url))


_ACTIONS = {
    "recall": queue_service.recall,
    "start": queue_service.start,
    "done": queue_service.done,
    "no-show": queue_service.no_show,
}


@api.post("/tickets/<token>/<any(recall, start, done, 'no-show'):action>")
def move_ticket(token: str, action: str):
    moved = _ACTIONS[action](token, bearer_staff(), now=now())
    return jsonify(booking_json(moved, locale(), settings().public_base_url))


@api.post("/tickets/<token>/transfer")
def transfer(token: str):
    staff = bearer_staff()
    body = json_body()
    moved = queue_service.transfer(
        token, staff, now=now(), service=body.get("service"), counter_id=body.get("counter_id")
    )
    return jsonify(booking_json(moved, locale(), settings().public_base_url))


@api.post("/tickets/<token>/cancel")
def cancel_ticket(token: str):
    """Cancel a citizen's booking at the counter after checking the ID card (``{"reason"}``,
    required): recorded with the staff member and the reason."""
    staff = bearer_staff()
    body = json_body()
    cancelled = booking_service.cancel_at_counter(token, body.get("reason"), staff, now=now())
    return jsonify(booking_json(cancelled, locale(), settings().public_base_url))
