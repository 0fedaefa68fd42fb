"""What a booking's messages say, and when they are owed: the booking side of the outbox.

``notify(connection, booking, kind, now=…)`` is the one call every booking use case makes
(booked in ``booking.place_ticket``, cancelled in ``booking.cancel_booking``; called, no-show
and done from the counter console's queue service; reminders, turn alerts and the end of day
from the scheduler's jobs). It builds the booking's facts and hands them to the one outbox
writer (``outbox_writer.enqueue``), which picks the channel(s) from the booking's addresses.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from app.domain import queue
from app.domain.calendar import BANGKOK, local_now, to_utc
from app.domain.channels import Channel
from app.domain.status import NOT_YET_CALLED, Status
from app.models import Booking, OfficeNotificationSettings
from notifier.messages import Facts, Kind, hhmm

from .office_rules import catalogue
from .outbox_writer import Subject, address_columns, addresses_in, enqueue
from .status import BookingRow

_bookings = Booking.__table__
_office_settings = OfficeNotificationSettings.__table__

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


_BOOKING_COLUMNS = [
    _bookings.c.id, _bookings.c.token, _bookings.c.office_id, _bookings.c.service_id, _bookings.c.channel,
    _bookings.c.day, _bookings.c.number, _bookings.c.slot_start, _bookings.c.slot_end, _bookings.c.counter_id,
    _bookings.c.hold_expires_at, _bookings.c.locale, _bookings.c.line_links, *address_columns(_bookings),
]  # fmt: skip


def kind_of(value: Kind | Status | str) -> Kind | None:
    """A message kind from its name, or from the status a booking just moved to ("done" →
    survey); None for a status that tells the citizen nothing (e.g. "serving")."""
    if isinstance(value, Kind):
        return value
    if value in Kind.__members__.values():
        return Kind(value)
    return KIND_OF_STATUS.get(Status(value))  # ValueError for a word that is neither


def notify(
    connection: Connection,
    booking: BookingRow | int,
    kind: Kind | Status | str,
    *,
    now: datetime,
    people_ahead: int | None = None,
    estimated_at: datetime | None = None,
    code: str | None = None,
    extra_facts: dict | None = None,
    send: int = 1,
) -> int:
    """Write ``kind``'s message for ``booking`` into the outbox; return how many are new.

    Call it inside the use case's write transaction (``with writing() as connection``).
    ``booking`` is the booking's row or id; its counter, addresses and language are read
    from the database (in this transaction). ``send`` numbers a message sent again on purpose
    (a hold's code asked for again: keyed ``booking:<id>:code:2:<channel>``), so it is a new
    message, not a repeat.
    """
    kind = kind_of(kind)
    if kind is None:
        return 0
    booking_id = booking.id if isinstance(booking, BookingRow) else int(booking)
    found = connection.execute(select(*_BOOKING_COLUMNS).where(_bookings.c.id == booking_id)).first()
    if found is None:
        return 0
    values = dict(found._mapping)
    facts = _facts(values, kind, values["locale"] or "th", people_ahead, estimated_at)
    if kind is Kind.CODE:
        # The code is kept in the outbox only to be sent; the booking holds only its hash.
        facts["code"] = code
        expires = values.get("hold_expires_at")
        facts["valid_until"] = expires.astimezone(BANGKOK).strftime("%H:%M") if expires else None
    facts.update(extra_facts or {})  # e.g. the reason an office closed (notifier.messages.Facts)
    subject = Subject(f"booking:{booking_id}", addresses_in(found), facts, booking_id=booking_id)
    added = enqueue(connection, subject, kind, now=now, key=kind.value if send == 1 else f"{kind.value}:{send}")
    if kind is Kind.CALLED:
        # A call moves everyone behind up one place: warn those whose turn is now near.
        added += enqueue_near_turn(connection, values["office_id"], values["day"], Channel(values["channel"]), now=now)
    return added


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
        booking_channel=values["channel"],
        estimated_at=estimated_at.astimezone(BANGKOK).strftime("%H:%M") if estimated_at else None,
    ).to_json()
    # The links are built when sending, from PUBLIC_BASE_URL; the purge erases the token.
    facts["token"] = values["token"]
    if kind is Kind.BOOKED and not values.get("line_user_id"):
        # The confirmation offers "Follow on LINE" (when LINE is set up): its code is built when
        # sending from the token and this count of links (app.domain.line_link), as the page's.
        facts["line_links"] = values["line_links"] or 0
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
        select(b.id, b.seq, b.slot_start, b.status, b.service_id, b.priority, b.checked_in_at).where(
            b.office_id == office_id,
            b.day == day,
            b.channel == channel.value,
            b.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
        )
    ).all()
    # The one declared call order (queue.CALL_ORDER_FIELDS: priority, window, arrival, number),
    # as the counter calls and the status page counts: "N ahead" here says the same.
    ordered = sorted(waiting, key=lambda r: queue.call_order_key(
        queue.QueueEntry(channel, r.seq, r.slot_start, r.priority, r.checked_in_at)))
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
        added += notify(connection, row.id, Kind.TURN_NEAR, now=now, people_ahead=ahead, estimated_at=estimate)
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
        return sum(notify(connection, booking_id, Kind.REMINDER, now=now) for booking_id in list(ids))


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
