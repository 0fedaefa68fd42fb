"""Citizen Feedback survey responses (seed 004's form): one per visit, kept against the office,
service, counter and clerk; the ratings apart so reports count them per group."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.survey import RATINGS
from app.extensions import db

from .types import UTCDateTime, utcnow

_RATINGS_SQL = "(" + ", ".join(f"'{r}'" for r in RATINGS) + ")"


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_office_day", "office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date)  # the visit's day
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sex: Mapped[str | None] = mapped_column(String(10))
    age_band: Mapped[str | None] = mapped_column(String(10))
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(20))
    suggestion: Mapped[str | None] = mapped_column(Text)
    # The form the response answered (seed 004's example 1 or 2), and example 2's items 28
    # (what to improve, free text) and 29 (the channel that suits the person to give views).
    form: Mapped[str] = mapped_column(String(20), default="example_1", server_default="example_1")
    improve: Mapped[str | None] = mapped_column(Text)
    feedback_channel: Mapped[str | None] = mapped_column(String(20))
    # A dissatisfied answer or a suggestion: the office head follows it up.
    needs_follow_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[SurveyAnswer]] = relationship(cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (CheckConstraint(f"rating IN {_RATINGS_SQL}", name="rating_known"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    group: Mapped[str] = mapped_column("question_group", String(20))
    rating: Mapped[str] = mapped_column(String(20))


class CounterTap(db.Model):
    """A face tapped on a counter's satisfaction tablet: the visit it rates (one tap per visit)
    and its response (``survey_responses`` with no booking, so the visit's full survey stays
    open, and one answer to the overall item), from which tablet."""

    __tablename__ = "counter_taps"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), unique=True)
    tablet_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
