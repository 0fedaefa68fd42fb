"""Taking and giving back places, guarded by the database.

A place is taken by a single conditional UPDATE: ``used = used + 1 … WHERE used < capacity``.
Two bookers can never both get the last place: on PostgreSQL the second UPDATE waits for
the first's row lock and then re-checks the condition; on SQLite every write transaction
starts with BEGIN IMMEDIATE, so writers take turns. The number comes from the same row
(``last_seq``), so a rolled-back booking leaves no gap and a cancelled one is never reused.
Rows are always touched in the same order — slot first, then the day's channel row —
so two transactions cannot deadlock on them.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.booking import daily_capacity
from app.domain.channels import Channel
from app.domain.errors import N_, CapacityFull
from app.extensions import db
from app.models import DailyQuota, Office, SlotQuota


def _insert_if_missing(model, values: dict, keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so concurrent first bookings of a day don't collide."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


def channel_capacity(office: Office, channel: Channel, day: date) -> int:
    """Today's configured figure for a channel (override, else weekday), 0 when closed."""
    calendar = office.calendar()
    return daily_capacity(
        office.weekly_capacity(channel),
        office.capacity_override(channel, day),
        day,
        calendar.is_open_on(day),
    )


def take_place(office: Office, channel: Channel, day: date, slot_start: time | None = None) -> int:
    """Take one place of the channel's day (and of the web slot); return the ticket's sequence.

    Raises CapacityFull, leaving nothing changed, when the slot or the day is full.
    """
    if slot_start is not None:
        _insert_if_missing(
            SlotQuota,
            {"office_id": office.id, "day": day, "start": slot_start, "capacity": office.web_slot_capacity, "used": 0},
            ["office_id", "day", "start"],
        )
        taken = db.session.execute(
            update(SlotQuota)
            .where(
                SlotQuota.office_id == office.id,
                SlotQuota.day == day,
                SlotQuota.start == slot_start,
                SlotQuota.used < SlotQuota.capacity,
            )
            .values(used=SlotQuota.used + 1)
            .returning(SlotQuota.used)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if taken is None:
            raise CapacityFull(
                N_("The %(slot)s window on %(date)s is fully booked; please choose another window."),
                field="slot",
                slot=slot_start.strftime("%H:%M"),
                date=day.isoformat(),
            )
    _insert_if_missing(
        DailyQuota,
        {
            "office_id": office.id,
            "day": day,
            "channel": channel.value,
            "capacity": channel_capacity(office, channel, day),
            "used": 0,
            "last_seq": 0,
        },
        ["office_id", "day", "channel"],
    )
    seq = db.session.execute(
        update(DailyQuota)
        .where(
            DailyQuota.office_id == office.id,
            DailyQuota.day == day,
            DailyQuota.channel == channel.value,
            DailyQuota.used < DailyQuota.capacity,
        )
        .values(used=DailyQuota.used + 1, last_seq=DailyQuota.last_seq + 1)
        .returning(DailyQuota.last_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if seq is None:
        raise CapacityFull(_FULL_MESSAGES[channel], field="date", date=day.isoformat())
    return seq


_FULL_MESSAGES = {
    Channel.WEB: N_("All web places for %(date)s are taken; please choose another day."),
    Channel.MOBILE: N_("Today's mobile places are all taken; you can still take a paper ticket at the office kiosk."),
    Channel.WALK_IN: N_("All tickets for today have been given out; please come back on another day."),
}


def give_back_place(office_id: int, channel: Channel, day: date, slot_start: time | None) -> None:
    """Return a cancelled booking's place; its number stays used."""
    if slot_start is not None:
        db.session.execute(
            update(SlotQuota)
            .where(
                SlotQuota.office_id == office_id,
                SlotQuota.day == day,
                SlotQuota.start == slot_start,
                SlotQuota.used > 0,
            )
            .values(used=SlotQuota.used - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(DailyQuota)
        .where(
            DailyQuota.office_id == office_id,
            DailyQuota.day == day,
            DailyQuota.channel == channel.value,
            DailyQuota.used > 0,
        )
        .values(used=DailyQuota.used - 1)
        .execution_options(synchronize_session=False)
    )
