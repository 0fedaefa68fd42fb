"""Held bookings (offices with ``verification = otp``): confirming one with its code, and
releasing those whose time ran out.

A hold takes its place like a booking (``capacity.take_place(hold=True)``: the window's row
and the day's ``held`` count) but gets no number; ``confirm_booking`` numbers it from the
same counter row as every booking, so numbers stay gap-free. An expired hold gives its place
back three ways, whichever comes first: the scheduler's ``release_expired_holds`` job (each
minute), the next booking at the same office and day (in its own transaction, before taking
a place), and — without writing — every read of the places left, which does not count it.
"""

from __future__ import annotations

import hmac
import secrets
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert, select, update

from app.domain import booking as rules
from app.domain import verification
from app.domain.channels import Channel
from app.domain.errors import N_, InvalidState, NotFound
from app.domain.identity import blind_index
from app.domain.status import Status
from app.models import Booking, BookingEvent
from app.settings import Settings

from . import board_cache, notifications
from .booking_view import booking_view, select_by_token
from .capacity import confirm_place, give_back_place
from .office_rules import catalogue
from .status import BookingRow, booking_columns, move_booking
from .transactions import reading, writing

_bookings = Booking.__table__
_events = BookingEvent.__table__
_b = _bookings.c

#: Who releases a hold, as the event history records it.
RELEASER = "system"


def code_hash(token: str, code: str, key: bytes) -> str:
    """The code as stored: a keyed hash (the server's ID_HMAC_KEY) bound to its booking, so a
    database dump reveals no code and one booking's code is worth nothing for another."""
    return blind_index(code, key, f"hold-code:v1:{token}")


def new_code() -> str:
    """A fresh 6-digit code from the system's secure random source."""
    return f"{secrets.randbelow(10**verification.CODE_DIGITS):0{verification.CODE_DIGITS}d}"


# --- releasing ------------------------------------------------------------------------------

_RELEASE = (
    update(_bookings)
    .where(_b.status == Status.HELD.value, _b.hold_expires_at <= bindparam("now"))
    .values(status=Status.CANCELLED.value, hold_code_hash=None, updated_at=bindparam("now"))
    .returning(_b.id, _b.office_id, _b.channel, _b.day, _b.slot_start)
)


def release_expired_holds(*, now: datetime, office_id: int | None = None, day: date | None = None) -> int:
    """End every hold whose time is up (of one office and day, when given); their places go
    back. Joins the caller's write transaction when there is one. Returns how many."""
    statement = _RELEASE
    if office_id is not None:
        statement = statement.where(_b.office_id == office_id)
    if day is not None:
        statement = statement.where(_b.day == day)
    with writing() as connection:
        released = connection.execute(statement, {"now": now}).all()
        for row in released:
            _give_back(connection, row, now=now, note="hold expired: the code was not confirmed in time")
    return len(released)


def _give_back(connection, row, *, now: datetime, note: str) -> None:
    give_back_place(row.office_id, Channel(row.channel), row.day, row.slot_start, held=True)
    connection.execute(
        insert(_events).values(booking_id=row.id, from_status=Status.HELD.value, to_status=Status.CANCELLED.value,
                               at=now, actor=RELEASER, note=note)
    )  # fmt: skip
    board_cache.forget_office(row.office_id)


_EXPIRED = (
    select(_b.day, _b.channel, _b.slot_start, func.count())
    .where(
        _b.office_id == bindparam("o"),
        _b.day.between(bindparam("first"), bindparam("last")),
        _b.status == Status.HELD.value,
        _b.hold_expires_at <= bindparam("now"),
    )
    .group_by(_b.day, _b.channel, _b.slot_start)
)


def expired_unreleased(office_id: int, first: date, last: date, *, now: datetime) -> Counter:
    """Expired holds whose places were not given back yet, by (day, channel) and by
    (day, window start): what a read of the places left must not count as taken."""
    counts: Counter = Counter()
    params = {"o": office_id, "first": first, "last": last, "now": now}
    for day, channel, start, n in reading().execute(_EXPIRED, params):
        counts[(day, channel)] += n
        if start is not None:
            counts[(day, start)] += n
    return counts


def not_counting_expired(quotas: dict, expired: Counter, day: date) -> dict:
    """``quotas`` ({channel or window start: (capacity, used)}) less the expired holds of ``day``."""
    return {key: (capacity, max(0, used - expired.get((day, key), 0))) for key, (capacity, used) in quotas.items()}


# --- confirming -----------------------------------------------------------------------------

_HOLD = select(*booking_columns(), _b.hold_code_hash, _b.hold_attempts, _b.hold_sends, _b.hold_sent_at,
               _b.phone_e164, _b.email, _b.locale).where(_b.token == bindparam("token"))  # fmt: skip


