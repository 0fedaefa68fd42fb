"""Booking use cases: book (web, mobile), cancel, check in, and reading a booking live."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import booking as rules
from app.domain import queue
from app.domain.booking import BookingRequest
from app.domain.calendar import local_now, to_utc
from app.domain.channels import Channel
from app.domain.errors import N_, AlreadyBooked, Forbidden, InvalidField, InvalidState, NotFound
from app.domain.geofence import check_inside_fence
from app.domain.identity import blind_index, mask_national_id
from app.domain.status import ACTIVE, NOT_YET_CALLED, Status, check_transition
from app.extensions import db
from app.models import Booking, BookingEvent, Counter, Office, Service

from .capacity import give_back_place, take_place


@dataclass(frozen=True)
class Policy:
    """Settings the booking rules need from configuration (passed in, never read globally)."""

    id_hmac_key: bytes
    max_accuracy_m: float = 150.0


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    replayed: bool = False  # True when an Idempotency-Key retry returned the earlier booking


def find_office(code: str, *, field: str | None = None) -> Office:
    """The active office with ``code``, its hours, closures, capacities, services and counters loaded."""
    office = db.session.scalar(
        select(Office)
        .where(Office.code == code, Office.active.is_(True))
        .options(
            selectinload(Office.periods),
            selectinload(Office.closures),
            selectinload(Office.capacities),
            selectinload(Office.capacity_overrides),
            selectinload(Office.services),
            selectinload(Office.counters).selectinload(Counter.channels),
        )
    )
    if office is None:
        if field:
            raise InvalidField(field, N_("There is no office with code %(code)s."), code=code)
        raise NotFound(N_("There is no office with code %(code)s."), code=code)
    return office


def find_booking(token: str) -> Booking:
    booking = db.session.scalar(select(Booking).where(Booking.token == token)) if token else None
    if booking is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    return booking


def _find_service(office: Office, code: str) -> Service:
    service = next((s for s in office.services if s.code == code and s.active), None)
    if service is None:
        raise InvalidField("service", N_("This office has no service %(code)s."), code=code)
    return service


def _idempotency_hash(client_key: str, office: Office, identity: str) -> str:
    # Scoped to the office and the person, so one client's key can never return
    # somebody else's booking.
    return hashlib.sha256(f"{office.id}|{identity}|{client_key}".encode()).hexdigest()


def book(
    request: BookingRequest,
    *,
    now: datetime,
    policy: Policy,
    idempotency_key: str | None = None,
    actor: str = "citizen",
) -> BookingResult:
    """Book a web or mobile place; one transaction, committed here.

    Order of checks: what was asked (office, service) → a retry of an earlier request →
    when (window, hours) → where (geofence) → one booking per person → capacity.
    """
    office = find_office(request.office, field="office")
    service = _find_service(office, request.service)
    now_local = local_now(now)
    nid_bidx = blind_index(request.national_id, policy.id_hmac_key, "nid:v1") if request.national_id else None
    identity = nid_bidx or request.phone or ""
    idem = _idempotency_hash(idempotency_key, office, identity) if idempotency_key else None
    if idem:
        earlier = db.session.scalar(select(Booking).where(Booking.idempotency_key == idem))
        if earlier is not None:
            return BookingResult(earlier, replayed=True)

    calendar = office.calendar()
    distance = None
    if request.channel is Channel.WEB:
        assert request.day is not None and request.slot is not None
        day = request.day
        slot = rules.check_web_window(
            day,
            request.slot,
            now_local,
            office.booking_horizon_days,
            calendar,
            calendar.web_slots(day, office.web_slot_minutes),
        )
        slot_start, slot_end = slot.start, slot.end
    else:
        day = now_local.date()
        rules.check_mobile_day(request.day, day)
        rules.check_mobile_window(now_local, calendar)
        assert request.position is not None
        distance = check_inside_fence(
            office.lat, office.lon, office.geofence_m, request.position, policy.max_accuracy_m
        )
        slot_start = slot_end = None

    _check_not_booked(office, day, nid_bidx, request.phone)
    seq = take_place(office, request.channel, day, slot_start)
    booking = Booking(
        token=secrets.token_urlsafe(32),
        office=office,
        service=service,
        channel=request.channel.value,
        day=day,
        seq=seq,
        number=rules.format_ticket_number(office.prefix(request.channel), seq),
        slot_start=slot_start,
        slot_end=slot_end,
        status=Status.BOOKED.value,
        name=request.name,
        nid_bidx=nid_bidx,
        nid_masked=mask_national_id(request.national_id) if request.national_id else None,
        phone_e164=request.phone,
        email=request.email,
        distance_m=distance,
        idempotency_key=idem,
        created_at=now,
        updated_at=now,
    )
    booking.events.append(BookingEvent(from_status=None, to_status=Status.BOOKED.value, at=now, actor=actor))
    db.session.add(booking)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        return _resolve_conflict(exc, idem)
    return BookingResult(booking)


def _check_not_booked(office: Office, day, nid_bidx: str | None, phone: str | None) -> None:
    """Refuse a second active booking for the same person, office and day.

    This early check gives the clear message; the partial unique indexes on bookings
    are what really guarantees it when two requests race.
    """
    clauses = []
    if nid_bidx:
        clauses.append(Booking.nid_bidx == nid_bidx)
    if phone:
        clauses.append(Booking.phone_e164 == phone)
    existing = db.session.scalar(
        select(Booking.number).where(
            Booking.office_id == office.id,
            Booking.day == day,
            Booking.status.in_([s.value for s in ACTIVE]),
            db.or_(*clauses),
        )
    )
    if existing is not None:
        raise AlreadyBooked(
            N_(
                "You already have booking %(number)s at this office on %(date)s. "
                "Cancel it first if you want a different time."
            ),
            number=existing,
            date=day.isoformat(),
        )


def _resolve_conflict(exc: IntegrityError, idem: str | None) -> BookingResult:
    """A unique index refused the insert: tell which rule a concurrent request won."""
    text = str(exc.orig).lower()
    if idem and "idempotency" in text:
        earlier = db.session.scalar(select(Booking).where(Booking.idempotency_key == idem))
        if earlier is not None:
            return BookingResult(earlier, replayed=True)
    if "nid_bidx" in text or "national_id" in text or "phone" in text:
        raise AlreadyBooked(N_("You already have an active booking at this office on that day.")) from None
    raise exc


def cancel_booking(token: str, *, now: datetime, actor: str = "citizen") -> Booking:
    """Cancel and give the place back. Cancelling twice is not an error: a retry on a bad
    connection gets the cancelled booking again."""
    booking = find_booking(token)
    if booking.status == Status.CANCELLED:
        return booking
    check_transition(booking.status_enum, Status.CANCELLED)
    if booking.day < local_now(now).date():
        raise InvalidState(N_("This booking was for %(date)s, which has passed."), date=booking.day.isoformat())
    _move(booking, Status.CANCELLED, now=now, actor=actor)
    give_back_place(booking.office_id, booking.channel_enum, booking.day, booking.slot_start)
    db.session.commit()
    return booking


def check_in(office: Office, token: str, *, now: datetime, actor: str) -> Booking:
    """A web or mobile booking scanned at the office's kiosk joins the waiting line."""
    booking = find_booking(token)
    if booking.office_id != office.id:
        raise Forbidden(N_("This booking is for another office."))
    if booking.status == Status.WAITING:
        return booking
    today = local_now(now).date()
    if booking.day != today:
        raise InvalidState(N_("This booking is for %(date)s, not today."), date=booking.day.isoformat())
    check_transition(booking.status_enum, Status.WAITING)
    _move(booking, Status.WAITING, now=now, actor=actor, note="checked in at kiosk")
    db.session.commit()
    return booking


