"""Booking use cases: book (web, mobile), cancel, check in, and reading a booking live.

Each use case reads what it needs (the office's rules come from memory), lets the domain
decide, then writes once in one short transaction. Results are plain ``BookingView``
values holding everything a response shows, so views and serializers never query.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import booking as rules
from app.domain import verification
from app.domain.booking import BookingRequest, Placement
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import (
    N_,
    AlreadyBooked,
    Closed,
    Forbidden,
    IdempotencyMismatch,
    InvalidField,
    InvalidState,
    NotFound,
)
from app.domain.identity import blind_index, mask_national_id
from app.domain.office import OfficeRules, ServiceInfo
from app.domain.queue import Priority
from app.domain.roles import StaffMember
from app.domain.status import Status, can_move
from app.domain.text import showable, tidy
from app.metrics import count_bookings
from app.models import Booking, BookingEvent
from app.settings import Settings

from . import board_cache, holds, notifications
from .booking_view import BookingView, select_by_token
from .booking_view import booking_view as _view
from .capacity import give_back_place, take_place
from .office_rules import catalogue, office_rules
from .queue import ticket_for_staff
from .status import BookingRow, booking_columns, move_booking
from .transactions import reading, violated_constraint, writing

_bookings = Booking.__table__
_events = BookingEvent.__table__
# Built once; each booking binds its values (SQLAlchemy reuses the compiled SQL).
_INSERT_BOOKING = insert(_bookings).returning(_bookings.c.id)
_INSERT_EVENT = insert(_events)


@dataclass(frozen=True)
class BookingResult:
    booking: BookingView
    replayed: bool = False  # True when an Idempotency-Key retry returned the earlier booking


def service_by_code(office: OfficeRules, code: str) -> ServiceInfo:
    service = office.service(code)
    if service is None:
        # Like an unknown office: what the request names does not exist (not a malformed field).
        raise NotFound(N_("This office has no service %(code)s."), field="service", code=code)
    return service


def _idempotency_hash(client_key: str) -> str:
    # One key, one request: the key is stored with a fingerprint of the body it came with,
    # and the same key with another body is refused (idempotency_mismatch), so a key can
    # never hand back somebody else's booking.
    return hashlib.sha256(f"idempotency:v2|{client_key}".encode()).hexdigest()


def _replay(earlier: tuple[BookingRow, str | None], fingerprint: str | None, *, now: datetime) -> BookingResult:
    """The booking an earlier request with the same key made, if this request is the same."""
    row, earlier_fingerprint = earlier
    if earlier_fingerprint is not None and not hmac.compare_digest(earlier_fingerprint, fingerprint or ""):
        raise IdempotencyMismatch(
            N_("This Idempotency-Key was already used for a different request. Use a new key for a new booking.")
        )
    return BookingResult(_view(row, now=now), replayed=True)


def _find_by_idempotency(idem: str) -> tuple[BookingRow, str | None] | None:
    found = reading().execute(
        select(*booking_columns(), _bookings.c.idempotency_fingerprint).where(_bookings.c.idempotency_key == idem)
    ).first()
    return (BookingRow.of(found), found.idempotency_fingerprint) if found else None


@dataclass(frozen=True)
class Person:
    """Who takes the place, as stored: the national ID only as a keyed hash and a mask."""

    name: str | None = None
    nid_bidx: str | None = None
    nid_masked: str | None = None
    nid_tail_bidx: str | None = None  # the ID's last 4 digits, keyed hash ("find my booking")
    phone: str | None = None
    email: str | None = None
    locale: str = "th"  # the language messages to this person are written in


def nid_tail_index(national_id: str, key: bytes) -> str:
    """The keyed hash of an ID's last four digits (what the kiosk asks beside the number)."""
    return blind_index(national_id[-4:], key, "nid-tail:v1")

