"""LINE: which LINE user follows which booking, and the webhook events already handled.

``line_links.user_id`` is personal data (PDPA): erased by the purge with the phone number,
never logged. ``generation`` counts the links a booking had, so a used code never works
again (``app.domain.line_link``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .types import UTCDateTime


class LineLink(db.Model):
    __tablename__ = "line_links"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(40), index=True)
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LineWebhookEvent(db.Model):
    """A webhook event handled once: LINE redelivers, with the same ``webhookEventId``."""

    __tablename__ = "line_webhook_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
