"""Which of seed 004's survey forms an office asks (example 1 or 2), and the items it retired.

Items themselves are defined in ``app.domain.survey_forms`` and never change meaning; an
office's choice and its retired items are the only state. A retired item is no longer asked;
its past answers stay and are reported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.survey_forms import DEFAULT_FORM
from app.extensions import db

from .types import UTCDateTime


class OfficeSurveyForm(db.Model):
    """The form an office asks (an office without a row asks example 1)."""

    __tablename__ = "office_survey_forms"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    form: Mapped[str] = mapped_column(String(20), default=DEFAULT_FORM)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RetiredSurveyItem(db.Model):
    """An item the office no longer asks (never deleted: its answers keep their meaning)."""

    __tablename__ = "retired_survey_items"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
