"""Finding a citizen's booking at the counter, to cancel it after checking the ID card.

Someone booked with this person's national ID or phone, and the person is locked out of the
day ("already booked"). The clerk looks at the card, finds the booking here (by the ID on
the card, the phone, today's queue number or the booking's code) and cancels it with
``booking.cancel_at_counter`` — the same use case as ``POST /api/v1/tickets/{token}/cancel``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.calendar import local_now
from app.domain.identity import blind_index, mask_phone
from app.domain.lookup import LookupKind, read_lookup
from app.domain.office import CounterInfo, OfficeRules
from app.domain.roles import StaffMember
from app.domain.status import ACTIVE, Status, can_move
from app.models import Booking
from app.settings import Settings

from .booking_view import BookingView, booking_view
from .queue import counter_for_staff
from .status import BookingRow, booking_columns
from .transactions import reading

_b = Booking.__table__.c
#: At most this many bookings are listed for one ID or phone (one per day is the rule).
LIMIT = 20


@dataclass(frozen=True)
class FoundBooking:
    """A booking as the clerk checks it against the card: whose (as stored, masked), and
    whether it may still be cancelled (not yet called, not finished)."""

    booking: BookingView
    name: str | None
    national_id: str | None  # masked: 1-1017-xxxxx-xx-8
    phone: str | None  # masked: 08x-xxx-5678
    cancellable: bool


@dataclass(frozen=True)
class CounterSearch:
    office: OfficeRules
    counter: CounterInfo
    results: list[FoundBooking] | None  # None: nothing asked yet


def counter_search(counter_id: int, query: object, staff: StaffMember, *, settings: Settings) -> CounterSearch:
    """The counter (``forbidden`` unless the staff member's office has it) and, when ``query``
    is given, the bookings of its office that match what the clerk typed: by national ID or
    phone, every booking still active from today on; by queue number, today's; by code, that
    booking whatever its status (so the clerk sees why it cannot be cancelled)."""
    office, counter = counter_for_staff(counter_id, staff)
    if query is None:
        return CounterSearch(office, counter, None)
    now = settings.now()
    lookup = read_lookup(query)
    today = local_now(now).date()
    active = [s.value for s in ACTIVE]
    statement = select(*booking_columns(), _b.name, _b.nid_masked, _b.phone_e164).where(_b.office_id == office.id)
    if lookup.kind is LookupKind.NATIONAL_ID:
        key = blind_index(lookup.value, settings.id_hmac_key, "nid:v1")
        statement = statement.where(_b.nid_bidx == key, _b.day >= today, _b.status.in_(active))
    elif lookup.kind is LookupKind.PHONE:
        statement = statement.where(_b.phone_e164 == lookup.value, _b.day >= today, _b.status.in_(active))
    elif lookup.kind is LookupKind.NUMBER:
        statement = statement.where(_b.number == lookup.value, _b.day == today)
    else:
        statement = statement.where(_b.token == lookup.value)
    rows = reading().execute(statement.order_by(_b.day, _b.id).limit(LIMIT)).all()
    return CounterSearch(office, counter, [_found(found, now=now, office=office) for found in rows])


def _found(found, *, now: datetime, office: OfficeRules) -> FoundBooking:
    view = booking_view(BookingRow.of(found), now=now, office=office)
    return FoundBooking(
        booking=view,
        name=found.name,
        national_id=found.nid_masked,
        phone=mask_phone(found.phone_e164) if found.phone_e164 else None,
        cancellable=can_move(view.status, Status.CANCELLED),
    )