def _move(booking: Booking, target: Status, *, now: datetime, actor: str, note: str | None = None) -> None:
    booking.events.append(
        BookingEvent(from_status=booking.status, to_status=target.value, at=now, actor=actor, note=note)
    )
    booking.status = target.value


@dataclass(frozen=True)
class LiveStatus:
    """What a citizen wants to know right now: how many before me, and roughly when."""

    people_ahead: int | None
    estimated_call_at: datetime | None


def live_status(booking: Booking, *, now: datetime) -> LiveStatus:
    if booking.status_enum not in NOT_YET_CALLED:
        return LiveStatus(None, None)
    channel = booking.channel_enum
    rows = db.session.execute(
        select(Booking.seq, Booking.slot_start).where(
            Booking.office_id == booking.office_id,
            Booking.day == booking.day,
            Booking.channel == booking.channel,
            Booking.status.in_([s.value for s in NOT_YET_CALLED]),
        )
    ).all()
    waiting = [queue.QueueEntry(channel, seq, slot) for seq, slot in rows]
    ahead = queue.people_ahead(queue.QueueEntry(channel, booking.seq, booking.slot_start), waiting)
    office = booking.office
    opening = office.calendar().opening_time(booking.day)
    not_before = None
    if booking.slot_start is not None:
        not_before = to_utc(booking.day, booking.slot_start)
    elif opening is not None:
        not_before = to_utc(booking.day, opening)
    counters = len(office.counters_for(channel))
    estimate = queue.estimate_call_at(now, ahead, booking.service.avg_minutes, counters, not_before)
    return LiveStatus(ahead, estimate)
