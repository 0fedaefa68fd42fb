"""The outbox: every message to a citizen, written in the transaction that caused it.

A row is ``pending`` until a dispatcher claims it (``sending``, with a lease), then
``sent`` (with the provider's id) or, after a permanent failure or too many attempts,
``dead`` (a dead letter, for staff to look at). Delivery receipts (Twilio's status
callbacks) update ``provider_status``. The recipient is personal data: erased by the purge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .types import UTCDateTime, utcnow

OUTBOX_STATUSES = ("pending", "sending", "sent", "dead")


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')", name="status_known"),
        # Any channel notifier.registry lists (a new channel needs no migration).
        CheckConstraint("channel <> ''", name="channel_named"),
        # What a dispatcher looks for: due rows, the urgent first.
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # <subject>:<kind>:<channel> — a retried request, or a job run twice, enqueues nothing new.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # Who the message is about: booking:<id>, request:<id>, complaint:<id> (a fallback reads its addresses again).
    subject: Mapped[str | None] = mapped_column(String(40))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str | None] = mapped_column(String(254))
    facts: Mapped[dict] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    provider_id: Mapped[str | None] = mapped_column(String(120), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OfficeNotificationSettings(db.Model):
    """When an office warns that a turn is near: N people ahead, or an estimate under M minutes."""

    __tablename__ = "office_notification_settings"
    __table_args__ = (
        CheckConstraint("near_turn_people BETWEEN 0 AND 50", name="near_people_range"),
        CheckConstraint("near_turn_minutes BETWEEN 0 AND 240", name="near_minutes_range"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    near_turn_people: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    near_turn_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0: off
