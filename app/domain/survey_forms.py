"""The survey forms an office can use: seed 004's two examples (the quality-management guide,
category 3). An office head chooses one; every item keeps its id and meaning for ever, so an
answer stored against an item id always means what it meant when it was given, and figures
of either form stay comparable: both rate items in the same five groups (process, staff,
facilities, service quality, confidence).

- **Example 1** (17 rated items): the form Khiw has asked since the start (``process_1`` …).
- **Example 2** (30 items): 27 rated items (``ex2_01`` … ``ex2_27``), then item 28 "what
  should we improve most" (free text), item 29 "which channel suits you best to give us your
  views" (one choice) and item 30 "other suggestions" (the suggestion field).

An item is never deleted: a head may **retire** an item of the office's form (it is no longer
asked; its past answers stay in the reports).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .errors import N_, InvalidField
from .survey import QUESTIONS as EXAMPLE_1_ITEMS
from .survey import Question

EXAMPLE_1, EXAMPLE_2 = "example_1", "example_2"
DEFAULT_FORM = EXAMPLE_1

EXAMPLE_2_ITEMS: tuple[Question, ...] = (
    Question("ex2_01", "staff", N_("Staff were polite and courteous")),
    Question("ex2_02", "staff", N_("Staff were suitably dressed and presented")),
    Question("ex2_03", "staff", N_("Staff were attentive, eager and ready to serve")),
    Question("ex2_04", "staff", N_("Staff had the knowledge to serve, advise, solve problems and answer questions")),
    Question("ex2_05", "staff", N_("Staff served everyone without discrimination")),
    Question("ex2_06", "staff", N_("Staff were honest and took no bribe")),
    Question("ex2_07", "process", N_("The steps were simple, not complicated, and convenient")),
    Question("ex2_08", "process", N_("Explanations and advice were clear")),
    Question("ex2_09", "process", N_("Each step was quick")),
    Question("ex2_10", "process", N_("The time the service took was reasonable")),
    Question("ex2_11", "facilities", N_("The office is easy to travel to")),
    Question("ex2_12", "facilities", N_("Clean toilets, seats to wait and drinking water were provided")),
    Question("ex2_13", "facilities", N_("The service area and equipment were tidy, clean and easy to use")),
    Question("ex2_14", "facilities", N_("There was enough equipment to serve")),
    Question("ex2_15", "facilities", N_("Signs to the service points and notices were clear")),
    Question("ex2_16", "facilities", N_("Leaflets and guides informed the visitors")),
    Question("ex2_17", "service_quality", N_("The service met my needs and was worth it")),
    Question("ex2_18", "service_quality", N_("The information was correct and useful")),
    Question("ex2_19", "service_quality", N_("The documents were correct")),
    Question("ex2_20", "confidence", N_("Staff were fair, impartial and straightforward")),
    Question("ex2_21", "confidence", N_("The time to finish the service was stated")),
    Question("ex2_22", "confidence", N_("Staff behaved properly")),
    Question("ex2_23", "confidence", N_("Staff had the knowledge and skill the work needs")),
    Question("ex2_24", "confidence", N_("The office is transparent: no corruption, no money asked, no bribe")),
    Question("ex2_25", "confidence", N_("Staff took responsibility for their work")),
    Question("ex2_26", "confidence", N_("Complaints about staff conduct were explained or put right")),
    Question("ex2_27", "confidence", N_("The office's information was easy to reach")),
)

#: Example 2's item 28 (free text) and item 29 (one choice); item 30 is the suggestion.
IMPROVE_MAX = 500
IMPROVE_LABEL = N_("What do you most want us to improve in the matter you came for?")
FEEDBACK_CHANNEL_LABEL = N_("Which channel suits you best to give us your views?")
FEEDBACK_CHANNELS: dict[str, str] = {
    "mall_booth": N_("A booth in a shopping centre"),
    "mobile_office": N_("The mobile district office in my area"),
    "questionnaire": N_("A questionnaire at the office"),
    "website": N_("The website"),
    "call_center": N_("The call centre"),
    "team_visit": N_("A team visiting my group"),
}


@dataclass(frozen=True)
class SurveyForm:
    code: str
    label: str  # English source, translated where shown
    items: tuple[Question, ...]
    asks_improvement: bool = False  # example 2's items 28 and 29

    @property
    def size(self) -> int:
        """How many items the seed's form numbers (example 2: 27 rated + 28, 29, 30)."""
        return len(self.items) + (3 if self.asks_improvement else 0)


FORMS: dict[str, SurveyForm] = {
    EXAMPLE_1: SurveyForm(EXAMPLE_1, N_("Example 1: 17 items in five groups"), EXAMPLE_1_ITEMS),
    EXAMPLE_2: SurveyForm(EXAMPLE_2, N_("Example 2: 30 items (27 rated, 3 open)"), EXAMPLE_2_ITEMS, True),
}

#: Every item of every form, by id (an answer's id is found here whatever the office asks now).
ALL_ITEMS: dict[str, Question] = {q.id: q for form in FORMS.values() for q in form.items}
#: The order items are reported in: example 1's, then example 2's.
ITEM_ORDER: dict[str, int] = {q: n for n, q in enumerate(ALL_ITEMS)}


def form_of(code: str | None) -> SurveyForm:
    """The form an office uses (example 1 when it never chose, or chose a form Khiw lacks)."""
    return FORMS.get(code or DEFAULT_FORM, FORMS[DEFAULT_FORM])


def asked_items(form: SurveyForm, retired: Collection[str]) -> tuple[Question, ...]:
    """The items a citizen is asked: the form's, less those the office retired."""
    return tuple(q for q in form.items if q.id not in retired)


def read_form_choice(raw: object) -> SurveyForm:
    if not isinstance(raw, str) or raw not in FORMS:
        raise InvalidField("form", N_("Choose example 1 or example 2."))
    return FORMS[raw]


def read_item_to_retire(raw: object, form: SurveyForm, retired: Iterable[str]) -> str:
    """An item of the office's form that is still asked; the last one asked cannot be retired."""
    ids = {q.id for q in form.items}
    if not isinstance(raw, str) or raw not in ids:
        raise InvalidField("item", N_("There is no survey item %(item)s."), item=str(raw)[:40])
    left = ids - set(retired) - {raw}
    if not left:
        raise InvalidField("item", N_("The form needs at least one item; this is the last one asked."))
    return raw


def read_improvement(improve: object, feedback_channel: object) -> tuple[str | None, str | None]:
    """Example 2's items 28 (free text, optional) and 29 (one choice, optional)."""
    from .text import showable, tidy

    text = None
    if improve not in (None, ""):
        if not isinstance(improve, str) or not showable(improve):
            raise InvalidField("improve", N_("Remove the control or invisible characters from this field."))
        text = tidy(improve) or None
        if text and len(text) > IMPROVE_MAX:
            raise InvalidField("improve", N_("Please keep the suggestion under %(max)s characters."), max=IMPROVE_MAX)
    channel = None
    if feedback_channel not in (None, ""):
        if not isinstance(feedback_channel, str) or feedback_channel not in FEEDBACK_CHANNELS:
            raise InvalidField("feedback_channel", N_("Choose one of the options given."))
        channel = feedback_channel
    return text, channel
