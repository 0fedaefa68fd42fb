"""The office floor's queue: counters call, recall, start, finish, miss and transfer tickets,
and the display board shows who goes where.

Every move goes through ``status.move_booking`` (a compare-and-set with its event: who and
when). Calling the next ticket must never give one ticket to two counters: on PostgreSQL
the candidate row is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (a second clerk skips
the row the first is calling and takes the next), on SQLite the write transaction
(``writing()``) lets one writer in at a time. The compare-and-set is the backstop on both.

The console pages and the staff API call these same functions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update

from app.domain import counter as counter_rules
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import N_, Forbidden, InvalidField, InvalidState, NotFound
from app.domain.office import CounterInfo, OfficeRules
from app.domain.roles import StaffMember
from app.domain.status import Status
from app.extensions import db
from app.models import Booking, BookingEvent, OutboxMessage

from . import audit, board_cache, notifications
from .booking_view import BookingView, booking_view
from .office_rules import catalogue, office_rules
from .queue_order import call_order_by
from .status import BookingRow, booking_columns, move_booking
from .transactions import is_sqlite, reading, writing

_bookings = Booking.__table__
_b = _bookings.c
_e = BookingEvent.__table__.c
_outbox = OutboxMessage.__table__


def _notify(kind: str, row: BookingRow, now: datetime, send: int = 1) -> None:
    """Write the citizen's message for a queue move (``called``: "your turn", and "your turn
    is near" to those now close; ``no_show``; ``done``: the survey invitation) into the outbox.

    It runs inside the move's write transaction, so the message commits with the move or not
    at all; the dispatcher sends it (woken at once on PostgreSQL, within a second on SQLite).
    ``send`` numbers the ticket's calls: a ticket transferred and called again (at another
    counter, or the same one) is a new "your turn → counter N" message, a recall is not.
    """
    notifications.notify(db.session.connection(), row, kind, now=now, send=send)


def _calls_so_far(booking_id: int) -> int:
    """How many times the ticket was called from the line (its first call, and each call
    after a transfer); recalls and a no-show taken back do not count. Read inside the move's
    transaction, so the call just made counts."""
    return db.session.execute(
        select(func.count()).where(
            _e.booking_id == booking_id, _e.from_status == Status.WAITING.value, _e.to_status == Status.CALLED.value
        )
    ).scalar_one()


# --- who may act --------------------------------------------------------------------------


def _authorize(staff: StaffMember, office: OfficeRules) -> None:
    if not staff.may_act_for(office.id):
        raise Forbidden(N_("You work at another office; you cannot act on its counters or tickets."))


def office_for_staff(code: str, staff: StaffMember) -> OfficeRules:
    office = office_rules(code)
    _authorize(staff, office)
    return office


def counter_for_staff(counter_id: int, staff: StaffMember) -> tuple[OfficeRules, CounterInfo]:
    for office in catalogue().by_id.values():
        counter = office.counter_by_id(counter_id)
        if counter is not None:
            _authorize(staff, office)
            if not counter.active:
                raise InvalidState(N_("This counter is closed."))
            return office, counter
    raise NotFound(N_("There is no counter %(id)s."), id=counter_id)


def _ticket(token: object, staff: StaffMember, *, ticket_id: object = None) -> tuple[OfficeRules, BookingRow]:
    """A ticket by its token (the staff API) or by its id (the console: no citizen's token in
    its pages), for a staff member of its office (``forbidden`` otherwise)."""
    found = None
    if ticket_id is not None:
        if isinstance(ticket_id, int) and not isinstance(ticket_id, bool):
            found = reading().execute(select(*booking_columns()).where(_b.id == ticket_id)).first()
    elif isinstance(token, str) and token:
        found = reading().execute(select(*booking_columns()).where(_b.token == token)).first()
    if found is None:
        raise NotFound(N_("No ticket has this code."))
    row = BookingRow.of(found)
    office = catalogue().by_id[row.office_id]
    _authorize(staff, office)
    return office, row


def ticket_for_staff(token: object, staff: StaffMember, *, ticket_id: object = None) -> tuple[OfficeRules, BookingRow]:
    """A booking by token (or by id), for a staff member of its office (``forbidden`` otherwise)."""
    return _ticket(token, staff, ticket_id=ticket_id)


def _caller_of(booking_id: int) -> str | None:
    """Who called the ticket to its counter: the actor of its latest call from the line."""
    return reading().execute(
        select(_e.actor)
        .where(_e.booking_id == booking_id, _e.to_status == Status.CALLED.value, _e.from_status != Status.CALLED.value)
        .order_by(_e.id.desc())
        .limit(1)
    ).scalar()


def _check_mover(office: OfficeRules, row: BookingRow, staff: StaffMember, at_counter: int | None, action: str):
    """Only the counter that called a ticket moves it (``domain.counter.move_right``); returns
    the audit row to write when a head or an admin overrides, else None."""
    caller = _caller_of(row.id)
    right = counter_rules.move_right(
        staff, caller=caller, ticket_counter_id=row.counter_id, acting_counter_id=at_counter
    )
    if right is counter_rules.MoveRight.OWN:
        return None
    counter = office.counter_by_id(row.counter_id)
    return {
        "entity_id": row.number,
        "action": f"override {action}",
        "before": {"status": row.status.value, "counter": counter.number if counter else None,
                   "called_by": caller.split(":", 1)[-1] if caller else None},
    }  # fmt: skip


def _audit_override(override, staff: StaffMember, office: OfficeRules, row: BookingRow, now: datetime) -> None:
    if override is not None:
        audit.record(
            staff, office.id, "ticket", override["entity_id"], override["action"], now=now,
            before=override["before"], after={"status": row.status.value},
        )  # fmt: skip


# --- what a counter sees ------------------------------------------------------------------


@dataclass(frozen=True)
class CounterView:
    counter: CounterInfo
    services: tuple[str, ...]
    serving: BookingView | None


@dataclass(frozen=True)
class QueueView:
    office: OfficeRules
    waiting: dict[Channel, int]
    tickets: list[BookingView]


def _today(now: datetime):
    return local_now(now).date()


def _eligible(office: OfficeRules, now: datetime):
    """Who may be called now: waiting tickets, and web bookings that checked in early once
    their check-in time has come (they joined the line then)."""
    local = local_now(now)
    due = (local + timedelta(minutes=office.checkin_early_minutes)).time()
    return or_(
        _b.status == Status.WAITING.value,
        and_(_b.status == Status.CHECKED_IN.value, _b.slot_start <= due),
    )


def counters(code: str, staff: StaffMember, *, now: datetime) -> list[CounterView]:
    """The office's counters, each with the ticket it is calling or serving."""
    office = office_for_staff(code, staff)
    rows = (
        reading()
        .execute(
            select(*booking_columns())
            .where(
                _b.office_id == office.id,
                _b.day == _today(now),
                _b.status.in_([Status.CALLED.value, Status.SERVING.value]),
            )
            .order_by(_b.called_at)
        )
        .all()
    )
    serving = {}
    for found in rows:
        row = BookingRow.of(found)
        serving[row.counter_id] = booking_view(row, now=now, office=office)
    return [
        CounterView(c, tuple(s.code for s in office.active_services() if c.calls_service(s.id)), serving.get(c.id))
        for c in office.counters
    ]


