"""The office head's follow-up of a survey response that asked for one (a dissatisfied answer
or a suggestion): marked done with a note, and who did it when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

from .types import UTCDateTime


class SurveyFollowUp(db.Model):
    __tablename__ = "survey_follow_ups"

    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Who marked it (their username, kept if the account is removed later) and when.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    staff_username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