def book(
    request: BookingRequest,
    *,
    settings: Settings,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
    actor: str = "citizen",
    locale: str = "th",
) -> BookingResult:
    """Book a web or mobile place (at an ``otp`` office: hold it, and send the code).

    Read (office rules, an earlier retry) → decide (the domain, per channel) → write once.
    ``fingerprint`` identifies the request's body (``rules.request_fingerprint``): an
    ``idempotency_key`` seen before answers the earlier booking only for the same body.
    """
    now = settings.now()
    office = office_rules(request.office, field="office")
    service = service_by_code(office, request.service)
    nid_bidx = blind_index(request.national_id, settings.id_hmac_key, "nid:v1") if request.national_id else None
    idem = _idempotency_hash(idempotency_key) if idempotency_key else None
    if idem:
        earlier = _find_by_idempotency(idem)
        if earlier is not None:
            return _replay(earlier, fingerprint, now=now)

    placement = rules.decide_placement(request, office, local_now(now), settings.max_accuracy_m)
    hold = None
    if verification.needs_hold(office.verification, placement.channel):
        verification.check_reachable(request.phone, request.email)
        hold = Hold.new(now, office.hold_minutes, settings.id_hmac_key)
    person = Person(
        name=request.name,
        nid_bidx=nid_bidx,
        nid_masked=mask_national_id(request.national_id) if request.national_id else None,
        nid_tail_bidx=nid_tail_index(request.national_id, settings.id_hmac_key) if request.national_id else None,
        phone=request.phone,
        email=request.email,
        locale=locale,
    )
    try:
        view = place_ticket(
            office, service, placement, person, now=now, actor=actor, idempotency_hash=idem,
            fingerprint=fingerprint, hold=hold,
        )  # fmt: skip
    except IntegrityError as error:
        return _resolve_conflict(error, idem, fingerprint, placement.day, now=now)
    return BookingResult(view)


@dataclass(frozen=True)
class Hold:
    """A new hold: its token (chosen first, since the code's hash is bound to it), its code,
    the code's hash as stored, and when it ends."""

    token: str
    code: str
    code_hash: str
    expires_at: datetime

    @classmethod
    def new(cls, now: datetime, minutes: int, key: bytes) -> Hold:
        token = secrets.token_urlsafe(32)
        code = holds.new_code()
        return cls(token, code, holds.code_hash(token, code, key), verification.hold_expires_at(now, minutes))


