"""Putting messages to citizens into the outbox, inside the transaction that causes them.

``enqueue(connection, booking, kind, now=…)`` is the one call every use case makes (booked
in ``booking.place_ticket``, cancelled in ``booking.cancel_booking``; called, no-show and
done from the counter console's queue service; reminders, turn alerts and the end of day
from the scheduler's jobs). It writes one row per channel the person can be reached on,
keyed ``booking:<id>:<kind>:<channel>``, with ``ON CONFLICT DO NOTHING``: a retried request,
a double click or a job run twice never enqueues a message twice, and a transaction rolled
back takes its messages with it. On PostgreSQL an urgent message also sends a NOTIFY, which
the database delivers at commit, so a dispatcher wakes at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select, text
from sqlalchemy.dialects import postgresql, sqlite

from app.domain import queue
from app.domain.calendar import BANGKOK, local_now, to_utc
from app.domain.channels import Channel
from app.domain.status import NOT_YET_CALLED, Status
from app.models import Booking, OfficeNotificationSettings, OutboxMessage
from notifier.kinds import is_urgent
from notifier.messages import Facts, Kind, hhmm
from notifier.registry import channels

from .office_rules import catalogue
from .status import BookingRow

_outbox = OutboxMessage.__table__
_bookings = Booking.__table__
_office_settings = OfficeNotificationSettings.__table__

#: The PostgreSQL channel dispatchers LISTEN on.
WAKE_CHANNEL = "khiw_outbox"
#: Turn alerts by default when this many people are ahead (per office: office_notification_settings).
DEFAULT_NEAR_TURN_PEOPLE = 3
#: A booked (not yet arrived) person with a window is warned only when it starts within this.
_NEAR_WINDOW = timedelta(minutes=30)

#: Status moves that tell the citizen something, as the message kind they cause.
KIND_OF_STATUS = {
    Status.CALLED: Kind.CALLED,
    Status.NO_SHOW: Kind.NO_SHOW,
    Status.CANCELLED: Kind.CANCELLED,
    Status.DONE: Kind.SURVEY,
}


@dataclass(frozen=True)
class Contact:
    """How a person can be reached, and in which language."""

    phone: str | None
    email: str | None
    locale: str = "th"

    def addresses(self) -> dict[str, str | None]:
        return {"phone_e164": self.phone, "email": self.email}


def address_columns(table) -> list:
    """The columns of ``table`` holding an address of a registered channel (``Channel.address_field``)."""
    return [table.c[field] for field in channels().address_fields() if field in table.c]


def addresses_of(row) -> dict[str, str | None]:
    """A row's addresses by field (``phone_e164``, ``email``, …), for ``channels().route``."""
    values = row._mapping if hasattr(row, "_mapping") else row
    return {field: values.get(field) for field in channels().address_fields()}


_CONTACT_COLUMNS = [*address_columns(_bookings), _bookings.c.locale]
_BOOKING_COLUMNS = [
    _bookings.c.id, _bookings.c.token, _bookings.c.office_id, _bookings.c.service_id, _bookings.c.channel,
    _bookings.c.day, _bookings.c.number, _bookings.c.slot_start, _bookings.c.slot_end, _bookings.c.counter_id,
    *_CONTACT_COLUMNS,
]  # fmt: skip


def kind_of(value: Kind | Status | str) -> Kind | None:
    """A message kind from its name, or from the status a booking just moved to ("done" →
    survey); None for a status that tells the citizen nothing (e.g. "serving")."""
    if isinstance(value, Kind):
        return value
    if value in Kind.__members__.values():
        return Kind(value)
    return KIND_OF_STATUS.get(Status(value))  # ValueError for a word that is neither


