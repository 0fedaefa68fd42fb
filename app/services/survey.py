"""The Citizen Feedback survey of a visit: open once it is ``done``, answered once.

The response is stored against the visit's office, service, counter and the clerk who
served it (from the booking's history), never against the person: the booking's link is
only the key that opens the form, and the purge may erase the person later while the
ratings stay for the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import survey as rules
from app.domain import survey_forms as forms
from app.domain.errors import N_, InvalidField, InvalidState, NotFound
from app.domain.status import Status
from app.models import Booking, BookingEvent, OfficeSurveyForm, RetiredSurveyItem, Staff, SurveyAnswer, SurveyResponse

from .office_rules import office_rules
from .transactions import reading, writing

_bookings = Booking.__table__
_events = BookingEvent.__table__
_responses = SurveyResponse.__table__
_answers = SurveyAnswer.__table__
_staff = Staff.__table__
_forms = OfficeSurveyForm.__table__
_retired = RetiredSurveyItem.__table__


@dataclass(frozen=True)
class SurveyState:
    token: str
    number: str
    office_th: str
    office_en: str
    open: bool
    answered: bool
    form: forms.SurveyForm = forms.FORMS[forms.DEFAULT_FORM]
    questions: tuple[rules.Question, ...] = rules.QUESTIONS  # the items the office asks now

    def office(self, locale: str) -> str:
        return self.office_en if locale == "en" else self.office_th


def _visit(token: object):
    if not isinstance(token, str) or not token:
        return None
    b = _bookings.c
    answered = select(func.count()).select_from(_responses).where(_responses.c.booking_id == b.id).scalar_subquery()
    return reading().execute(
        select(b.id, b.token, b.number, b.office_id, b.service_id, b.counter_id, b.channel, b.day, b.status,
               answered.label("answered")).where(b.token == token)
    ).first()  # fmt: skip


def survey_state(token: str) -> SurveyState:
    """Whether the visit's survey is open, and whether it was answered."""
    visit = _visit(token)
    if visit is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    from .office_rules import catalogue

    office = catalogue().by_id[visit.office_id]
    answered = bool(visit.answered)
    form, retired = office_form(visit.office_id)
    return SurveyState(
        token=visit.token, number=visit.number, office_th=office.name_th, office_en=office.name_en,
        open=visit.status == Status.DONE.value and not answered, answered=answered,
        form=form, questions=forms.asked_items(form, retired),
    )  # fmt: skip


def office_form(office_id: int) -> tuple[forms.SurveyForm, frozenset[str]]:
    """The form an office asks and the items of it the office retired."""
    connection = reading()
    chosen = connection.execute(select(_forms.c.form).where(_forms.c.office_id == office_id)).scalar()
    retired = connection.execute(select(_retired.c.question_id).where(_retired.c.office_id == office_id)).scalars()
    return forms.form_of(chosen), frozenset(retired)


def asked_questions(token: str) -> dict[str, rules.Question]:
    """The items the visit's office asks, by id (what a submission is checked against)."""
    visit = _visit(token)
    if visit is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    form, retired = office_form(visit.office_id)
    return {q.id: q for q in forms.asked_items(form, retired)}


def answer_survey(
    token: str, submission: rules.SurveySubmission, *, now: datetime, improve: str | None = None,
    feedback_channel: str | None = None,
) -> SurveyState:
    """Store the one response of a finished visit against the form its office asks now (its
    items only; example 2's items 28 and 29 when that form asks them); a second one, or one
    before the visit is done, is ``invalid_state``."""
    visit = _visit(token)
    if visit is None:
        raise NotFound(N_("No booking has this code. Check the link or the QR code on your ticket."))
    if visit.answered:
        raise InvalidState(N_("This visit's survey has already been answered. Thank you!"))
    if visit.status != Status.DONE.value:
        raise InvalidState(N_("The survey opens once your visit is finished."))
    staff_id = _clerk_of(visit.id)
    form, retired = office_form(visit.office_id)
    asked = {q.id for q in forms.asked_items(form, retired)}
    stray = sorted(set(submission.answers) - asked)
    if stray:
        raise InvalidField("answers", N_("There is no survey item %(item)s."), item=stray[0][:40])
    if not form.asks_improvement:
        improve = feedback_channel = None
    try:
        with writing() as connection:
            response_id = connection.execute(
                insert(_responses).returning(_responses.c.id),
                {
                    "booking_id": visit.id, "office_id": visit.office_id, "service_id": visit.service_id,
                    "counter_id": visit.counter_id, "staff_id": staff_id, "channel": visit.channel,
                    "day": visit.day, "submitted_at": now, "sex": submission.sex,
                    "age_band": submission.age_band, "education": submission.education,
                    "occupation": submission.occupation, "suggestion": submission.suggestion,
                    "needs_follow_up": submission.needs_follow_up or bool(improve),
                    "form": form.code, "improve": improve, "feedback_channel": feedback_channel,
                },
            ).scalar_one()  # fmt: skip
            connection.execute(
                insert(_answers),
                [
                    {"response_id": response_id, "question_id": qid,
                     "question_group": forms.ALL_ITEMS[qid].group, "rating": rating}
                    for qid, rating in submission.answers.items()
                ],
            )  # fmt: skip
    except IntegrityError:
        # Two submissions at once: the unique booking_id let only the first in.
        raise InvalidState(N_("This visit's survey has already been answered. Thank you!")) from None
    return survey_state(token)


def _clerk_of(booking_id: int) -> int | None:
    """The staff member who served the visit: the last staff actor in its history."""
    e = _events.c
    actors = reading().execute(
        select(e.actor).where(e.booking_id == booking_id, e.actor.like("staff:%")).order_by(e.id.desc())
    ).scalars()
    for actor in actors:
        name = actor.split(":", 1)[1]
        found = reading().execute(select(_staff.c.id).where(_staff.c.username == name)).scalar()
        if found is not None:
            return found
    return None


def satisfaction(office_code: str, first: date, last: date) -> rules.Satisfaction:
    """The report's satisfaction figures for an office between two days (inclusive)."""
    office = office_rules(office_code, field="office")
    r, a = _responses.c, _answers.c
    in_range = (r.office_id == office.id, r.day >= first, r.day <= last)
    responses = reading().execute(select(func.count()).select_from(_responses).where(*in_range)).scalar_one()
    counts = reading().execute(
        select(a.question_group, a.rating, func.count())
        .select_from(_answers.join(_responses, a.response_id == r.id))
        .where(*in_range)
        .group_by(a.question_group, a.rating)
    ).all()
    return rules.satisfaction(responses, [(g, rating, n) for g, rating, n in counts])
