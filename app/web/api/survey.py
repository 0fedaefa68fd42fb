"""The Citizen Feedback survey of a visit, by the booking's token (one response per visit)."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from app.domain import survey as rules
from app.domain import survey_forms as forms
from app.services import survey as survey_service

from ..context import booking_rate, json_body, lookup_rate, now, refuse_staff_session
from . import api


@api.get("/bookings/<token>/survey")
@lookup_rate
def get_survey(token: str):
    state = survey_service.survey_state(token)
    questions = [{"id": q.id, "group": q.group, "text": gettext(q.text)} for q in state.questions]
    body = {"open": state.open, "questions": questions, "answered": state.answered, "form": state.form.code}
    if state.form.asks_improvement:  # example 2's items 28 (free text) and 29 (one choice)
        body["improve"] = {"text": gettext(forms.IMPROVE_LABEL), "max_length": forms.IMPROVE_MAX}
        body["feedback_channel"] = {"text": gettext(forms.FEEDBACK_CHANNEL_LABEL), "options": [
            {"id": key, "text": gettext(label)} for key, label in forms.FEEDBACK_CHANNELS.items()]}  # fmt: skip
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/bookings/<token>/survey")
@booking_rate
def answer_survey(token: str):
    refuse_staff_session()
    body = json_body()
    asked = survey_service.asked_questions(token)
    submission = rules.read_submission(body.get("answers"), body.get("suggestion"), body.get("respondent"), asked)
    improve, channel = forms.read_improvement(body.get("improve"), body.get("feedback_channel"))
    state = survey_service.answer_survey(token, submission, now=now(), improve=improve, feedback_channel=channel)
    return jsonify({"open": state.open, "answered": state.answered}), 201
