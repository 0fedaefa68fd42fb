"""Section 10 request tracking: an application filed at the office, its steps and its delay notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false as sa_false

from app.domain.requests import RequestStatus
from app.domain.working_days import DayKind
from app.extensions import db

from .types import UTCDateTime, sql_in_list, utcnow

_STATUSES_SQL = sql_in_list(RequestStatus)


class ServiceRequest(db.Model):
    """An application (a licence, a certificate) the citizen can follow with its token."""

    __tablename__ = "service_requests"
    __table_args__ = (
        # The office's own application number is unique within the office.
        UniqueConstraint("office_id", "reference"),
        Index("ix_service_requests_office_status", "office_id", "status", "due_on"),
        CheckConstraint(f"status IN {_STATUSES_SQL}", name="status_known"),
        CheckConstraint(f"day_kind IN {sql_in_list(DayKind)}", name="day_kind_known"),
        CheckConstraint("processing_days BETWEEN 0 AND 365", name="processing_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    reference: Mapped[str] = mapped_column(String(40))
    # Personal data, erased by the retention purge once the request is long finished.
    name: Mapped[str | None] = mapped_column(String(100))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="th", server_default="th")
    submitted_on: Mapped[date] = mapped_column(Date)
    processing_days: Mapped[int] = mapped_column(Integer)
    day_kind: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24))
    # Where a letter can be mailed (optional; personal data like the name).
    postal_address: Mapped[str | None] = mapped_column(Text)
    # Waiting for the applicant stops the clock: the day it stopped, and the days paused so far
    # (in the request's day kind), by which the due date has moved.
    paused_on: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    finished_on: Mapped[date | None] = mapped_column(Date)  # the office's local date it was finished
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RequestEvent(db.Model):
    """One step of a request: its new status, when, by whom, and the note the citizen sees."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


class LetterCounter(db.Model):
    """The office's running letter number per calendar year (ที่ ลพ 0318/๑๒๓), taken atomically."""

    __tablename__ = "letter_counters"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DelayNotice(db.Model):
    """A Section 10 delay notice: the reason, when it was sent, how (sms, email), by whom."""

    __tablename__ = "delay_notices"
    __table_args__ = (UniqueConstraint("request_id", "seq"), CheckConstraint("seq >= 1", name="seq_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(SmallInteger)  # 1, 2, … (the letter's /notices/<n>/letter)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    channels: Mapped[str] = mapped_column(String(20), default="", server_default="")  # "sms,email"
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # The letter's running number in the office's register of that year.
    letter_year: Mapped[int | None] = mapped_column(Integer)
    letter_number: Mapped[int | None] = mapped_column(Integer)
    # The office asks its head to review a clerk's first notice: held here, not sent, until then.
    pending_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
