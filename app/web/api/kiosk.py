"""Kiosk endpoints (header X-Kiosk-Key): walk-in tickets with their ESC/POS bytes, and
checking in a web or mobile booking on arrival."""

from __future__ import annotations

import base64

from flask import current_app, g, jsonify, request

from app.domain.errors import N_, InvalidField
from app.services import auth, tickets
from app.services import booking as booking_service
from app.services.office_rules import office_rules
from kiosk.printers import PrinterConfig

from ..context import current_actor, json_body, kiosk_check_in_rate, locale, lookup_rate, now, settings
from . import api
from .serialize import booking_json


def _kiosk(code: str):
    office = office_rules(code)
    kiosk = auth.kiosk_for_office(request.headers.get("X-Kiosk-Key"), office.id)
    g.actor = f"kiosk:{kiosk.id}"
    return office


def printer() -> tuple[PrinterConfig, int]:
    return PrinterConfig.parse(current_app.config["TICKET_PRINTER"]), current_app.config["TICKET_PAPER_MM"]


def ticket_json(printed: tickets.PrintedTicket) -> dict:
    body = booking_json(printed.booking, locale(), settings().public_base_url)
    body["escpos_b64"] = base64.b64encode(printed.escpos).decode()
    body["printed"] = printed.printed
    body["printer_fault"] = printed.printer_fault
    return body


@api.post("/offices/<code>/tickets")
def issue_ticket(code: str):
    _kiosk(code)
    request_ = tickets.read_walk_in_request(json_body())
    config, paper = printer()
    printed = tickets.issue_ticket(
        code, request_, settings=settings(), actor=current_actor(), printer=config, paper_mm=paper, locale=locale()
    )
    return jsonify(ticket_json(printed)), 201


@api.post("/offices/<code>/check-ins")
@lookup_rate
@kiosk_check_in_rate
def check_in(code: str):
    office = _kiosk(code)
    body = json_body()
    token = body.get("token")
    if token in (None, "") and ("number" in body or "last4" in body):
        token = booking_service.find_for_check_in(
            office.id, body.get("number"), body.get("last4"), now=now(), settings=settings()
        )
    if not isinstance(token, str) or not token:
        raise InvalidField("token", N_("Scan the QR code of the booking."))
    booking = booking_service.check_in(code, token, now=now(), actor=current_actor(), kiosk_office_id=office.id)
    return jsonify(booking_json(booking, locale(), settings().public_base_url))


@api.post("/offices/<code>/tickets/<token>/reprint")
def reprint_ticket(code: str, token: str):
    """Print a walk-in ticket again (the printer was out of paper); the ticket is unchanged."""
    office = _kiosk(code)
    config, paper = printer()
    printed = tickets.reprint_ticket(token, office_id=office.id, settings=settings(), printer=config, paper_mm=paper)
    return jsonify(ticket_json(printed))