def waiting_line(code: str, staff: StaffMember, *, now: datetime) -> QueueView:
    """Today's waiting line, per channel in the order it will be called."""
    office = office_for_staff(code, staff)
    rows = (
        reading()
        .execute(
            select(*booking_columns())
            .where(_b.office_id == office.id, _b.day == _today(now), _eligible(office, now))
            .order_by(_b.channel, *call_order_by(_b))
        )
        .all()
    )
    order = {channel: i for i, channel in enumerate(Channel)}
    views, position = [], {channel: 0 for channel in Channel}
    for found in sorted(rows, key=lambda r: order[Channel(r.channel)]):
        row = BookingRow.of(found)
        views.append(booking_view(row, now=now, office=office, ahead=position[row.channel]))
        position[row.channel] += 1
    return QueueView(office, position, views)


# --- calling ------------------------------------------------------------------------------


def _next_candidate(office: OfficeRules, counter: CounterInfo, channels, now: datetime):
    """The first ticket this counter may call from ``channels``: one transferred to it
    first, then the pool, in the domain's call order. Locked on PostgreSQL (others skip it)."""
    query = (
        select(*booking_columns())
        .where(
            _b.office_id == office.id,
            _b.day == _today(now),
            _eligible(office, now),
            or_(
                _b.counter_id == counter.id, and_(_b.counter_id.is_(None), _b.channel.in_(channels), *_serves(counter))
            ),
        )
        .order_by(func.coalesce(_b.counter_id, 0).desc(), *call_order_by(_b))
        .limit(1)
    )
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True, of=_bookings)
    return reading().execute(query).first()


