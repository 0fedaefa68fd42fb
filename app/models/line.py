"""LINE webhook events already handled (LINE redelivers, with the same ``webhookEventId``).

Which LINE user follows a booking is the booking's ``line_user_id`` (the "line" channel's
address, like its ``phone_e164``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .types import UTCDateTime


class LineWebhookEvent(db.Model):
    __tablename__ = "line_webhook_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
