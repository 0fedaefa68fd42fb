"""The Citizen Feedback survey of a visit, by the booking's token (one response per visit)."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from app.domain import survey as rules
from app.services import survey as survey_service

from ..context import booking_rate, json_body, lookup_rate, now, refuse_staff_session
from . import api


@api.get("/bookings/<token>/survey")
@lookup_rate
def get_survey(token: str):
    state = survey_service.survey_state(token)
    questions = [{"id": q.id, "group": q.group, "text": gettext(q.text)} for q in rules.QUESTIONS]
    response = jsonify({"open": state.open, "questions": questions, "answered": state.answered})
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/bookings/<token>/survey")
@booking_rate
def answer_survey(token: str):
    refuse_staff_session()
    body = json_body()
    submission = rules.read_submission(body.get("answers"), body.get("suggestion"), body.get("respondent"))
    state = survey_service.answer_survey(token, submission, now=now())
    return jsonify({"open": state.open, "answered": state.answered}), 201