def _serves(counter: CounterInfo) -> list:
    """A counter set to some services calls only their tickets (none set: every service)."""
    return [_b.service_id.in_(sorted(counter.services))] if counter.services else []


def call_next(counter_id: int, staff: StaffMember, *, now: datetime) -> BookingView | None:
    """Call the next ticket to this counter, or None when no one waits for it.

    The counter's own channels first; another channel only when the office allows it
    (``cross_channel_calls``) and the counter's own channels are empty.
    """
    office, counter = counter_for_staff(counter_id, staff)
    own = sorted(c.value for c in counter.channels)
    with writing():
        found = _next_candidate(office, counter, own, now)
        if found is None and office.cross_channel_calls:
            found = _next_candidate(office, counter, [c.value for c in Channel if c.value not in own], now)
        if found is None:
            return None
        row = BookingRow.of(found)
        if row.status is Status.CHECKED_IN:  # arrived early; its check-in time has come
            row = move_booking(row, Status.WAITING, now=now, actor=staff.actor, note="check-in time reached")
        row = move_booking(
            row,
            Status.CALLED,
            now=now,
            actor=staff.actor,
            note=f"counter {counter.number}",
            also={"counter_id": counter.id, "called_at": now, "recalls": 0},
        )
        _notify("called", row, now, send=_calls_so_far(row.id))
    return booking_view(row, now=now, office=office)


def recall(
    token: str | None, staff: StaffMember, *, now: datetime, ticket_id: int | None = None, at_counter: int | None = None
) -> BookingView:
    """Call the same ticket again (the board announces it again). After the office's
    ``no_show_after_recalls`` recalls, the next recall marks the ticket missed.

    Every move of a called ticket names it by ``token`` (the staff API) or by ``ticket_id``
    (the console, at its counter ``at_counter``); only the counter that called it moves it
    (a head's override is audited)."""
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    if row.status is not Status.CALLED:
        raise _cannot(row, Status.CALLED)
    override = _check_mover(office, row, staff, at_counter, "recall")
    limit = office.no_show_after_recalls
    with writing():
        if limit and row.recalls >= limit:
            row = move_booking(row, Status.NO_SHOW, now=now, actor=staff.actor, note=f"no answer after {limit} recalls")
            _notify("no_show", row, now)
        else:
            row = move_booking(
                row, Status.CALLED, now=now, actor=staff.actor, note="recall",
                also={"called_at": now, "recalls": row.recalls + 1},
            )  # fmt: skip
            _notify("called", row, now, send=max(1, _calls_so_far(row.id)))  # the same call: no new message
        _audit_override(override, staff, office, row, now)
    return booking_view(row, now=now, office=office)


def start(
    token: str | None, staff: StaffMember, *, now: datetime, ticket_id: int | None = None, at_counter: int | None = None
) -> BookingView:
    """The person came to the counter: serving begins."""
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    if row.status is not Status.CALLED:
        raise _cannot(row, Status.SERVING)
    override = _check_mover(office, row, staff, at_counter, "start")
    with writing():
        row = move_booking(row, Status.SERVING, now=now, actor=staff.actor)
        _audit_override(override, staff, office, row, now)
    return booking_view(row, now=now, office=office)


def done(
    token: str | None, staff: StaffMember, *, now: datetime, ticket_id: int | None = None, at_counter: int | None = None
) -> BookingView:
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    if row.status is not Status.SERVING:
        raise _cannot(row, Status.DONE)
    override = _check_mover(office, row, staff, at_counter, "done")
    with writing():
        row = move_booking(row, Status.DONE, now=now, actor=staff.actor)
        _notify("done", row, now)
        _audit_override(override, staff, office, row, now)
    return booking_view(row, now=now, office=office)


def no_show(
    token: str | None, staff: StaffMember, *, now: datetime, ticket_id: int | None = None, at_counter: int | None = None
) -> BookingView:
    """The person did not come when called. The citizen's message waits out the seconds in
    which the no-show can be taken back (``undo_no_show``)."""
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    if row.status is not Status.CALLED:
        raise _cannot(row, Status.NO_SHOW)
    override = _check_mover(office, row, staff, at_counter, "no-show")
    with writing():
        row = move_booking(row, Status.NO_SHOW, now=now, actor=staff.actor)
        _notify("no_show", row, now)
        db.session.execute(
            update(_outbox)
            .where(_outbox.c.booking_id == row.id, _outbox.c.kind == "no_show", _outbox.c.status == "pending")
            .values(next_attempt_at=counter_rules.undo_deadline(now))
        )
        _audit_override(override, staff, office, row, now)
    return booking_view(row, now=now, office=office)


