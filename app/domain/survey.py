"""The Citizen Feedback survey (seed 004, the quality-management guide's sample form).

Each item is rated very satisfied / satisfied / dissatisfied, in five groups: process,
staff, facilities, service quality, confidence. Respondent details (sex, age band,
education, occupation) and a suggestion are optional (PDPA: the survey is not needed for
the service, so nothing in it is required beyond one rating). A dissatisfied rating or a
suggestion is flagged for the office head to follow up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import N_, InvalidField
from .text import showable, tidy

RATINGS = ("very_satisfied", "satisfied", "dissatisfied")
RATING_LABELS = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "dissatisfied": N_("Dissatisfied"),
}
SATISFIED = frozenset({"very_satisfied", "satisfied"})

GROUPS = ("process", "staff", "facilities", "service_quality", "confidence")
GROUP_LABELS = {
    "process": N_("The service process"),
    "staff": N_("The staff"),
    "facilities": N_("Facilities"),
    "service_quality": N_("Quality of the service"),
    "confidence": N_("Confidence in the service"),
}


@dataclass(frozen=True)
class Question:
    id: str
    group: str
    text: str  # English source, translated where shown


QUESTIONS: tuple[Question, ...] = (
    Question("process_1", "process", N_("The service was convenient and easy to understand")),
    Question("process_2", "process", N_("The steps and the time each takes were clearly posted")),
    Question("process_3", "process", N_("Documents and forms were easy to read and fill in")),
    Question("staff_1", "staff", N_("Staff were on time")),
    Question("staff_2", "staff", N_("Staff gave advice and answered questions")),
    Question("staff_3", "staff", N_("Staff were courteous, polite and attentive")),
    Question("staff_4", "staff", N_("Staff worked honestly and straightforwardly")),
    Question("facilities_1", "facilities", N_("Clean drinking water and cups were provided")),
    Question("facilities_2", "facilities", N_("Toilets were clean and sufficient")),
    Question("facilities_3", "facilities", N_("There were seats to wait")),
    Question("facilities_4", "facilities", N_("Leaflets or newspapers were available to read")),
    Question("service_quality_1", "service_quality", N_("I was served at the stated time")),
    Question("service_quality_2", "service_quality", N_("Staff explained or solved my problem")),
    Question("confidence_1", "confidence", N_("Staff were fair and treated everyone alike")),
    Question("confidence_2", "confidence", N_("Staff were transparent, honest and asked for no bribe")),
    Question("confidence_3", "confidence", N_("The office's information was easy to reach")),
    Question("confidence_4", "confidence", N_("The office listens to opinions and suggestions")),
)
QUESTION_BY_ID = {q.id: q for q in QUESTIONS}

#: Respondent details: the field, then each allowed value with its label.
RESPONDENT_OPTIONS: dict[str, dict[str, str]] = {
    "sex": {"male": N_("Male"), "female": N_("Female")},
    "age_band": {"under_20": N_("Under 20"), "20_39": N_("20–39"), "40_50": N_("40–50"), "51_plus": N_("51 or over")},
    "education": {
        "below_bachelor": N_("Below a bachelor's degree"),
        "bachelor": N_("Bachelor's degree"),
        "above_bachelor": N_("Above a bachelor's degree"),
    },
    "occupation": {
        "company_employee": N_("Company employee"),
        "civil_servant": N_("Civil servant or state enterprise"),
        "student": N_("Student"),
        # Rural offices: most of their visitors farm, trade or work for a day's wage.
        "farmer": N_("Farmer"),
        "merchant": N_("Merchant or trader"),
        "labourer": N_("Labourer"),
        "other": N_("Other"),
    },
}
RESPONDENT_LABELS = {
    "sex": N_("Sex"),
    "age_band": N_("Age"),
    "education": N_("Education"),
    "occupation": N_("Occupation"),
}
SUGGESTION_MAX = 2000


@dataclass(frozen=True)
class SurveySubmission:
    answers: Mapping[str, str]  # question id → rating
    suggestion: str | None = None
    sex: str | None = None
    age_band: str | None = None
    education: str | None = None
    occupation: str | None = None

    @property
    def needs_follow_up(self) -> bool:
        """A dissatisfied rating or a suggestion: the office head should look at it."""
        return "dissatisfied" in self.answers.values() or bool(self.suggestion)


def read_submission(
    answers: object, suggestion: object = None, respondent: object = None, questions: Mapping | None = None
) -> SurveySubmission:
    """Check a survey as sent (API JSON or a page's form) against the items asked
    (``questions``, id → Question: the office's form; example 1's by default); raise
    InvalidField naming the field."""
    asked = QUESTION_BY_ID if questions is None else questions
    if not isinstance(answers, Mapping) or not answers:
        raise InvalidField("answers", N_("Rate at least one item."))
    checked = {}
    for question_id, rating in answers.items():
        if question_id not in asked:
            raise InvalidField("answers", N_("There is no survey item %(item)s."), item=str(question_id)[:40])
        if rating not in RATINGS:
            raise InvalidField(
                f"answers.{question_id}", N_("Rate each item very satisfied, satisfied or dissatisfied.")
            )
        checked[question_id] = rating
    if suggestion is not None and not isinstance(suggestion, str):
        raise InvalidField("suggestion", N_("The suggestion must be text."))
    if suggestion and not showable(suggestion):
        raise InvalidField("suggestion", N_("Remove the control or invisible characters from the suggestion."))
    text = tidy(suggestion or "") or None
    if text and len(text) > SUGGESTION_MAX:
        raise InvalidField("suggestion", N_("Please keep the suggestion under %(max)s characters."), max=SUGGESTION_MAX)
    if respondent is None:
        respondent = {}
    if not isinstance(respondent, Mapping):
        raise InvalidField("respondent", N_("respondent must be an object."))
    details = {}
    for name, value in respondent.items():
        if name not in RESPONDENT_OPTIONS:
            raise InvalidField(f"respondent.{name}", N_("The survey does not ask for %(name)s."), name=str(name)[:40])
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in RESPONDENT_OPTIONS[name]:  # {} or [] cannot be looked up
            raise InvalidField(f"respondent.{name}", N_("Choose one of the options given."))
        details[name] = value
    return SurveySubmission(answers=checked, suggestion=text, **details)


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    satisfied_pct: float | None
    groups: Mapping[str, float | None]


def satisfaction(responses: int, ratings: Iterable[tuple[str, str, int]]) -> Satisfaction:
    """The report's figures from (group, rating, count) rows: the share of answers that are
    "very satisfied" or "satisfied", overall and per group (None when nobody answered)."""
    totals: dict[str, list[int]] = {g: [0, 0] for g in GROUPS}
    for group, rating, count in ratings:
        if group in totals:
            totals[group][1] += count
            if rating in SATISFIED:
                totals[group][0] += count

    def pct(good: int, all_: int) -> float | None:
        return round(100 * good / all_, 1) if all_ else None

    good = sum(t[0] for t in totals.values())
    every = sum(t[1] for t in totals.values())
    return Satisfaction(responses, pct(good, every), {g: pct(*totals[g]) for g in GROUPS})
