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
from .dates import thai_date
from .kinds import COMPLAINT_KINDS, COMPLAINT_RECEIVED, COMPLAINT_REPLY, COMPLAINT_SUMMARY

__all__ = ["COMPLAINT_KINDS", "COMPLAINT_RECEIVED", "COMPLAINT_REPLY", "COMPLAINT_SUMMARY", "ComplaintFacts",
           "compose_complaint"]

_STATUS = {
    "received": ("รับเรื่องแล้ว", "Received"),
    "assigned": ("มอบหมายผู้รับผิดชอบแล้ว", "Assigned"),
    "in_progress": ("กำลังดำเนินการ", "In progress"),
    "resolved": ("แก้ไขแล้ว", "Resolved"),
    "closed": ("ปิดเรื่องแล้ว", "Closed"),
}
_PRIORITY = {"urgent": ("ด่วนที่สุด", "Urgent"), "high": ("ด่วน", "High"), "normal": ("ปกติ", "Normal")}


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
    reply: str = ""
    due: str = ""  # "YYYY-MM-DD HH:MM", Bangkok
    day: str = ""  # the summary's day, YYYY-MM-DD
    #: The summary's breaches: reference, topic_th, topic_en, priority, due, hours_late, assignee.
    breaches: list = field(default_factory=list)
    open_count: int = 0
    status_url: str | None = None  # the tracking page, added when sending
    list_url: str | None = None  # the staff list, added when sending

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ComplaintFacts:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def th(self) -> bool:
        return self.locale != "en"

    def pick(self, pair: tuple[str, str] | None, default: str = "") -> str:
        if not pair:
            return default
        return pair[0] if self.th else pair[1]

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
        day = thai_date(date.fromisoformat(stamp[:10]), "long", self.locale)
        return f"{day} เวลา {stamp[11:16]} น." if self.th else f"{day}, {stamp[11:16]}"


def compose_complaint(facts: ComplaintFacts, *, links_allowed: bool = True) -> Content:
    short, short_link = _sms(facts, links_allowed)
    subject, paragraphs, link = _email(facts)
    return Content(facts.kind, facts.locale, subject, tuple(paragraphs), link, tuple(short), short_link or None)


def _sms(f: ComplaintFacts, links_allowed: bool) -> tuple[list[str], str]:
    link = f.status_url if links_allowed and f.status_url else ""
    status = f.pick(_STATUS.get(f.status), f.status)
    if f.kind == COMPLAINT_RECEIVED:
        variants = (
            [f"{f.office} รับเรื่องร้องเรียน {f.reference} แล้ว", f"รับเรื่องร้องเรียน {f.reference} แล้ว"]
            if f.th
            else [
                f"Khiw: {f.office} received your complaint {f.reference}.",
                f"Khiw: complaint {f.reference} received.",
            ]
        )
    else:
        where = "" if link else (" ดูคำตอบในอีเมลหรือหน้าติดตามเรื่อง" if f.th else " See the e-mail or the tracking page.")
        variants = (
            [f"เรื่องร้องเรียน {f.reference}: {f.reply}", f"ตอบเรื่องร้องเรียน {f.reference} แล้ว ({status}){where}",
             f"ตอบเรื่องร้องเรียน {f.reference} แล้ว"]
            if f.th
            else [f"Khiw, complaint {f.reference}: {f.reply}",
                  f"Khiw: complaint {f.reference} has a reply ({status}).{where}"]
        )  # fmt: skip
    return variants, link


def _email(f: ComplaintFacts) -> tuple[str, list[str], tuple[str, str] | None]:
    track = (("ติดตามเรื่องร้องเรียน" if f.th else "Follow your complaint"), f.status_url) if f.status_url else None
    status = f.pick(_STATUS.get(f.status), f.status)
    details = "\n".join(
        [
            (f"เลขที่เรื่อง: {f.reference}" if f.th else f"Reference: {f.reference}"),
            (f"สำนักงาน: {f.office}" if f.th else f"Office: {f.office}"),
            (f"เรื่อง: {f.topic}" if f.th else f"Topic: {f.topic}"),
            (f"สถานะ: {status}" if f.th else f"Status: {status}"),
        ]
    )
    if f.kind == COMPLAINT_RECEIVED:
        subject = (
            f"รับเรื่องร้องเรียน {f.reference} แล้ว — {f.office}"
            if f.th
            else f"Complaint {f.reference} received — {f.office}"
        )
        body = (
            f"สำนักงานได้รับเรื่องร้องเรียนของท่านแล้ว และจะตอบภายในวันที่ {f.when(f.due)}"
            if f.th
            else f"The office received your complaint and will answer by {f.when(f.due)}."
        )
        return subject, [body, details], track
    if f.kind == COMPLAINT_REPLY:
        subject = (
            f"คำตอบเรื่องร้องเรียน {f.reference} — {f.office}"
            if f.th
            else f"A reply to your complaint {f.reference} — {f.office}"
        )
        intro = "เจ้าหน้าที่ตอบเรื่องร้องเรียนของท่านดังนี้" if f.th else "The office replied to your complaint:"
        return subject, [intro, f.reply, details], track
    # The head's daily summary.
    count = len(f.breaches)
    subject = (
        f"เรื่องร้องเรียนเกินกำหนด {count} เรื่อง — {f.office}"
        if f.th
        else f"{count} complaints past their service level — {f.office}"
    )
    intro = (
        f"สรุปประจำวันที่ {f.day}: เรื่องร้องเรียนที่ยังไม่ยุติ {f.open_count} เรื่อง เกินกำหนดตามมาตรฐาน (SLA) {count} เรื่อง"
        if f.th
        else f"Summary for {f.day}: {f.open_count} complaints open, {count} past their service level (SLA)."
    )
    lines = []
    for b in f.breaches:
        topic = b.get("topic_th") if f.th else b.get("topic_en")
        priority = f.pick(_PRIORITY.get(b.get("priority")), b.get("priority", ""))
        assignee = b.get("assignee") or ("ยังไม่มีผู้รับผิดชอบ" if f.th else "no one assigned")
        late = b.get("hours_late", 0)
        lines.append(
            f"{b.get('reference')} · {topic} · {priority} · "
            + (f"กำหนด {f.when(b.get('due', ''))} · เกิน {late} ชม. · {assignee}" if f.th
               else f"due {f.when(b.get('due', ''))} · {late} h late · {assignee}")
        )  # fmt: skip
    listing = (("เปิดรายการเรื่องร้องเรียน" if f.th else "Open the complaints list"), f.list_url) if f.list_url else None
    return subject, [intro, "\n".join(lines) or "-"], listing
