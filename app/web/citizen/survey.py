"""The Citizen Feedback survey page of a visit (``/b/<token>/survey``): the invitation's link,
the status page and the ticket's QR lead here. One response per visit; Thai or English."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext

from app.domain import survey as rules
from app.domain import survey_forms as forms
from app.domain.errors import InvalidField, InvalidRequest
from app.services import survey as survey_service

from ..context import booking_rate, locale, lookup_rate, now, refuse_staff_session
from ..errors import translate
from . import citizen


def _page(state, *, status: int = 200, error: str | None = None, form=None):
    page = render_template(
        "citizen/survey.html",
        state=state,
        questions=state.questions,
        survey_form=state.form,
        feedback_channels=forms.FEEDBACK_CHANNELS,
        improve_label=forms.IMPROVE_LABEL,
        feedback_channel_label=forms.FEEDBACK_CHANNEL_LABEL,
        groups=rules.GROUPS,
        group_labels=rules.GROUP_LABELS,
        ratings=rules.RATINGS,
        rating_labels=rules.RATING_LABELS,
        respondent_options=rules.RESPONDENT_OPTIONS,
        respondent_labels=rules.RESPONDENT_LABELS,
        error=error,
        form=form or {},
        locale=locale(),
    )
    return page, status, {"Cache-Control": "no-store"}


@citizen.get("/b/<token>/survey")
@lookup_rate
def survey_form(token: str):
    state = survey_service.survey_state(token)
    if state.answered and request.args.get("sent") == "1":  # just sent (post/redirect/get)
        page = render_template("citizen/survey_done.html", state=state, locale=locale(),
                               message=gettext("Thank you! Your answers help the office improve."))  # fmt: skip
        return page, 200, {"Cache-Control": "no-store"}
    return _page(state)


@citizen.post("/b/<token>/survey")
@booking_rate
def survey_submit(token: str):
    refuse_staff_session()
    form = request.form
    asked = survey_service.asked_questions(token)
    answers = {q: form[f"q_{q}"] for q in asked if form.get(f"q_{q}")}
    respondent = {name: form.get(name) for name in rules.RESPONDENT_OPTIONS if form.get(name)}
    try:
        submission = rules.read_submission(answers, form.get("suggestion"), respondent, asked)
        improve, channel = forms.read_improvement(form.get("improve"), form.get("feedback_channel"))
    except (InvalidField, InvalidRequest) as error:
        return _page(survey_service.survey_state(token), status=400, error=translate(error), form=form)
    survey_service.answer_survey(token, submission, now=now(), improve=improve, feedback_channel=channel)
    # A redirect, so "back" or a refresh never asks to send the answers again.
    return redirect(url_for("citizen.survey_form", token=token, sent=1), code=303)
