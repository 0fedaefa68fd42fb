"""What Khiw tells a complainant (the complaint is received; staff replied) and the office
head (the daily summary of service-level breaches), in Thai or English.

Same shape as ``messages``: the outbox keeps the plain facts (``ComplaintFacts``, JSON) and
they are rendered when sent. The reply itself goes in the e-mail; an SMS says a reply is there
and, when links are allowed, where to read it (the tracking page).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date

from .content import Content
from .dates import thai_date_time
from .i18n import translator
from .kinds import COMPLAINT_FEEDBACK, COMPLAINT_KINDS, COMPLAINT_RECEIVED, COMPLAINT_REPLY, COMPLAINT_SUMMARY

__all__ = ["COMPLAINT_FEEDBACK", "COMPLAINT_KINDS", "COMPLAINT_RECEIVED", "COMPLAINT_REPLY", "COMPLAINT_SUMMARY",
           "ComplaintFacts", "compose_complaint"]

@dataclass(frozen=True)
class ComplaintFacts:
    kind: str
    locale: str
    office_th: str
    office_en: str
    reference: str = ""
    topic_th: str = ""
    topic_en: str = ""
    status: str = ""
    #: The status's label (an English source text of the catalogue: the domain's STATUS_LABELS).
    status_label: str = ""
    reply: str = ""
    due: str = ""  # "YYYY-MM-DD HH:MM", Bangkok
    day: str = ""  # the summary's day, YYYY-MM-DD
    #: The summary's breaches: reference, topic_th, topic_en, priority, priority_label (the
    #: domain's label, a catalogue source text), due, hours_late, assignee.
    breaches: list = field(default_factory=list)
    open_count: int = 0
    status_url: str | None = None  # the tracking page, added when sending
    list_url: str | None = None  # the staff list, added when sending
    find_url: str | None = None  # "find my complaint" (/c/find), added when sending

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ComplaintFacts:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def th(self) -> bool:
        return self.locale != "en"

    @property
    def office(self) -> str:
        return self.office_th if self.th else self.office_en

    @property
    def topic(self) -> str:
        return self.topic_th if self.th else self.topic_en

    def when(self, stamp: str) -> str:
        """``2026-12-14 10:00`` as the reader writes it: 14 ธันวาคม พ.ศ. 2569 เวลา 10:00 น."""
        if len(stamp) < 16:
            return stamp
        return thai_date_time(date.fromisoformat(stamp[:10]), stamp[11:16], self.locale)


def compose_complaint(facts: ComplaintFacts, *, links_allowed: bool = True) -> Content:
    short, short_link = _sms(facts, links_allowed)
    subject, paragraphs, link = _email(facts)
    return Content(facts.kind, facts.locale, subject, tuple(paragraphs), link, tuple(short), short_link or None)


def _where(url: str | None) -> str:
    return (url or "").split("://", 1)[-1]


def _sms(f: ComplaintFacts, links_allowed: bool) -> tuple[list[str], str]:
    _ = translator(f.locale)
    link = f.status_url if links_allowed and f.status_url else ""
    values = {"reference": f.reference, "office": f.office, "reply": f.reply, "find": _where(f.find_url),
              "status": _(f.status_label) if f.status_label else f.status}  # fmt: skip
    if f.kind == COMPLAINT_RECEIVED:
        if link or not f.find_url:
            variants = [_("Khiw: %(office)s received your complaint %(reference)s.", **values),
                        _("Khiw: complaint %(reference)s received.", **values)]
        else:  # no link: name the page that finds it again by its reference
            variants = [_("Khiw: complaint %(reference)s received. Follow it at %(find)s", **values),
                        _("Complaint %(reference)s received, see %(find)s", **values),
                        _("Khiw: complaint %(reference)s received.", **values)]
    elif f.kind == COMPLAINT_FEEDBACK:
        variants = [_("Khiw: complaint %(reference)s is resolved. Were you satisfied with how it was handled? "
                      "Answer on its tracking page.", **values),
                    _("Complaint %(reference)s resolved. Satisfied? Answer on the tracking page.", **values)]
    elif link or not f.find_url:
        variants = [_("Khiw, complaint %(reference)s: %(reply)s", **values),
                    _("Khiw: complaint %(reference)s has a reply (%(status)s).", **values)]
    else:
        variants = [_("Khiw, complaint %(reference)s: %(reply)s", **values),
                    _("Khiw: complaint %(reference)s has a reply (%(status)s). Read it at %(find)s", **values),
                    _("Complaint %(reference)s has a reply, see %(find)s", **values),
                    _("Khiw: complaint %(reference)s has a reply.", **values)]
    return variants, link


def _email(f: ComplaintFacts) -> tuple[str, list[str], tuple[str, str] | None]:
    _ = translator(f.locale)
    track = (_("Follow your complaint"), f.status_url) if f.status_url else None
    values = {"reference": f.reference, "office": f.office, "topic": f.topic, "due": f.when(f.due),
              "status": _(f.status_label) if f.status_label else f.status}  # fmt: skip
    details = "\n".join([_("Reference: %(reference)s", **values), _("Office: %(office)s", **values),
                         _("Topic: %(topic)s", **values), _("Status: %(status)s", **values)])  # fmt: skip
    if f.kind == COMPLAINT_RECEIVED:
        subject = _("Complaint %(reference)s received — %(office)s", **values)
        body = _("The office received your complaint and will answer by %(due)s.", **values)
        return subject, [body, details], track
    if f.kind == COMPLAINT_FEEDBACK:
        subject = _("Were you satisfied with how complaint %(reference)s was handled? — %(office)s", **values)
        ask = _("Your complaint is resolved. The office asks one question: were you satisfied with how it was "
                "handled? (Answer on its tracking page; a comment is welcome.)")
        answer = (_("Answer the question"), f.status_url) if f.status_url else None
        return subject, [ask, details], answer
    if f.kind == COMPLAINT_REPLY:
        subject = _("A reply to your complaint %(reference)s — %(office)s", **values)
        return subject, [_("The office replied to your complaint:"), f.reply, details], track
    # The head's daily summary.
    count = len(f.breaches)
    subject = _("%(count)s complaints past their service level — %(office)s", count=count, office=f.office)
    intro = _("Summary for %(day)s: %(open)s complaints open, %(count)s past their service level (SLA).",
              day=f.day, open=f.open_count, count=count)  # fmt: skip
    lines = []
    for b in f.breaches:
        label = b.get("priority_label")
        lines.append(_("%(reference)s · %(topic)s · %(priority)s · due %(due)s · %(hours)s h late · %(assignee)s",
                       reference=b.get("reference"), topic=b.get("topic_th") if f.th else b.get("topic_en"),
                       priority=_(label) if label else b.get("priority", ""), due=f.when(b.get("due", "")),
                       hours=b.get("hours_late", 0), assignee=b.get("assignee") or _("no one assigned")))  # fmt: skip
    listing = (_("Open the complaints list"), f.list_url) if f.list_url else None
    return subject, [intro, "\n".join(lines) or "-"], listing
