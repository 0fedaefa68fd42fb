"""Who changed what in an office's settings, and when: before → after, as JSON.

Written by the administration use cases in the same transaction as the change, so a change
and its record commit together or not at all. It names staff, never citizens: a closed day
records how many bookings it cancelled, not whose.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
