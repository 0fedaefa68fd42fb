"""Walk-in tickets at the office kiosk: issue one (the shared ``place_ticket`` write), draw
it, print it; print it again.

A printer fault never loses a ticket: the ticket is written first, then printed; a fault
comes back beside the ticket (the kiosk shows the number and offers a reprint).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain import booking as rules
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import N_, AlreadyBooked, Forbidden, InvalidField, NotFound
from app.domain.identity import parse_thai_mobile
from app.domain.office import OfficeRules
from app.domain.queue import PRIORITY_LABELS, Priority, parse_priority
from app.domain.status import NOT_YET_CALLED
from app.links import booking_status_url
from app.models import Booking, Service
from app.settings import Settings
from kiosk.escpos import ticket_escpos
from kiosk.html import ticket_html
from kiosk.image import TicketPicture, render_ticket, ticket_preview
from kiosk.layout import TicketData, ticket_layout
from kiosk.printers import PrinterConfig, PrinterFault, send
from notifier.i18n import translator

from .booking import BookingView, Person, find_booking, place_ticket, service_by_code
from .office_rules import office_rules
from .transactions import reading, violated_constraint

log = logging.getLogger(__name__)
_b = Booking.__table__.c
_s = Service.__table__.c


def priority_thai(priority: Priority) -> str:
    """A priority group's words on paper in Thai: the domain's label from the catalogue."""
    return translator("th")(PRIORITY_LABELS[priority])


def number_prefixes(office: OfficeRules) -> list[str]:
    """The letters the office's numbers start with (W, M, A… as configured), for the kiosk's
    keys: a booking number is typed with its letter. Web and mobile first (what is checked in)."""
    order = (Channel.WEB, Channel.MOBILE, Channel.WALK_IN)
    return list(dict.fromkeys(office.prefix(channel) for channel in order if office.prefix(channel)))


@dataclass(frozen=True)
class WalkInRequest:
    service: str
    phone: str | None
    email: str | None
    priority: Priority | None


def read_walk_in_request(fields: Mapping[str, object]) -> WalkInRequest:
    service = fields.get("service")
    if not isinstance(service, str) or not service.strip():
        raise InvalidField("service", N_("Choose a service."))
    phone = fields.get("phone")
    phone = parse_thai_mobile(phone) if phone not in (None, "") else None
    email = rules.parse_email(fields.get("email"))
    return WalkInRequest(service.strip(), phone, email, parse_priority(fields.get("priority")))


@dataclass(frozen=True)
class PrintedTicket:
    booking: BookingView
    escpos: bytes
    printed: bool  # sent to the printer configured on the server
    printer_fault: str | None = None


def _minutes_ahead(office: OfficeRules, now: datetime) -> int:
    """The walk-in work already waiting today: each waiting ticket's service time."""
    return int(
        reading()
        .execute(
            select(func.coalesce(func.sum(_s.avg_minutes), 0))
            .select_from(Booking.__table__.join(Service.__table__, _b.service_id == _s.id))
            .where(
                _b.office_id == office.id,
                _b.day == local_now(now).date(),
                _b.channel == Channel.WALK_IN.value,
                _b.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
            )
        )
        .scalar_one()
    )


def issue_ticket(
    code: str,
    request: WalkInRequest,
    *,
    settings: Settings,
    actor: str,
    printer: PrinterConfig,
    paper_mm: int,
    locale: str = "th",
) -> PrintedTicket:
    """Issue a walk-in ticket: read → decide (the domain) → the shared write → print.
    ``locale`` is the kiosk screen's language: the ticket's messages are written in it."""
    now = settings.now()
    office = office_rules(code)
    service = service_by_code(office, request.service)
    placement = rules.decide_walk_in(office, service, local_now(now), _minutes_ahead(office, now))
    person = Person(phone=request.phone, email=request.email, locale=locale)
    try:
        view = place_ticket(office, service, placement, person, now=now, actor=actor, priority=request.priority)
    except IntegrityError as error:
        if violated_constraint(error) != "uq_bookings_active_phone":
            raise
        # The phone already has a booking here today (perhaps booked by someone else with it):
        # nothing was issued; the kiosk offers to check that booking in, or a ticket without SMS.
        raise PhoneAlreadyBooked(
            N_(
                "This mobile number already has a booking at this office today. If it is yours, "
                "check in with “I booked”; otherwise take a ticket without a mobile number."
            ),
            field="phone",
        ) from None
    return _print(view, settings, printer, paper_mm)


class PhoneAlreadyBooked(AlreadyBooked):
    """A walk-in ticket with a phone that holds a booking at the office that day."""

    def extra(self) -> dict:
        return {"offer": "check_in"}


def reprint_ticket(
    token: str, *, office_id: int, settings: Settings, printer: PrinterConfig, paper_mm: int
) -> PrintedTicket:
    """Print a ticket again (the printer was out of paper); the ticket itself is unchanged."""
    view = find_booking(token, now=settings.now())
    if view.office.id != office_id:
        raise Forbidden(N_("This booking is for another office."))
    if view.channel is not Channel.WALK_IN:
        raise NotFound(N_("No ticket has this code."))
    return _print(view, settings, printer, paper_mm)


def ticket_data(view: BookingView, settings: Settings) -> TicketData:
    issued = local_now(view.created_at)
    wait = None
    if view.estimated_call_at is not None:
        wait = max(0, round((view.estimated_call_at - settings.now()).total_seconds() / 60))
    priority = Priority(view.priority) if view.priority else None
    return TicketData(
        office_th=view.office.name_th,
        office_en=view.office.name_en,
        service_th=view.service.name_th,
        service_en=view.service.name_en,
        number=view.number,
        issued_at=issued,
        people_ahead=view.people_ahead or 0,
        wait_minutes=wait,
        status_url=booking_status_url(settings.public_base_url, view.token),
        priority_th=priority_thai(priority) if priority else None,
        priority_en=PRIORITY_LABELS[priority] if priority else None,
    )


def ticket_picture(view: BookingView, settings: Settings, paper_mm: int) -> TicketPicture:
    return render_ticket(ticket_layout(ticket_data(view, settings)), paper_mm)


def ticket_png(token: str, *, office_id: int, settings: Settings, paper_mm: int = 80) -> bytes:
    """The ticket as the kiosk's screen shows it (a PNG of the paper)."""
    import io

    view = find_booking(token, now=settings.now())
    if view.office.id != office_id:
        raise Forbidden(N_("This booking is for another office."))
    out = io.BytesIO()
    ticket_preview(ticket_picture(view, settings, paper_mm)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def ticket_page(token: str, *, settings: Settings, stylesheet: str) -> str:
    """The ticket as an 80 mm HTML page for an ordinary printer."""
    view = find_booking(token, now=settings.now())
    return ticket_html(ticket_layout(ticket_data(view, settings)), title=view.number, stylesheet=stylesheet)


def _print(view: BookingView, settings: Settings, printer: PrinterConfig, paper_mm: int) -> PrintedTicket:
    data = ticket_escpos(ticket_picture(view, settings, paper_mm))
    try:
        printed = send(printer, data)
    except PrinterFault as fault:
        log.warning("ticket printer fault: %s", fault.reason)  # never the number or the token
        return PrintedTicket(view, data, False, fault.reason)
    return PrintedTicket(view, data, printed)
