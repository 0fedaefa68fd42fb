"""Complaints (seed 001): each office's topics and service levels, the complaints, the staff's
replies (public or internal) and the history of every change (who, when, what).

A complaint's name, phone and e-mail are personal data: erased by the retention purge once the
complaint has been finished for the retention period (``services.retention``). The text and
the dates stay, for the statistics auditors ask for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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
from sqlalchemy.sql.expression import true as sa_true

from app.domain.complaints import SLA_DAYS_MAX, ComplaintChannel, ComplaintStatus, Priority
from app.extensions import db

from .types import UTCDateTime, sql_in_list, utcnow

_STATUSES_SQL = sql_in_list(ComplaintStatus)
_PRIORITIES_SQL = sql_in_list(Priority)


class ComplaintTopic(db.Model):
    """What a complaint can be about, per office (the form offers the active ones in order)."""

    __tablename__ = "complaint_topics"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # A confidential topic's complaints are read only by the head, admins and the assignee.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class OfficeComplaintSettings(db.Model):
    """An office's service level per priority (working days) and where the head's daily
    summary goes. An office without a row uses the defaults (1 / 3 / 15, no summary)."""

    __tablename__ = "office_complaint_settings"
    __table_args__ = (
        CheckConstraint(f"sla_urgent_days BETWEEN 1 AND {SLA_DAYS_MAX}", name="sla_urgent_range"),
        CheckConstraint(f"sla_high_days BETWEEN 1 AND {SLA_DAYS_MAX}", name="sla_high_range"),
        CheckConstraint(f"sla_normal_days BETWEEN 1 AND {SLA_DAYS_MAX}", name="sla_normal_range"),
    )

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    sla_urgent_days: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    sla_high_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    sla_normal_days: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    # The office head's address for the daily summary of service-level breaches.
    summary_email: Mapped[str | None] = mapped_column(String(254))


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(f"status IN {_STATUSES_SQL}", name="status_known"),
        CheckConstraint(f"priority IN {_PRIORITIES_SQL}", name="priority_known"),
        CheckConstraint(f"channel IN {sql_in_list(ComplaintChannel)}", name="channel_known"),
        Index("ix_complaints_office_status", "office_id", "status"),
        Index("ix_complaints_office_received", "office_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the tracking link's key (192 bits)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # what a person reads out: C-7K3M9Q
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("complaint_topics.id"))
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(100))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="th", server_default="th")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    survey_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="SET NULL"), unique=True
    )
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMAL.value)
    status: Mapped[str] = mapped_column(String(16), default=ComplaintStatus.RECEIVED.value)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it reached the office: the public form or API (web), or recorded by staff.
    channel: Mapped[str] = mapped_column(String(16), default=ComplaintChannel.WEB.value, server_default="web")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The complainant's one answer about the handling, asked once it is resolved (PMQA 3.4).
    handling_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    handling_comment: Mapped[str | None] = mapped_column(Text)
    handling_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ComplaintReply(db.Model):
    """A staff member's answer to the complainant, or an internal note; with the status it set."""

    __tablename__ = "complaint_replies"
    __table_args__ = (CheckConstraint(f"status IS NULL OR status IN {_STATUSES_SQL}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str | None] = mapped_column(String(16))


class ComplaintEvent(db.Model):
    """One change to a complaint: who (``citizen``, ``staff:<name>``), when, what, and the detail."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # received, status, priority, assignee, reply, note
    detail: Mapped[str | None] = mapped_column(String(200))
