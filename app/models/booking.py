"""A booking (a queue ticket) and the history of its status."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.channels import Channel
from app.domain.queue import Priority
from app.domain.status import ACTIVE, Status
from app.extensions import db

from .office import CHANNELS_SQL, Counter, Office, Service
from .types import UTCDateTime, sql_in_list, utcnow

_STATUSES_SQL = sql_in_list(Status)
_ACTIVE_SQL = text(f"status IN {sql_in_list(sorted(ACTIVE))}")


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        # Backstops for the quota counter: a number is issued once per office, day and channel…
        UniqueConstraint("office_id", "day", "channel", "seq"),
        # …and the printed number (prefix + digits) never repeats within an office and day.
        UniqueConstraint("office_id", "day", "number"),
        # One active booking per person per office per day, by national ID or by phone.
        Index(
            "uq_bookings_active_national_id",
            "office_id",
            "day",
            "nid_bidx",
            unique=True,
            postgresql_where=_ACTIVE_SQL,
            sqlite_where=_ACTIVE_SQL,
        ),
        Index(
            "uq_bookings_active_phone",
            "office_id",
            "day",
            "phone_e164",
            unique=True,
            postgresql_where=_ACTIVE_SQL,
            sqlite_where=_ACTIVE_SQL,
        ),
        Index("ix_bookings_queue", "office_id", "day", "channel", "status"),
        Index("ix_bookings_board", "office_id", "day", "called_at"),
        Index("ix_bookings_holds", "status", "hold_expires_at"),
        # Reports read a range's outcomes, arrivals, waits and service times from this index
        # alone (app/services/reports.py), never the rows or the events.
        Index(
            "ix_bookings_report",
            "office_id",
            "day",
            "status",
            "checked_in_at",
            "first_called_at",
            "serving_at",
            "done_at",
        ),
        CheckConstraint(f"status IN {_STATUSES_SQL}", name="status_known"),
        CheckConstraint(f"channel IN {CHANNELS_SQL}", name="channel_known"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint(f"priority IS NULL OR priority IN {sql_in_list(Priority)}", name="priority_known"),
        CheckConstraint("recalls >= 0", name="recalls_nonnegative"),
        CheckConstraint("channel <> 'web' OR slot_start IS NOT NULL", name="web_has_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    channel: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date)
    # None while the booking is held (a number is given at confirmation, so none is lost).
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(10))
    slot_start: Mapped[time | None] = mapped_column(Time)
    slot_end: Mapped[time | None] = mapped_column(Time)
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100))
    # The national ID itself is never stored: a keyed hash to match it, a mask to show it.
    nid_bidx: Mapped[str | None] = mapped_column(String(64))
    nid_masked: Mapped[str | None] = mapped_column(String(20))
    # "Find my booking" and check-in by number at the kiosk ask for the last 4 digits of the
    # ID: a keyed hash of them (services.booking.nid_tail_index), never the digits.
    nid_tail_bidx: Mapped[str | None] = mapped_column(String(64))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    # The language the person booked in: later messages (turn alerts, the survey) use it.
    locale: Mapped[str] = mapped_column(String(5), default="th", server_default="th")
    distance_m: Mapped[int | None] = mapped_column(Integer)  # mobile: how far away at booking
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    # Who goes first within a channel: a priority group (app.domain.queue.PRIORITY_GROUPS),
    # when the person arrived (checked in; a walk-in at issue), when last called, how often.
    priority: Mapped[str | None] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recalls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the visit was first called, last started being served, and finished (set by
    # services.status.move_booking with the status; the history has every move, these three
    # let a report over years read waits and service times from one index).
    first_called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    serving_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A client's Idempotency-Key (hashed with the office), so a retried POST on a bad
    # connection gets the same booking back instead of "already booked".
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the request body sent with that key: the same key with another body is
    # refused (idempotency_mismatch) instead of answering with this booking.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # A hold (status "held"): until when, the code as a keyed hash (never the code), and
    # how many wrong codes were typed.
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_code_hash: Mapped[str | None] = mapped_column(String(64))
    hold_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How many codes were sent for this hold (the first, then each "send the code again"),
    # and when the last one was: a new code replaces the old one (services.holds.resend_code).
    hold_sends: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    hold_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The LINE user following this booking (the "line" channel's address; personal data,
    # purged with the phone), and how many times it was linked (a used code never works
    # again: app.domain.line_link).
    line_user_id: Mapped[str | None] = mapped_column(String(40), index=True)
    line_links: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship()
    counter: Mapped[Counter | None] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", order_by="BookingEvent.id"
    )

    @property
    def channel_enum(self) -> Channel:
        return Channel(self.channel)

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class BookingEvent(db.Model):
    """One status change: from what, to what, when, and who did it."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    booking: Mapped[Booking] = relationship(back_populates="events")