def undo_no_show(
    token: str | None, staff: StaffMember, *, now: datetime, ticket_id: int | None = None, at_counter: int | None = None
) -> BookingView:
    """Take back a no-show pressed by mistake, within ``NO_SHOW_UNDO_SECONDS``, by whoever
    marked it: the ticket is "called" at its counter again (the same compare-and-set as every
    move) and the no-show message, still held back, is withdrawn."""
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    marked = reading().execute(
        select(_e.at, _e.actor)
        .where(_e.booking_id == row.id, _e.to_status == Status.NO_SHOW.value)
        .order_by(_e.id.desc())
        .limit(1)
    ).first()
    counter_rules.check_no_show_undo(
        row.status, marked_at=marked.at if marked else None, marked_by=marked.actor if marked else None,
        actor=staff.actor, now=now,
    )  # fmt: skip
    if at_counter is not None and row.counter_id != at_counter:
        raise Forbidden(N_("Only the counter that marked this no-show can take it back."))
    with writing():
        row = move_booking(row, Status.CALLED, now=now, actor=staff.actor, note="no-show taken back", undoing=True)
        db.session.execute(
            delete(_outbox).where(
                _outbox.c.booking_id == row.id, _outbox.c.kind == "no_show", _outbox.c.status == "pending"
            )
        )
    return booking_view(row, now=now, office=office)


def transfer(
    token: str | None,
    staff: StaffMember,
    *,
    now: datetime,
    service: object = None,
    counter_id: object = None,
    ticket_id: int | None = None,
    at_counter: int | None = None,
) -> BookingView:
    """Send a called or served ticket back to the line for another service, or to another
    counter (which calls it before its pool). It keeps its arrival time, so it is not sent
    to the back of the line. Called there, it is a new "your turn" message."""
    office, row = _ticket(token, staff, ticket_id=ticket_id)
    if row.status not in (Status.CALLED, Status.SERVING):
        raise _cannot(row, Status.WAITING)
    if (service in (None, "")) == (counter_id in (None, "")):
        raise InvalidField("service", N_("Transfer to a service or to a counter (one of the two)."))
    if service not in (None, ""):
        target = office.service(service) if isinstance(service, str) else None
        if target is None:
            raise NotFound(N_("This office has no service %(code)s."), field="service", code=service)
        also = {"service_id": target.id, "counter_id": None, "called_at": None, "recalls": 0}
        note = f"transfer to service {target.code}"
    else:
        if isinstance(counter_id, bool) or not isinstance(counter_id, int):
            raise InvalidField("counter_id", N_("Choose a counter of this office."))
        to = office.counter_by_id(counter_id)
        if to is None or not to.active:
            raise NotFound(N_("Choose a counter of this office."), field="counter_id")
        also = {"counter_id": to.id, "called_at": None, "recalls": 0}
        note = f"transfer to counter {to.number}"
    override = _check_mover(office, row, staff, at_counter, "transfer")
    with writing():
        row = move_booking(row, Status.WAITING, now=now, actor=staff.actor, note=note, also=also)
        _audit_override(override, staff, office, row, now)
    return booking_view(row, now=now, office=office)


def _cannot(row: BookingRow, target: Status) -> InvalidState:
    return InvalidState(
        N_("This booking is “%(status)s”, so it cannot become “%(target)s”."),
        status=row.status.value,
        target=target.value,
    )


# --- the display board --------------------------------------------------------------------

BOARD_CALLING = 6  # tickets shown as being called now
BOARD_RECENT = 8  # earlier calls listed beside them
#: How long one process reuses a board it built: many TVs of one office poll the same board.
BOARD_REUSE_SECONDS = 0.4


@dataclass(frozen=True)
class BoardCall:
    number: str
    counter: CounterInfo | None
    called_at: datetime
    channel: Channel


@dataclass(frozen=True)
class Board:
    office: OfficeRules
    calling: list[BoardCall]
    recent: list[BoardCall]
    waiting: dict[Channel, int]
    version: str