def enqueue(
    connection: Connection,
    booking: BookingRow | int,
    kind: Kind | Status | str,
    *,
    now: datetime,
    contact: Contact | None = None,
    people_ahead: int | None = None,
    estimated_at: datetime | None = None,
    code: str | None = None,
    extra_facts: dict | None = None,
    send: int = 1,
) -> int:
    """Write ``kind``'s message(s) for ``booking`` into the outbox; return how many are new.

    Call it inside the use case's write transaction (``with writing() as connection``).
    ``booking`` is the booking's row or id; its current counter, contact and language are
    read from the database unless ``contact`` is given (``place_ticket`` knows them).
    ``send`` numbers a message sent again on purpose (a hold's code asked for again: the
    second is keyed ``booking:<id>:code:2:<channel>``), so it is a new message, not a repeat.
    """
    kind = kind_of(kind)
    if kind is None:
        return 0
    if contact is None or not isinstance(booking, BookingRow):
        booking_id = booking.id if isinstance(booking, BookingRow) else int(booking)
        found = connection.execute(select(*_BOOKING_COLUMNS).where(_bookings.c.id == booking_id)).first()
        if found is None:
            return 0
        values = dict(found._mapping)
        addresses = {field: values.get(field) for field in channels().address_fields()}
        locale = values["locale"] or "th"
    else:
        addresses, locale = contact.addresses(), contact.locale
        values = {
            "id": booking.id, "token": booking.token, "office_id": booking.office_id,
            "service_id": booking.service_id, "channel": booking.channel.value, "day": booking.day,
            "number": booking.number, "slot_start": booking.slot_start, "slot_end": booking.slot_end,
            "counter_id": booking.counter_id, "hold_expires_at": booking.hold_expires_at,
        }  # fmt: skip
    routes = channels().route(kind, addresses)
    if not routes:
        return 0
    facts = _facts(values, kind, locale, people_ahead, estimated_at)
    if kind is Kind.CODE:
        # The code is kept in the outbox only to be sent; the booking holds only its hash.
        facts["code"] = code
        expires = values.get("hold_expires_at")
        facts["valid_until"] = expires.astimezone(BANGKOK).strftime("%H:%M") if expires else None
    facts.update(extra_facts or {})  # e.g. the reason an office closed (notifier.messages.Facts)
    rows = [
        {
            "key": f"booking:{values['id']}:{kind.value}:{channel.name}" if send == 1
            else f"booking:{values['id']}:{kind.value}:{send}:{channel.name}",
            "booking_id": values["id"],
            "kind": kind.value,
            "channel": channel.name,
            "recipient": address,
            "facts": facts,
            "urgent": is_urgent(kind),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for channel, address in routes
    ]
    added = insert_messages(connection, rows)
    if added and is_urgent(kind) and connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
    if kind is Kind.CALLED:
        # A call moves everyone behind up one place: warn those whose turn is now near.
        added += enqueue_near_turn(connection, values["office_id"], values["day"], Channel(values["channel"]), now=now)
    return added


def insert_messages(connection: Connection, rows: list[dict]) -> int:
    """Insert outbox rows, skipping any whose key is already there."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_outbox).on_conflict_do_nothing(index_elements=["key"]).returning(_outbox.c.id)
    # Counted from RETURNING: a driver's rowcount is not reliable for ON CONFLICT DO NOTHING.
    return sum(len(connection.execute(statement, row).all()) for row in rows)


def _facts(values, kind: Kind, locale: str, people_ahead, estimated_at) -> dict:
    office = catalogue().by_id[values["office_id"]]
    service = office.service_by_id(values["service_id"])
    counter = office.counter_by_id(values["counter_id"])
    facts = Facts(
        kind=kind.value,
        locale=locale if locale in ("th", "en") else "th",
        number=values["number"] or "",
        office_th=office.name_th,
        office_en=office.name_en,
        service_th=service.name_th if service else "",
        service_en=service.name_en if service else "",
        day=values["day"].isoformat(),
        slot_start=hhmm(values["slot_start"]),
        slot_end=hhmm(values["slot_end"]),
        counter_th=counter.name_th if counter else None,
        counter_en=counter.name_en if counter else None,
        people_ahead=people_ahead,
        estimated_at=estimated_at.astimezone(BANGKOK).strftime("%H:%M") if estimated_at else None,
    ).to_json()
    # The links are built when sending, from PUBLIC_BASE_URL; the purge erases the token.
    facts["token"] = values["token"]
    return facts


# --- "your turn is near" -----------------------------------------------------------------


def near_turn_threshold(connection: Connection, office_id: int) -> tuple[int, int]:
    """(people ahead, minutes) at which an office warns; (3, 0: off) unless it set its own."""
    found = connection.execute(
        select(_office_settings.c.near_turn_people, _office_settings.c.near_turn_minutes).where(
            _office_settings.c.office_id == office_id
        )
    ).first()
    return (found[0], found[1]) if found else (DEFAULT_NEAR_TURN_PEOPLE, 0)


def enqueue_near_turn(connection: Connection, office_id: int, day: date, channel: Channel, *, now: datetime) -> int:
    """Warn everyone in one queue (office, day, channel) whose turn is near; return how many.

    Near: at most N people ahead, or (when the office sets M) an expected call within M
    minutes. Each person is warned once (the outbox key). Called after each call at a
    counter (same transaction) and by the scheduler's periodic check.
    """
    people, minutes = near_turn_threshold(connection, office_id)
    office = catalogue().by_id.get(office_id)
    if office is None:
        return 0
    b = _bookings.c
    waiting = connection.execute(
        select(b.id, b.seq, b.slot_start, b.status, b.service_id).where(
            b.office_id == office_id,
            b.day == day,
            b.channel == channel.value,
            b.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
        )
    ).all()
    ordered = sorted(waiting, key=lambda r: queue.call_order_key(queue.QueueEntry(channel, r.seq, r.slot_start)))
    counters = len(office.counters_for(channel))
    local = local_now(now)
    added = 0
    for ahead, row in enumerate(ordered):
        service = office.service_by_id(row.service_id)
        not_before = to_utc(day, row.slot_start) if row.slot_start else None
        estimate = queue.estimate_call_at(now, ahead, service.avg_minutes if service else 10, counters, not_before)
        near = ahead <= people or (minutes > 0 and estimate - now <= timedelta(minutes=minutes))
        if not near:
            if minutes == 0:
                break  # the rest are further back still
            continue
        if row.status == Status.BOOKED.value and row.slot_start is not None:
            starts = datetime.combine(day, row.slot_start, tzinfo=BANGKOK)
            if starts - local > _NEAR_WINDOW:
                continue  # not yet arrived, and their window is still far off
        added += enqueue(connection, row.id, Kind.TURN_NEAR, now=now, people_ahead=ahead, estimated_at=estimate)
    return added


# --- what the scheduler's jobs enqueue ------------------------------------------------------


def send_day_before_reminders(*, now: datetime) -> int:
    """Remind everyone booked on the web for tomorrow (once each: the outbox key)."""
    from .transactions import writing

    tomorrow = local_now(now).date() + timedelta(days=1)
    b = _bookings.c
    with writing() as connection:
        ids = connection.execute(
            select(b.id).where(
                b.day == tomorrow,
                b.channel == Channel.WEB.value,
                b.status == Status.BOOKED.value,
                (b.phone_e164.is_not(None)) | (b.email.is_not(None)),
            )
        ).scalars()
        return sum(enqueue(connection, booking_id, Kind.REMINDER, now=now) for booking_id in list(ids))


def check_near_turns(*, now: datetime) -> int:
    """Warn, in every queue of every office today, those whose turn is near."""
    from .transactions import writing

    today = local_now(now).date()
    b = _bookings.c
    with writing() as connection:
        queues = connection.execute(
            select(b.office_id, b.channel)
            .where(b.day == today, b.status.in_(sorted(s.value for s in NOT_YET_CALLED)))
            .distinct()
        ).all()
        return sum(
            enqueue_near_turn(connection, office_id, today, Channel(channel), now=now) for office_id, channel in queues
        )
