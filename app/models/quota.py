"""Capacity counters: one row per office, day and channel, and per web slot.

These rows are the guard against overbooking. A place is taken by one conditional
UPDATE (``used < capacity``) and the CHECK constraints below refuse any write that would
go over, whatever the code above does. ``last_seq`` only ever grows, so ticket numbers
never repeat even when cancelled places are given back.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .office import CHANNELS_SQL


class DailyQuota(db.Model):
    __tablename__ = "daily_quotas"
    __table_args__ = (
        CheckConstraint("used >= 0", name="used_nonnegative"),
        CheckConstraint("used <= capacity", name="within_capacity"),
        CheckConstraint("last_seq >= used", name="seq_counts_every_place"),
        CheckConstraint(f"channel IN {CHANNELS_SQL}", name="channel_known"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Places taken by holds (offices with verification "otp"): not yet numbered, so not in
    # ``used``; a place is free while used + held < capacity. A confirmed hold moves from
    # ``held`` to ``used`` and takes the next number; a released one just leaves ``held``.
    held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SlotQuota(db.Model):
    __tablename__ = "slot_quotas"
    __table_args__ = (
        CheckConstraint("used >= 0", name="used_nonnegative"),
        CheckConstraint("used <= capacity", name="within_capacity"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    start: Mapped[time] = mapped_column(Time, primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
