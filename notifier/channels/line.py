"""LINE: the messenger most Thai adults read; a booking's messages go here first once its
citizen follows it on LINE (the booking's ``line_user_id``, set by the webhook when the citizen
sends the link code: ``app/services/line.py``). Preferred for every kind (read at once, carries
links); a user who blocked the account is a permanent failure, so the message falls back to
SMS, then e-mail. Backends: ``console``, ``null``, ``line`` (the Messaging API, ``LINE_BACKEND``).

Every kind of booking message (booked, reminder, turn near, called, no-show, cancelled,
survey, office closed) becomes one Flex bubble: what happened, the number in large type,
the counter when there is one, the office and day, and a button to the status page (or the
survey). Its ``altText`` (what the chat list and the notification show) says the essentials
in one line. LINE carries links freely (no NBTC registration, unlike SMS).

The texts are English source strings with their Thai in the Babel catalogue
(``app/translations``), read through ``notifier.i18n`` (no Flask).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..backends.base import Backend, DeliveryFailed, Outgoing, Sent
from ..backends.line import LINE, mask_user_id
from ..channel import BackendContext, Channel, RenderOptions, pattern
from ..content import Rendered
from ..dates import thai_date
from ..i18n import N_, translator
from ..kinds import Kind
from ..messages import Facts, compose


def translate(locale: str, text: str, **values) -> str:
    """``text`` in ``locale`` (Thai unless "en"), with ``%(name)s`` placeholders filled."""
    return translator(locale)(text, **values)


#: Per kind: (what happened, a sentence under it). ``%(...)s`` come from the facts.
TEXTS: dict[Kind, tuple[str, str]] = {
    Kind.BOOKED: (
        N_("Booked"),
        N_("Your place is booked. Bring your ID card; scan your QR code at the kiosk on arrival."),
    ),
    Kind.REMINDER: (N_("Your visit is tomorrow"), N_("Bring your ID card; scan your QR code at the kiosk on arrival.")),
    Kind.TURN_NEAR: (N_("Your turn is near"), N_("%(ahead)s people ahead of you. Please come near the counters.")),
    Kind.CALLED: (N_("It is your turn"), N_("Please go to the counter now.")),
    Kind.NO_SHOW: (N_("Your number was missed"), N_("Nobody answered the call. Please ask the staff, or book again.")),
    Kind.CANCELLED: (N_("Booking cancelled"), N_("This booking is cancelled.")),
    Kind.SURVEY: (N_("Thank you for visiting"), N_("Please take two minutes to tell us how it went.")),
    Kind.OFFICE_CLOSED: (
        N_("The office is closed that day"),
        N_("This booking is cancelled. Please book another day."),
    ),
}
NEXT_IN_LINE = N_("You are next. Please come near the counters.")
STATUS_BUTTON = N_("See your booking")
SURVEY_BUTTON = N_("Answer the survey")
NUMBER_LABEL = N_("Your queue number")
#: The one-line preview (altText): what the chat list and the phone's notification show.
PREVIEW = N_("%(title)s: %(number)s")
PREVIEW_COUNTER = N_("%(title)s: %(number)s → %(counter)s")

# Answers to what a citizen sends the account (by reply, free of charge).
LINKED = N_("You will get your queue updates here. Your number is %(number)s at %(office)s, %(day)s.")
WRONG_CODE = N_(
    "Sorry, this code does not work: it may be mistyped, already used, or its booking is over. "
    "Please open your booking page and tap “Follow on LINE” again."
)
WELCOME = N_(
    "Welcome to Khiw. To get your queue updates here, tap “Follow on LINE” on your booking page "
    "and send the code it fills in."
)


def render(facts, options: RenderOptions) -> Rendered:
    """The LINE form of a message: for a booking, a Flex card (``data``) with its preview as
    ``subject`` and its plain text; anything else (never routed here: requests and complaints
    have no LINE user) as the long form's plain text."""
    if isinstance(facts, Facts) and Kind(facts.kind) in TEXTS:
        return render_line(facts)
    content = compose(facts, links_allowed=True)
    return Rendered(content.subject, content.plain())


