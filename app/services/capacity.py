"""Taking and giving back places, guarded by the database.

A place is taken by a single conditional UPDATE: ``used = used + 1 … WHERE used < capacity``.
Two bookers can never both get the last place: on PostgreSQL the second UPDATE waits for
the first's row lock and then re-checks the condition; on SQLite a writing use case begins
IMMEDIATE, so writers take turns. The number comes from the same row (``last_seq``), so a
rolled-back booking leaves no gap and a cancelled one is never reused. Rows are always
touched in the same order — slot first, then the day's channel row — so two transactions
cannot deadlock on them.

A day's counter rows are created by its first booking; after that, taking a place is one
statement per row.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.channels import Channel
from app.domain.errors import N_, CapacityFull
from app.domain.office import OfficeRules
from app.extensions import db
from app.models import DailyQuota, SlotQuota

_slots = SlotQuota.__table__
_days = DailyQuota.__table__


def _insert_if_missing(table, values: dict, keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so concurrent first bookings of a day don't collide."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


# Built once: each booking only binds new values (SQLAlchemy reuses the compiled SQL).
_TAKE_SLOT = (
    update(_slots)
    .where(_slots.c.office_id == bindparam("o"), _slots.c.day == bindparam("d"), _slots.c.start == bindparam("s"))
    .where(_slots.c.used < _slots.c.capacity)
    .values(used=_slots.c.used + 1)
    .returning(_slots.c.used)
)
_DAY_ROW = (_days.c.office_id == bindparam("o"), _days.c.day == bindparam("d"), _days.c.channel == bindparam("c"))
# A place is free while the numbered places and the holds leave room.
_TAKE_DAY = (
    update(_days)
    .where(*_DAY_ROW, _days.c.used + _days.c.held < _days.c.capacity)
    .values(used=_days.c.used + 1, last_seq=_days.c.last_seq + 1)
    .returning(_days.c.last_seq)
)
_HOLD_DAY = (
    update(_days)
    .where(*_DAY_ROW, _days.c.used + _days.c.held < _days.c.capacity)
    .values(held=_days.c.held + 1)
    .returning(_days.c.held)
)
# A confirmed hold keeps its place, now numbered: from ``held`` to ``used``, with the next number.
_CONFIRM_DAY = (
    update(_days)
    .where(*_DAY_ROW, _days.c.held > 0)
    .values(held=_days.c.held - 1, used=_days.c.used + 1, last_seq=_days.c.last_seq + 1)
    .returning(_days.c.last_seq)
)


def _take_slot(office_id: int, day: date, start: time) -> int | None:
    return db.session.connection().execute(_TAKE_SLOT, {"o": office_id, "d": day, "s": start}).scalar_one_or_none()


def _take_day(office_id: int, day: date, channel: Channel, statement=_TAKE_DAY) -> int | None:
    params = {"o": office_id, "d": day, "c": channel.value}
    return db.session.connection().execute(statement, params).scalar_one_or_none()


def take_place(
    office: OfficeRules, channel: Channel, day: date, slot_start: time | None = None, *, hold: bool = False
) -> int:
    """Take one place of the channel's day (and of the web slot); return the ticket's sequence.

    With ``hold`` the place is taken but not numbered (a held booking, numbered when it is
    confirmed: ``confirm_place``); the value returned is then of no use.
    Raises CapacityFull, leaving nothing changed, when the slot or the day is full.
    """
    statement = _HOLD_DAY if hold else _TAKE_DAY
    if slot_start is not None:
        taken = _take_slot(office.id, day, slot_start)
        if taken is None:  # the window's row may not exist yet: create it, then try once more
            _insert_if_missing(
                _slots,
                {"office_id": office.id, "day": day, "start": slot_start, "capacity": office.web_slot_capacity,
                 "used": 0},
                ["office_id", "day", "start"],
            )  # fmt: skip
            taken = _take_slot(office.id, day, slot_start)
        if taken is None:
            raise CapacityFull(
                N_("The %(slot)s window on %(date)s is fully booked; please choose another window."),
                field="slot",
                slot=slot_start.strftime("%H:%M"),
                date=day,  # a day, written as the reader reads dates (Buddhist Era in Thai)
            )
    seq = _take_day(office.id, day, channel, statement)
    if seq is None:
        _insert_if_missing(
            _days,
            {"office_id": office.id, "day": day, "channel": channel.value,
             "capacity": office.daily_capacity(channel, day), "used": 0, "last_seq": 0},
            ["office_id", "day", "channel"],
        )  # fmt: skip
        seq = _take_day(office.id, day, channel, statement)
    if seq is None:
        raise CapacityFull(_FULL_MESSAGES[channel], field="date", date=day)
    return seq


_FULL_MESSAGES = {
    Channel.WEB: N_("All web places for %(date)s are taken; please choose another day."),
    Channel.MOBILE: N_("Today's mobile places are all taken; you can still take a paper ticket at the office kiosk."),
    Channel.WALK_IN: N_("All tickets for today have been given out; please come back on another day."),
}


def confirm_place(office_id: int, channel: Channel, day: date) -> int:
    """A confirmed hold's place becomes a numbered one; return its sequence (the next number:
    numbers are given in the order holds are confirmed, so none is skipped)."""
    seq = _take_day(office_id, day, channel, _CONFIRM_DAY)
    if seq is None:  # the CHECKs and the hold's own row make this unreachable
        raise RuntimeError("a confirmed hold had no held place")
    return seq


def give_back_place(
    office_id: int, channel: Channel, day: date, slot_start: time | None, *, held: bool = False
) -> None:
    """Return a cancelled booking's place (its number stays used), or a released hold's."""
    if slot_start is not None:
        db.session.execute(
            update(_slots)
            .where(_slots.c.office_id == office_id, _slots.c.day == day, _slots.c.start == slot_start)
            .where(_slots.c.used > 0)
            .values(used=_slots.c.used - 1)
        )
    column = _days.c.held if held else _days.c.used
    db.session.execute(
        update(_days)
        .where(_days.c.office_id == office_id, _days.c.day == day, _days.c.channel == channel.value)
        .where(column > 0)
        .values({column: column - 1})
    )
