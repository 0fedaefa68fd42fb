"""What Khiw tells a citizen about a booking or a request, in the language they used.

The outbox keeps the plain facts of each message (``Facts``, as JSON) and composes them
when it sends, so a message that waits for a retry still reads the same. Every text is an
English source string in the Babel catalogue (``notifier.i18n``; Thai in
``app/translations/th/LC_MESSAGES/messages.po``). The short form (SMS) has wordings from the
richest to the shortest, and the first that fits one segment is sent (Thai: 70 UCS-2
characters). Thai operators block unregistered links in SMS (NBTC, 2025): unless
``links_allowed``, a short message carries no link and names a way that works without one
(the ticket's QR code for a walk-in, "find my booking" with the number otherwise).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, time

from .complaints import ComplaintFacts, compose_complaint
from .content import Content
from .dates import thai_date
from .i18n import translator
from .kinds import REQUEST_KINDS, Kind
from .staff_alerts import sign_in_failures

__all__ = ["Content", "Facts", "Kind", "compose", "hhmm"]


@dataclass(frozen=True)
class Facts:
    """Everything a message may say, as plain values (kept as JSON in the outbox)."""

    kind: str
    locale: str
    number: str
    office_th: str
    office_en: str
    service_th: str
    service_en: str
    day: str  # ISO date
    slot_start: str | None = None  # HH:MM
    slot_end: str | None = None
    counter_th: str | None = None
    counter_en: str | None = None
    people_ahead: int | None = None
    estimated_at: str | None = None  # HH:MM, Bangkok
    status_url: str | None = None
    survey_url: str | None = None
    find_url: str | None = None  # "find my booking" (/find), for an SMS that may not carry a link
    line_url: str | None = None  # "Follow on LINE" (oaMessage link with the one-time code), when LINE is set up
    booking_channel: str | None = None  # walk_in, web, mobile: a walk-in has the ticket's QR
    code: str | None = None  # a hold's code (kind "code")
    valid_until: str | None = None  # HH:MM, Bangkok: when the hold ends
    # Request tracking (``number`` is then the request's reference, ``day`` its filing date).
    reason: str | None = None  # a delay notice's reason, or a finished request's note
    due_on: str | None = None  # ISO date
    references: str | None = None  # the head's reminder: the requests whose notice is due
    reason_th: str | None = None  # why the office is closed (office_closed)
    reason_en: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Facts:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def _pick(self, thai: str | None, english: str | None) -> str:
        return (english if self.locale == "en" else thai) or ""

    @property
    def office(self) -> str:
        return self._pick(self.office_th, self.office_en)

    @property
    def service(self) -> str:
        return self._pick(self.service_th, self.service_en)

    @property
    def counter(self) -> str:
        return self._pick(self.counter_th, self.counter_en)

    @property
    def closed_reason(self) -> str:
        return self._pick(self.reason_th, self.reason_en)

    @property
    def date(self) -> date:
        return date.fromisoformat(self.day)

    def window(self) -> str:
        if self.slot_start and self.slot_end:
            return f"{self.slot_start}–{self.slot_end}"
        return self.slot_start or ""


def compose(facts: Facts | ComplaintFacts, *, links_allowed: bool = True) -> Content:
    """What the message says in the citizen's language, in its long form (subject, paragraphs,
    link) and its short one (one-line wordings); a channel's renderer picks the form it sends.
    ``links_allowed``: may the short form end with a link (SMS: a registered sender only)."""
    if isinstance(facts, ComplaintFacts):
        return compose_complaint(facts, links_allowed=links_allowed)
    if Kind(facts.kind) is Kind.SIGN_IN_FAILURES:  # number = failures, references = the username
        return sign_in_failures(facts.kind, facts.references or "", facts.number, facts.day,
                                facts.estimated_at or "", facts.locale)  # fmt: skip
    more: tuple[tuple[str, str], ...] = ()
    if Kind(facts.kind) in REQUEST_KINDS:
        short, short_link = _request_sms(facts, links_allowed)
        subject, paragraphs, link = _request_email(facts)
    else:
        short, short_link = _sms(facts, links_allowed)
        subject, paragraphs, link = _email(facts)
        if Kind(facts.kind) is Kind.BOOKED and facts.line_url:
            # The long form only (e-mail): the same "Follow on LINE" link as the status page's.
            _ = translator(facts.locale)
            paragraphs.append(_("Get your turn and your queue updates in LINE: open the link, then send the code "
                                "LINE fills in (it works once)."))  # fmt: skip
            more = ((_("Follow on LINE"), facts.line_url),)
    return Content(facts.kind, facts.locale, subject, tuple(paragraphs), link, tuple(short), short_link or None, more)


# --- the short form (SMS) -----------------------------------------------------------------


def _where(url: str | None) -> str:
    """An address written out for a reader to type (no scheme: it is not a link)."""
    return (url or "").split("://", 1)[-1]


def _sms(f: Facts, links_allowed: bool) -> tuple[list[str], str]:
    _ = translator(f.locale)
    day_short = thai_date(f.date, "short", f.locale)
    when = " ".join(p for p in (day_short, f.slot_start or "") if p)
    link = f.status_url if links_allowed and f.status_url else ""
    find = _where(f.find_url)
    values = {"number": f.number, "when": when, "office": f.office, "day": day_short, "counter": f.counter,
              "find": find, "code": f.code or "", "until": f.valid_until or ""}  # fmt: skip
    kind = Kind(f.kind)
    if kind is Kind.BOOKED:
        if link or not find:
            variants = [_("Khiw: booked %(number)s, %(when)s, %(office)s. Bring your ID card.", **values),
                        _("Khiw: booked %(number)s, %(when)s", **values)]
        else:  # no link: say how to find the booking again
            variants = [_("Khiw: booked %(number)s, %(when)s. Find it again at %(find)s", **values),
                        _("Khiw: booked %(number)s %(when)s, see %(find)s", **values),
                        _("Khiw: booked %(number)s, %(when)s", **values)]
    elif kind is Kind.REMINDER:
        variants = [_("Khiw: tomorrow %(when)s, %(number)s at %(office)s. Bring your ID card.", **values),
                    _("Khiw: tomorrow %(when)s, %(number)s", **values)]
    elif kind is Kind.TURN_NEAR:
        ahead = f.people_ahead or 0
        if ahead == 0:
            variants = [_("Khiw: %(number)s is next. Please come near the counters at %(office)s.", **values),
                        _("Khiw: %(number)s is next. Please come near the counters.", **values)]
        else:
            variants = [_("Khiw: %(ahead)s ahead of %(number)s. Please come near the counters.", ahead=ahead,
                          **values),
                        _("Khiw: %(ahead)s ahead of %(number)s.", ahead=ahead, **values)]
        link = ""  # a turn alert is read in passing; the link is in the e-mail and the QR
    elif kind is Kind.CALLED:
        variants = [_("Khiw: your turn, %(number)s → %(counter)s, %(office)s", **values),
                    _("Khiw: your turn, %(number)s → %(counter)s", **values)]
        link = ""
    elif kind is Kind.NO_SHOW:
        variants = [_("Khiw: %(number)s was missed (not at the counter when called). Please ask the staff at "
                      "%(office)s.", **values),
                    _("Khiw: %(number)s was missed (not at the counter when called).", **values)]
    elif kind is Kind.CANCELLED:
        variants = [_("Khiw: %(number)s on %(day)s is cancelled. %(office)s", **values),
                    _("Khiw: %(number)s on %(day)s is cancelled.", **values)]
    elif kind is Kind.CODE:
        link = ""  # a code message carries nothing to click: it is typed back on the page
        variants = [_("Khiw: your booking code is %(code)s. Type it by %(until)s to keep your place. %(office)s",
                      **values),
                    _("Khiw: your booking code is %(code)s. Type it by %(until)s to keep your place.", **values),
                    _("Khiw code: %(code)s", **values)]
    elif kind is Kind.OFFICE_CLOSED:
        variants = [_("Khiw: %(office)s is closed on %(day)s; %(number)s is cancelled. Please book another day.",
                      **values),
                    _("Khiw: the office is closed on %(day)s; %(number)s is cancelled. Please book another day.",
                      **values),
                    _("Khiw: office closed %(day)s, %(number)s cancelled.", **values)]
    else:  # the survey invitation names the way that works for this citizen
        link = f.survey_url if links_allowed and f.survey_url else ""
        if link:
            variants = [_("Khiw: thank you. Please tell us how it went:")]
        elif f.booking_channel == "walk_in" or not find:
            variants = [_("Khiw: thank you. Please tell us how it went: scan the QR code on your ticket.")]
        else:
            variants = [_("Khiw: thank you. Rate our service at %(find)s with number %(number)s", **values),
                        _("Rate our service: %(find)s, number %(number)s", **values)]
    return variants, link


# --- the long form (e-mail) -----------------------------------------------------------------


def _email(f: Facts) -> tuple[str, list[str], tuple[str, str] | None]:
    """Subject, paragraphs and an optional (label, address) link."""
    _ = translator(f.locale)
    day = thai_date(f.date, "full", f.locale)
    window = f.window()
    values = {"number": f.number, "office": f.office, "service": f.service, "day": day, "window": window,
              "counter": f.counter, "code": f.code or "", "until": f.valid_until or ""}  # fmt: skip
    status = (_("See your booking"), f.status_url) if f.status_url else None
    details = [_("Number: %(number)s", **values), _("Office: %(office)s", **values),
               _("Service: %(service)s", **values), _("Date: %(day)s", **values)]  # fmt: skip
    if window:
        details.append(_("Time: %(window)s", **values))
    kind = Kind(f.kind)
    bring = _("Please bring your national ID card and the papers your service needs. "
              "On arrival, scan the QR code at the kiosk to join the queue.")  # fmt: skip
    if kind is Kind.CODE:
        subject = _("Your booking code: %(code)s", **values)
        body = _("Your booking code is %(code)s. Type it on the booking page by %(until)s, or the place goes back "
                 "to others. If you did not book, do nothing.", **values)  # fmt: skip
        return subject, [body, "\n".join(details[1:])], None
    if kind is Kind.BOOKED:
        subject = _("Your booking %(number)s — %(office)s", **values)
        return subject, [_("Your place is booked."), "\n".join(details), bring], status
    if kind is Kind.REMINDER:
        subject = _("Tomorrow: %(number)s — %(office)s", **values)
        return subject, [_("A reminder: your visit is tomorrow."), "\n".join(details), bring], status
    if kind is Kind.TURN_NEAR:
        ahead = f.people_ahead or 0
        subject = _("%(ahead)s ahead of %(number)s", ahead=ahead, **values)
        body = _("%(ahead)s people are ahead of you (%(number)s). Please come near the counters at %(office)s.",
                 ahead=ahead, **values)  # fmt: skip
        if f.estimated_at:
            body += " " + _("Expected around %(time)s.", time=f.estimated_at)
        return subject, [body], status
    if kind is Kind.CALLED:
        subject = _("Your turn: %(number)s → %(counter)s", **values)
        body = _("It is your turn (%(number)s): please go to %(counter)s, %(office)s.", **values)
        return subject, [body], None
    if kind is Kind.NO_SHOW:
        subject = _("%(number)s was missed", **values)
        body = _("Your number was missed: nobody answered the call, or the visit did not take place. "
                 "If you still need the service, please ask the staff or book again.")  # fmt: skip
        return subject, [body, "\n".join(details)], status
    if kind is Kind.CANCELLED:
        subject = _("%(number)s is cancelled", **values)
        return subject, [_("This booking is cancelled."), "\n".join(details)], status
    if kind is Kind.OFFICE_CLOSED:
        subject = _("%(office)s is closed on %(day)s: %(number)s is cancelled", **values)
        body = _("We are sorry: %(office)s is closed on the day you booked, so this booking is cancelled. "
                 "Please book another day.", **values)  # fmt: skip
        paragraphs = [body]
        if f.closed_reason:
            paragraphs.append(_("Reason: %(reason)s", reason=f.closed_reason))
        return subject, [*paragraphs, "\n".join(details)], status
    subject = _("Thank you for visiting %(office)s", **values)
    body = _("Please take two minutes to tell us how it went, so we can improve the service.")
    survey = (_("Answer the survey"), f.survey_url) if f.survey_url else None
    return subject, [body], survey


# --- request tracking (Section 10) ----------------------------------------------------


def _request_sms(f: Facts, links_allowed: bool) -> tuple[list[str], str]:
    _ = translator(f.locale)
    link = f.status_url if links_allowed and f.status_url else ""
    due = thai_date(date.fromisoformat(f.due_on), "short", f.locale) if f.due_on else ""
    values = {"reference": f.number, "office": f.office, "due": due, "reason": f.reason or "",
              "references": f.references or ""}  # fmt: skip
    kind = Kind(f.kind)
    if kind is Kind.DELAY_NOTICE:
        # The reason is the point of the notice: every wording carries it, whatever its length.
        variants = [_("Khiw: request %(reference)s is late (due %(due)s). Reason: %(reason)s", **values),
                    _("Request %(reference)s late: %(reason)s", **values)]
    elif kind is Kind.REQUEST_COMPLETED:
        variants = [_("Khiw: your request %(reference)s at %(office)s is completed.", **values),
                    _("Khiw: request %(reference)s completed.", **values)]
    elif kind is Kind.REQUEST_REJECTED:
        variants = [_("Khiw: your request %(reference)s was not approved. Please contact %(office)s.", **values),
                    _("Khiw: request %(reference)s was not approved.", **values)]
    else:  # the head's reminder goes by e-mail; a short message says the essentials
        variants = [_("Khiw: delay notices due for %(references)s", **values)]
        link = ""
    return variants, link


def _request_email(f: Facts) -> tuple[str, list[str], tuple[str, str] | None]:
    _ = translator(f.locale)
    kind = Kind(f.kind)
    status = (_("Follow your request"), f.status_url) if f.status_url else None
    filed = thai_date(f.date, "long", f.locale)
    due = thai_date(date.fromisoformat(f.due_on), "long", f.locale) if f.due_on else ""
    values = {"reference": f.number, "office": f.office, "service": f.service, "filed": filed, "due": due}
    details = [_("Request reference: %(reference)s", **values), _("Office: %(office)s", **values),
               _("Service: %(service)s", **values), _("Filed on: %(filed)s", **values)]  # fmt: skip
    if due:
        details.append(_("Due on: %(due)s", **values))
    if kind is Kind.DELAY_NOTICE:
        subject = _("Your request %(reference)s is delayed", **values)
        intro = _("Under Section 10 of the Licensing Facilitation Act B.E. 2558 (2015), we must tell you that your "
                  "request was not finished within the time the citizen's manual states. We will write again every "
                  "7 days until it is done.")  # fmt: skip
        reason = _("Reason for the delay: %(reason)s", reason=f.reason or "")
        return subject, [intro, reason, "\n".join(details)], status
    if kind is Kind.REQUEST_COMPLETED:
        subject = _("Your request %(reference)s is completed", **values)
        parts = [_("The office has finished your request."), "\n".join(details)]
        if f.reason:
            parts.insert(1, _("Note: %(note)s", note=f.reason))
        return subject, parts, status
    if kind is Kind.REQUEST_REJECTED:
        subject = _("Your request %(reference)s was not approved", **values)
        body = _("The office has decided on your request and could not approve it. Please contact the office "
                 "with any question.")  # fmt: skip
        parts = [body, "\n".join(details)]
        if f.reason:
            parts.insert(1, _("Reason: %(reason)s", reason=f.reason))
        return subject, parts, status
    subject = _("Delay notices are due — %(office)s", **values)
    body = _("These requests are past their due date and a delay notice to the applicant is due (Section 10: "
             "every 7 days until done). Please write the reason and send the notice in Khiw.")  # fmt: skip
    return subject, [body, f.references or ""], None


def hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