@count_bookings
def place_ticket(
    office: OfficeRules,
    service: ServiceInfo,
    placement: Placement,
    person: Person,
    *,
    now: datetime,
    actor: str,
    idempotency_hash: str | None = None,
    fingerprint: str | None = None,
    priority: Priority | None = None,
    hold: Hold | None = None,
) -> BookingView:
    """The one write every channel shares: take the place, number it, record who and when.

    Web and mobile bookings and walk-in tickets all come through here, in one short
    transaction; the unique indexes have the last word on "one booking per person".
    A walk-in ticket is issued to someone already at the office: it waits from the start,
    and its arrival is the moment of issue (first come, first served). A ``hold`` takes the
    place without a number, and sends its code instead of the confirmation.
    """
    slot = placement.slot
    walk_in = placement.channel is Channel.WALK_IN
    status = Status.WAITING if walk_in else Status.HELD if hold else Status.BOOKED
    checked_in_at = now if walk_in else None
    token = hold.token if hold else secrets.token_urlsafe(32)
    with writing() as connection:
        if office.verification == verification.Verification.OTP and not walk_in:
            # Expired holds of this day give their places back before this one is taken,
            # and stop counting as the person's booking of the day.
            holds.release_expired_holds(now=now, office_id=office.id, day=placement.day)
        seq = take_place(office, placement.channel, placement.day, slot.start if slot else None, hold=bool(hold))
        if hold:
            seq = number = None
        else:
            number = rules.format_ticket_number(office.prefix(placement.channel), seq)
        booking_id = connection.execute(
            _INSERT_BOOKING,
            {
                "token": token,
                "office_id": office.id,
                "service_id": service.id,
                "channel": placement.channel.value,
                "day": placement.day,
                "seq": seq,
                "number": number,
                "slot_start": slot.start if slot else None,
                "slot_end": slot.end if slot else None,
                "status": status.value,
                "name": person.name,
                "nid_bidx": person.nid_bidx,
                "nid_masked": person.nid_masked,
                "nid_tail_bidx": person.nid_tail_bidx,
                "phone_e164": person.phone,
                "email": person.email,
                "locale": person.locale,
                "distance_m": placement.distance_m,
                "idempotency_key": idempotency_hash,
                "idempotency_fingerprint": fingerprint if idempotency_hash else None,
                "hold_expires_at": hold.expires_at if hold else None,
                "hold_code_hash": hold.code_hash if hold else None,
                "hold_sent_at": now if hold else None,
                "priority": priority.value if priority else None,
                "checked_in_at": checked_in_at,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        connection.execute(
            _INSERT_EVENT,
            {"booking_id": booking_id, "from_status": None, "to_status": status.value, "at": now,
             "actor": actor, "note": None},
        )  # fmt: skip
        row = BookingRow(
            id=booking_id,
            token=token,
            office_id=office.id,
            service_id=service.id,
            channel=placement.channel,
            day=placement.day,
            seq=seq,
            number=number,
            slot_start=slot.start if slot else None,
            slot_end=slot.end if slot else None,
            status=status,
            counter_id=None,
            created_at=now,
            priority=priority.value if priority else None,
            checked_in_at=checked_in_at,
            hold_expires_at=hold.expires_at if hold else None,
        )
        # The confirmation (or a hold's code) is written with the booking: both commit, or neither does.
        notifications.notify(
            connection, row, notifications.Kind.CODE if hold else notifications.Kind.BOOKED, now=now,
            code=hold.code if hold else None,
        )  # fmt: skip
        board_cache.forget_office(office.id)
        # Counted before the commit, on the same connection: one checkout and one
        # transaction per booking (the count adds well under a millisecond to the lock).
        view = _view(row, now=now, office=office)
    return view


_CONFLICTS = {
    "uq_bookings_active_national_id": "person",
    "uq_bookings_active_phone": "person",
    "uq_bookings_idempotency_key": "retry",
}


def _resolve_conflict(
    error: IntegrityError, idem: str | None, fingerprint: str | None, day: date, *, now: datetime
) -> BookingResult:
    """A unique index refused the insert: tell which rule a concurrent request won."""
    kind = _CONFLICTS.get(violated_constraint(error) or "")
    if kind == "retry" and idem:
        earlier = _find_by_idempotency(idem)
        if earlier is not None:
            return _replay(earlier, fingerprint, now=now)
    if kind == "person":
        # Nothing about the other booking: whoever typed this ID or phone may not be its owner.
        raise AlreadyBooked(
            N_(
                "There is already a booking for this person at this office on %(date)s. "
                "Find it with “Find my booking”, or cancel it first to choose another time."
            ),
            date=day.isoformat(),
        ) from None
    raise error


def _nid_tail(last4: str, settings: Settings) -> str:
    """The keyed hash of four digits, as ``nid_tail_index`` stores an ID's last four."""
    return blind_index(last4, settings.id_hmac_key, "nid-tail:v1")


_BY_NUMBER = select(_bookings.c.token, _bookings.c.phone_e164, _bookings.c.nid_tail_bidx).where(
    _bookings.c.office_id == bindparam("office_id"),
    _bookings.c.day == bindparam("day"),
    _bookings.c.number == bindparam("number"),
)


def find_my_booking(office_code: str, day: date, number: str, last4: str, *, settings: Settings) -> str | None:
    """The token of the booking with this number at this office on this day, when ``last4``
    are the last 4 digits of its phone or national ID; None otherwise.

    The caller must answer a miss the same way whatever the reason (no such number, wrong
    digits), so nobody learns whether somebody else has a booking.
    """
    office = catalogue().by_code.get(office_code)
    if office is None or not office.active:
        return None
    found = reading().execute(_BY_NUMBER, {"office_id": office.id, "day": day, "number": number}).first()
    if found is None:
        return None
    tail_matches = found.nid_tail_bidx is not None and hmac.compare_digest(
        found.nid_tail_bidx, _nid_tail(last4, settings)
    )
    return found.token if rules.matches_last_digits(last4, found.phone_e164, tail_matches) else None


def find_booking(token: str, *, now: datetime) -> BookingView:
    """A booking by its token, live: how many go before it and when it will likely be called."""
    found = select_by_token(token)
    if found is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    return _view(BookingRow.of(found), now=now, ahead=found.ahead)


def _row_by_token(token: object) -> BookingRow | None:
    found = select_by_token(token)
    return BookingRow.of(found) if found else None


def cancel_booking(token: str, *, now: datetime, actor: str = "citizen") -> BookingView:
    """Cancel and give the place back. Cancelling twice is not an error: a retry on a bad
    connection gets the cancelled booking again."""
    booking = find_booking(token, now=now)
    if booking.status is Status.CANCELLED:
        return booking
    if booking.day < local_now(now).date():
        raise InvalidState(N_("This booking was for %(date)s, which has passed."), date=booking.day.isoformat())
    row = _row_by_token(token)
    return _cancel(row, now=now, actor=actor)


def _cancel(row: BookingRow, *, now: datetime, actor: str, note: str | None = None) -> BookingView:
    """Cancel ``row`` and give its place back; a held booking gives back its hold (it had no
    number, and nothing was confirmed to the person, so no message)."""
    held = row.status is Status.HELD
    with writing() as connection:
        moved = move_booking(row, Status.CANCELLED, now=now, actor=actor, note=note)
        give_back_place(moved.office_id, moved.channel, moved.day, moved.slot_start, held=held)
        if not held:
            notifications.notify(connection, moved, notifications.Kind.CANCELLED, now=now)
    return _view(moved, now=now)


def cancel_at_counter(
    token: str | None, reason: object, staff: StaffMember, *, now: datetime, booking_id: int | None = None
) -> BookingView:
    """A clerk or head cancels a citizen's booking at the counter after checking the ID card:
    someone else booked with this person's ID or phone, and the person needs the day back.

    Recorded with who (the staff member) and why (``reason``, required) in the booking's
    history. Another office's booking is ``forbidden``; one already called, being served or
    finished is ``invalid_state`` (the counter deals with the person there and then).
    """
    why = tidy(reason) if isinstance(reason, str) else ""
    if not why:
        raise InvalidField(
            "reason", N_("Say why the booking is cancelled (e.g. ID card checked: booked by someone else).")
        )
    if len(reason) > 500:  # as sent, so that the API's document can state the limit exactly
        raise InvalidField("reason", N_("The reason is too long: at most %(max)s characters."), max=500)
    if not showable(reason):  # it is shown in the booking's history
        raise InvalidField("reason", N_("This text holds characters that cannot be shown."))
    _office, row = ticket_for_staff(token, staff, ticket_id=booking_id)
    if row.status is Status.CANCELLED:
        raise InvalidState(N_("This booking is already cancelled."))
    if not can_move(row.status, Status.CANCELLED):
        raise InvalidState(
            N_("This ticket has already been called or finished (“%(status)s”), so it cannot be cancelled."),
            status=row.status.value,
        )
    if row.day < local_now(now).date():
        raise InvalidState(N_("This booking was for %(date)s, which has passed."), date=row.day.isoformat())
    return _cancel(row, now=now, actor=staff.actor, note=why)


def check_in(office_code: str, token: str, *, now: datetime, actor: str, kiosk_office_id: int) -> BookingView:
    """A web or mobile booking scanned at the office's kiosk joins the waiting line.

    Mobile bookings check in any time on their day. A web booking checks in from the
    office's ``checkin_early_minutes`` before its window to ``checkin_late_minutes`` after
    it (later: ``closed`` with an offer of a walk-in ticket). Someone who arrives earlier
    still is recorded as ``checked_in`` and joins the line when check-in opens for the
    window. Scanning again is harmless.
    """
    row = _row_by_token(token)
    if row is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    if row.office_id != kiosk_office_id:
        raise Forbidden(N_("This booking is for another office."))
    if row.status in (Status.WAITING, Status.CHECKED_IN):
        return _view(row, now=now)
    office = catalogue().by_id[row.office_id]
    local = local_now(now)
    if row.status is Status.BOOKED:  # a finished or cancelled booking is refused by the move below
        target = Status.WAITING
        refusal = rules.check_in_refusal(
            row.channel, row.day, row.slot_start, row.slot_end, local,
            office.checkin_early_minutes, office.checkin_late_minutes,
        )  # fmt: skip
        if isinstance(refusal, Closed) and not isinstance(refusal, rules.CheckInTooLate):
            target = Status.CHECKED_IN  # early: arrived, joins the line when check-in opens
        elif refusal is not None:
            raise refusal
    else:
        target = Status.WAITING
    with writing():
        row = move_booking(row, target, now=now, actor=actor, note="checked in at kiosk", also={"checked_in_at": now})
    return _view(row, now=now)


def find_for_check_in(office_id: int, number: object, last4: object, *, now: datetime, settings: Settings) -> str:
    """The token of today's booking with ``number`` whose phone or national ID ends in ``last4``.

    For a person without the QR code: the number on their confirmation and four digits
    they know. A wrong pair is ``not_found`` and says nothing about which part was wrong.
    """
    if not isinstance(number, str) or not number.strip():
        raise InvalidField("number", N_("Type your booking number, e.g. W012."))
    if not isinstance(last4, str) or len(last4) != 4 or not (last4.isascii() and last4.isdigit()):
        raise InvalidField("last4", N_("Type the last 4 digits of your mobile number or national ID."))
    number = number.strip().upper()
    found = (
        reading()
        .execute(
            select(_bookings.c.token, _bookings.c.phone_e164, _bookings.c.nid_tail_bidx).where(
                _bookings.c.office_id == office_id,
                _bookings.c.day == local_now(now).date(),
                _bookings.c.number == number,
            )
        )
        .first()
    )
    tail_matches = found is not None and found.nid_tail_bidx is not None and hmac.compare_digest(
        found.nid_tail_bidx, _nid_tail(last4, settings)
    )
    if found is None or not rules.matches_last_digits(last4, found.phone_e164, tail_matches):
        raise NotFound(N_("No booking today matches this number and these digits. Please ask at the counter."))
    return found.token