def render_line(facts: Facts) -> Rendered:
    """A booking message as a Flex card: ``subject`` is the preview, ``text`` the plain text,
    ``data`` the Flex message the backend pushes."""
    locale = "en" if facts.locale == "en" else "th"
    kind = Kind(facts.kind)
    title_text, sentence = TEXTS.get(kind, (N_("Booked"), ""))
    title = translate(locale, title_text)
    if kind is Kind.TURN_NEAR and not facts.people_ahead:
        sentence_text = translate(locale, NEXT_IN_LINE)
    else:
        sentence_text = translate(locale, sentence, ahead=facts.people_ahead or 0) if sentence else ""
    counter = facts.counter if kind is Kind.CALLED else ""
    number = facts.number or "—"
    preview = (
        translate(locale, PREVIEW_COUNTER, title=title, number=number, counter=counter)
        if counter
        else translate(locale, PREVIEW, title=title, number=number)
    )
    when = " ".join(p for p in (thai_date(facts.date, "short", locale), facts.window()) if p)
    if kind is Kind.OFFICE_CLOSED and facts.closed_reason:
        sentence_text = f"{sentence_text} ({facts.closed_reason})"
    link = None
    if kind is Kind.SURVEY and facts.survey_url:
        link = (translate(locale, SURVEY_BUTTON), facts.survey_url)
    elif facts.status_url:
        link = (translate(locale, STATUS_BUTTON), facts.status_url)
    plain = "\n".join(p for p in (preview, sentence_text, f"{facts.office} · {when}", link[1] if link else "") if p)
    flex = _bubble(preview, title, translate(locale, NUMBER_LABEL), number, counter, f"{facts.office}\n{when}",
                   sentence_text, link, locale)  # fmt: skip
    return Rendered(preview, plain, data=flex)


def _bubble(preview, title, label, number, counter, where, sentence, link, locale) -> dict:
    body = [
        {"type": "text", "text": title, "weight": "bold", "size": "lg", "color": "#1d4ed8", "wrap": True},
        {"type": "text", "text": label, "size": "sm", "color": "#555555", "margin": "md"},
        {"type": "text", "text": number, "size": "5xl", "weight": "bold", "align": "center", "color": "#111111"},
    ]
    if counter:
        body.append({"type": "text", "text": counter, "size": "xxl", "weight": "bold", "align": "center",
                     "wrap": True, "color": "#b91c1c"})  # fmt: skip
    if sentence:
        body.append({"type": "text", "text": sentence, "wrap": True, "margin": "lg", "size": "md"})
    body.append({"type": "text", "text": where, "wrap": True, "margin": "md", "size": "sm", "color": "#555555"})
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if link:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "button", "style": "primary", "height": "sm",
                          "action": {"type": "uri", "label": link[0][:40], "uri": link[1]}}],
        }  # fmt: skip
    return {"type": "flex", "altText": preview[:400], "contents": bubble}


def text_message(text: str) -> dict:
    return {"type": "text", "text": text[:5000]}


def linked_reply(locale: str, *, number: str, office: str, day: str, status_url: str) -> list[dict]:
    """The answer to a good link code: the number, office and day, and the status link."""
    when = thai_date(date.fromisoformat(day), "long", locale)
    text = translate(locale, LINKED, number=number, office=office, day=when)
    return [text_message(f"{text}\n{status_url}")]


def wrong_code_reply() -> list[dict]:
    """A code that does not work: said politely, in Thai then English (whose is unknown)."""
    return [text_message(f"{translate('th', WRONG_CODE)}\n\n{translate('en', WRONG_CODE)}")]


def welcome_reply() -> list[dict]:
    return [text_message(f"{translate('th', WELCOME)}\n\n{translate('en', WELCOME)}")]


# --- the channel ---------------------------------------------------------------------------


class _NotSetUp:
    """LINE_BACKEND=line without the LINE settings (LINE turned off later): every message to a
    LINE user falls back to SMS, then e-mail, at once."""

    name = "line"
    channel = LINE

    def send(self, message: Outgoing) -> Sent:
        raise DeliveryFailed("LINE is not set up", permanent=True, code="line_not_set_up")


def messaging_api(config: Mapping, channel: Channel, context: BackendContext) -> Backend:
    from ..backends.line import LINE_API, LineBackend

    if not (config.get("LINE_ENABLED") and config.get("LINE_CHANNEL_ACCESS_TOKEN")):
        return _NotSetUp()
    return LineBackend(access_token=config["LINE_CHANNEL_ACCESS_TOKEN"], api_url=config.get("LINE_API_URL") or LINE_API)


CHANNEL = Channel(
    name=LINE,
    preference=10,
    rich=True,
    address_field="line_user_id",
    setting="LINE_BACKEND",
    backends={"line": messaging_api},
    render=render,
    valid_address=pattern(r"U[0-9a-f]{32}"),
    mask_address=mask_user_id,
)