def confirm_booking(token: str, code: object, *, settings: Settings):
    """Book a held place with the code sent to the person; return the booking, now numbered.

    A wrong code is ``invalid`` on ``code`` and says how many tries are left; the fifth ends
    the hold. An ended or expired hold is ``invalid_state`` (its place is given back now if
    the job has not yet). A code works once: a booked booking needs none.
    """

    now = settings.now()
    if select_by_token(token) is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    found = reading().execute(_HOLD, {"token": token}).first()
    row = BookingRow.of(found)
    refusal = verification.confirm_refusal(row.status, found.hold_expires_at, found.hold_attempts, now)
    if refusal is not None:
        if row.status is Status.HELD:
            release_expired_holds(now=now, office_id=row.office_id, day=row.day)
        raise refusal
    typed = verification.parse_code(code)
    if not hmac.compare_digest(found.hold_code_hash or "", code_hash(token, typed, settings.id_hmac_key)):
        raise _count_wrong_code(row, found.hold_attempts, now=now)
    office = catalogue().by_id[row.office_id]
    with writing() as connection:
        # The booking first, then its day's counter row: the order every release takes too.
        moved = move_booking(row, Status.BOOKED, now=now, actor="citizen", note="code confirmed")
        seq = confirm_place(row.office_id, row.channel, row.day)
        number = rules.format_ticket_number(office.prefix(row.channel), seq)
        connection.execute(
            update(_bookings)
            .where(_b.id == row.id)
            .values(seq=seq, number=number, hold_code_hash=None, hold_expires_at=None)
        )  # the code is single-use: its hash goes with the hold
        moved = replace(moved, seq=seq, number=number)
        notifications.notify(connection, moved, notifications.Kind.BOOKED, now=now)
        view = booking_view(moved, now=now, office=office)
    return view


def _count_wrong_code(row: BookingRow, seen_attempts: int, *, now: datetime):
    """Record a wrong code (compare-and-set on the count seen); end the hold at the limit.
    Returns the error to raise, after the count is committed."""
    attempts = seen_attempts + 1
    with writing() as connection:
        counted = connection.execute(
            update(_bookings)
            .where(_b.id == row.id, _b.status == Status.HELD.value, _b.hold_attempts == seen_attempts)
            .values(hold_attempts=attempts, updated_at=now)
        ).rowcount
        if counted != 1:
            return InvalidState(N_("This booking changed a moment ago; please look again."))
        if attempts >= verification.MAX_CODE_ATTEMPTS:
            ended = connection.execute(
                update(_bookings)
                .where(_b.id == row.id, _b.status == Status.HELD.value)
                .values(status=Status.CANCELLED.value, hold_code_hash=None, updated_at=now)
                .returning(_b.id, _b.office_id, _b.channel, _b.day, _b.slot_start)
            ).first()
            if ended is not None:
                _give_back(connection, ended, now=now, note=f"hold ended after {attempts} wrong codes")
    return verification.wrong_code(attempts)


# --- sending the code again -----------------------------------------------------------------


def resend_code(token: str, *, settings: Settings):
    """Send a held booking's person a new code ("send the code again"); return the booking.

    Each send is a new code: its hash replaces the last one, so an earlier code stops working
    (a code read off someone's lock screen, or an SMS that arrived late, is worth nothing once
    a newer one was asked for). The wrong tries already made still count (five in all per
    hold), and the hold's end does not move. At most ``MAX_CODE_SENDS`` codes per hold, at
    least ``RESEND_AFTER`` apart (``verification.resend_refusal``). The message is a new
    outbox row keyed with the send's number (``booking:<id>:code:<n>:<channel>``).
    """

    now = settings.now()
    if select_by_token(token) is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    found = reading().execute(_HOLD, {"token": token}).first()
    row = BookingRow.of(found)
    last_sent = found.hold_sent_at or row.created_at
    refusal = verification.resend_refusal(
        row.status, found.hold_expires_at, found.hold_attempts, found.hold_sends, last_sent, now
    )
    if refusal is not None:
        if not verification.hold_is_live(row.status, found.hold_expires_at, found.hold_attempts, now):
            release_expired_holds(now=now, office_id=row.office_id, day=row.day)
        raise refusal
    code = new_code()
    send = found.hold_sends + 1
    with writing() as connection:
        # Compare-and-set on the sends seen: of two clicks at once, one sends; the other is told.
        changed = connection.execute(
            update(_bookings)
            .where(_b.id == row.id, _b.status == Status.HELD.value, _b.hold_sends == found.hold_sends)
            .values(hold_code_hash=code_hash(token, code, settings.id_hmac_key), hold_sends=send,
                    hold_sent_at=now, updated_at=now)
        ).rowcount  # fmt: skip
        if changed != 1:
            raise InvalidState(N_("This booking changed a moment ago; please look again."))
        notifications.notify(connection, row, notifications.Kind.CODE, now=now, code=code, send=send)
    return booking_view(row, now=now)