def board(code: str, *, now: datetime) -> Board:
    """What the office's TV shows: who is called to which counter, the last calls, how many
    wait per channel. No names, no tokens. ``version`` changes whenever any of it does."""
    office = office_rules(code)
    connection = reading()
    key = (str(connection.engine.url), office.id, office.code)
    seen = board_cache.recent(key, BOARD_REUSE_SECONDS)
    if seen is not None:
        return seen
    today = _today(now)
    calls = connection.execute(
        select(_b.number, _b.counter_id, _b.called_at, _b.status, _b.channel)
        .where(_b.office_id == office.id, _b.day == today, _b.called_at.is_not(None))
        .order_by(_b.called_at.desc(), _b.id.desc())
        .limit(BOARD_CALLING + BOARD_RECENT + 20)
    ).all()
    counts = connection.execute(
        select(_b.channel, func.count())
        .where(_b.office_id == office.id, _b.day == today, _eligible(office, now))
        .group_by(_b.channel)
    ).all()
    calling, recent = [], []
    for number, counter_id, called_at, status, channel in calls:
        call = BoardCall(number, office.counter_by_id(counter_id), called_at, Channel(channel))
        if status == Status.CALLED.value and len(calling) < BOARD_CALLING:
            calling.append(call)
        elif status != Status.CALLED.value and len(recent) < BOARD_RECENT:
            recent.append(call)
    waiting = {channel: 0 for channel in Channel}
    waiting.update({Channel(channel): n for channel, n in counts})
    fingerprint = json.dumps(
        [[(c.number, c.counter.id if c.counter else None, c.called_at.isoformat()) for c in calling],
         [(c.number, c.counter.id if c.counter else None) for c in recent],
         {k.value: v for k, v in waiting.items()}, office.name_th, office.name_en],
        ensure_ascii=False,
    )  # fmt: skip
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    result = Board(office, calling, recent, waiting, version)
    board_cache.keep(key, result)
    return result


# --- the counter console ----------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleView:
    """Everything a counter's console page shows."""

    office: OfficeRules
    counter: CounterInfo
    current: BookingView | None  # the ticket this counter is calling or serving
    waiting: list[BookingView]  # what this counter will call, in order
    others: dict[Channel, int]  # how many wait in the office's other channels
    undoable: BookingView | None = None  # a no-show this clerk marked here moments ago
    undo_until: datetime | None = None


def counter_console(counter_id: int, staff: StaffMember, *, now: datetime) -> ConsoleView:
    office, counter = counter_for_staff(counter_id, staff)
    current = next((v.serving for v in counters(office.code, staff, now=now) if v.counter.id == counter.id), None)
    line = waiting_line(office.code, staff, now=now)
    mine = [
        t for t in line.tickets
        if (t.counter.id == counter.id if t.counter is not None
            else t.channel in counter.channels and counter.calls_service(t.service.id))
    ]  # fmt: skip
    mine.sort(key=lambda t: 0 if t.counter is not None else 1)  # transferred here first, as call_next does
    others = {c: n for c, n in line.waiting.items() if c not in counter.channels}
    undoable, until = _undoable_no_show(office, counter, staff, now)
    return ConsoleView(office, counter, current, mine, others, undoable, until)


def _undoable_no_show(
    office: OfficeRules, counter: CounterInfo, staff: StaffMember, now: datetime
) -> tuple[BookingView | None, datetime | None]:
    """The no-show this staff member marked at this counter that can still be taken back."""
    since = now - timedelta(seconds=counter_rules.NO_SHOW_UNDO_SECONDS)
    found = (
        reading()
        .execute(
            select(*booking_columns(), _e.at.label("marked_at"))
            .select_from(_bookings.join(BookingEvent.__table__, _e.booking_id == _b.id))
            .where(
                _b.counter_id == counter.id,
                _b.status == Status.NO_SHOW.value,
                _e.to_status == Status.NO_SHOW.value,
                _e.actor == staff.actor,
                _e.at >= since,
            )
            .order_by(_e.at.desc())
            .limit(1)
        )
        .first()
    )
    if found is None:
        return None, None
    return booking_view(BookingRow.of(found), now=now, office=office), counter_rules.undo_deadline(found.marked_at)


def counters_for_staff(staff: StaffMember, office_code: str | None = None) -> list[tuple[OfficeRules, CounterInfo]]:
    """The counters a staff member may sit at: their office's (an admin's: every office's,
    or one office's)."""
    offices = catalogue().active()
    if office_code:
        offices = [office_for_staff(office_code, staff)]
    return [(o, c) for o in offices if staff.may_act_for(o.id) for c in o.counters if c.active]
