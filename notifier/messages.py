"""What Khiw tells a citizen, in Thai or English, as an SMS or an e-mail.

The outbox keeps the plain facts of each message (``Facts``, as JSON) and renders them
when it sends, so a message that waits for a retry still reads the same. SMS in Thai are
written to fit one UCS-2 segment (70 characters): each SMS has wordings from the richest
to the shortest, and the first that fits is sent. Thai operators block unregistered links
in SMS (NBTC, 2025): unless ``links_allowed``, an SMS carries no link and points to the
e-mail or the QR code on the ticket instead. E-mails have a plain-text part and a simple
HTML part with no external images.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, fields
from datetime import date, time
from enum import StrEnum

from .backends.base import EMAIL, SMS
from .complaints import ComplaintFacts, render_complaint
from .dates import thai_date
from .sms import shortest_fit
from .staff_alerts import sign_in_failures, sign_in_failures_sms


class Kind(StrEnum):
    BOOKED = "booked"
    REMINDER = "reminder"
    TURN_NEAR = "turn_near"
    CALLED = "called"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    SURVEY = "survey"
    CODE = "code"  # the code that confirms a held booking (offices with verification "otp")
    OFFICE_CLOSED = "office_closed"  # the office closed on the booked day: the booking is cancelled
    # Section 10 request tracking (app/services/requests.py): to the applicant…
    REQUEST_COMPLETED = "request_completed"
    REQUEST_REJECTED = "request_rejected"
    DELAY_NOTICE = "delay_notice"
    # …and to the office's head: a delay notice falls due and none was sent.
    NOTICE_REMINDER = "notice_reminder"
    # To a staff member: wrong passwords were tried for their account (app/services/auth.py).
    SIGN_IN_FAILURES = "sign_in_failures"


#: Messages about a request (not a queue booking); rendered by ``_request_sms``/``_request_email``.
REQUEST_KINDS = frozenset({Kind.REQUEST_COMPLETED, Kind.REQUEST_REJECTED, Kind.DELAY_NOTICE, Kind.NOTICE_REMINDER})
#: Section 10 asks for a written notice: it goes by every channel the applicant gave.
EVERY_CHANNEL = frozenset({Kind.DELAY_NOTICE})


#: Messages about the queue moving right now: sent first, within seconds, and useless later.
URGENT = frozenset({Kind.TURN_NEAR, Kind.CALLED, Kind.CODE})
#: How long an SMS provider may hold an urgent message before dropping it.
URGENT_VALIDITY_SECONDS = 300


def channels_for(kind: Kind, *, phone: bool, email: bool) -> tuple[str, ...]:
    """Which channel carries a message: a turn alert or a code goes where it is read at once
    (SMS); everything else by e-mail when the person gave one (it can carry links), else SMS."""
    if kind in URGENT:
        return (SMS,) if phone else ((EMAIL,) if email else ())
    if kind in EVERY_CHANNEL:
        return tuple(c for c, given in ((SMS, phone), (EMAIL, email)) if given)
    return (EMAIL,) if email else ((SMS,) if phone else ())


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


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


def render(facts: Facts | ComplaintFacts, channel: str, *, links_allowed: bool = False) -> Rendered:
    """The message for ``channel`` in the citizen's language (complaints' messages are
    rendered by ``notifier.complaints``)."""
    if isinstance(facts, ComplaintFacts):
        return render_complaint(facts, channel, links_allowed=links_allowed)
    if Kind(facts.kind) is Kind.SIGN_IN_FAILURES:  # e-mail only: number = failures, references = username
        f = facts
        if channel == SMS:
            return Rendered("", sign_in_failures_sms(f.references or "", f.number, f.locale))
        subject, paragraphs = sign_in_failures(f.references or "", f.number, f.day, f.estimated_at or "")
        return Rendered(subject, _plain(paragraphs, None), _html(subject, paragraphs, None, "th"))
    if Kind(facts.kind) in REQUEST_KINDS:
        if channel == SMS:
            return Rendered("", _request_sms(facts, links_allowed))
        subject, paragraphs, link = _request_email(facts)
        return Rendered(subject, _plain(paragraphs, link), _html(subject, paragraphs, link, facts.locale))
    if channel == SMS:
        return Rendered("", _sms(facts, links_allowed))
    subject, paragraphs, link = _email(facts)
    return Rendered(subject, _plain(paragraphs, link), _html(subject, paragraphs, link, facts.locale))


# --- SMS ------------------------------------------------------------------------------


def _sms(f: Facts, links_allowed: bool) -> str:
    th = f.locale != "en"
    day_short = thai_date(f.date, "short", f.locale)
    when = " ".join(p for p in (day_short, f.slot_start or "") if p)
    link = f.status_url if links_allowed and f.status_url else ""
    kind = Kind(f.kind)
    if kind is Kind.BOOKED:
        variants = (
            [f"จองคิว {f.number} แล้ว {when} {f.office}", f"จองคิว {f.number} แล้ว {when}"]
            if th
            else [
                f"Khiw: booked {f.number}, {when}, {f.office}. Bring your ID card.",
                f"Khiw: booked {f.number}, {when}",
            ]
        )
    elif kind is Kind.REMINDER:
        variants = (
            [f"พรุ่งนี้ {when} คิว {f.number} {f.office}", f"พรุ่งนี้ {when} คิว {f.number}"]
            if th
            else [
                f"Khiw: tomorrow {when}, {f.number} at {f.office}. Bring your ID card.",
                f"Khiw: tomorrow {when}, {f.number}",
            ]
        )
    elif kind is Kind.TURN_NEAR:
        ahead = f.people_ahead or 0
        if ahead == 0:
            variants = (
                [f"คิวถัดไปคือ {f.number} กรุณารอใกล้ช่องบริการ {f.office}", f"คิวถัดไปคือ {f.number} กรุณารอใกล้ช่องบริการ"]
                if th
                else [f"Khiw: {f.number} is next. Please come near the counters."]
            )
        else:
            variants = (
                [f"อีก {ahead} คิวจะถึงคิว {f.number} กรุณารอใกล้ช่องบริการ", f"อีก {ahead} คิวถึงคิว {f.number}"]
                if th
                else [f"Khiw: {ahead} ahead of {f.number}. Please come near the counters."]
            )
        link = ""  # a turn alert is read in passing; the link is in the e-mail and the QR
    elif kind is Kind.CALLED:
        variants = (
            [f"ถึงคิว {f.number} แล้ว เชิญที่{f.counter} {f.office}", f"ถึงคิว {f.number} แล้ว เชิญที่{f.counter}"]
            if th
            else [f"Khiw: your turn, {f.number} → {f.counter}"]
        )
        link = ""
    elif kind is Kind.NO_SHOW:
        variants = (
            [f"คิว {f.number} ถูกข้ามเพราะไม่มาตามเรียก ติดต่อเจ้าหน้าที่ได้ที่{f.office}",
             f"คิว {f.number} ถูกข้ามเพราะไม่มาตามเรียก"]
            if th
            else [f"Khiw: {f.number} was missed (not at the counter when called). Please ask the staff."]
        )  # fmt: skip
    elif kind is Kind.CANCELLED:
        variants = (
            [f"ยกเลิกคิว {f.number} วันที่ {day_short} แล้ว {f.office}", f"ยกเลิกคิว {f.number} วันที่ {day_short} แล้ว"]
            if th
            else [f"Khiw: {f.number} on {day_short} is cancelled."]
        )
    elif kind is Kind.CODE:
        link = ""  # a code message carries nothing to click: it is typed back on the page
        variants = (
            [f"รหัสยืนยันการจองคิว {f.code} ใช้ได้ถึง {f.valid_until} น. {f.office}",
             f"รหัสยืนยันการจองคิว {f.code} ใช้ได้ถึง {f.valid_until} น.", f"รหัสยืนยันคิว {f.code}"]
            if th
            else [f"Khiw: your booking code is {f.code}. Type it by {f.valid_until} to keep your place.",
                  f"Khiw code: {f.code}"]
        )
    elif kind is Kind.OFFICE_CLOSED:
        variants = (
            [f"{f.office}ปิดทำการวันที่ {day_short} คิว {f.number} ถูกยกเลิก กรุณาจองวันอื่น",
             f"สำนักงานปิดวันที่ {day_short} คิว {f.number} ถูกยกเลิก กรุณาจองวันอื่น",
             f"สำนักงานปิด {day_short} ยกเลิกคิว {f.number} แล้ว"]
            if th
            else [f"Khiw: {f.office} is closed on {day_short}; {f.number} is cancelled. Please book another day.",
                  f"Khiw: the office is closed on {day_short}; {f.number} is cancelled. Please book another day."]
        )  # fmt: skip
    else:  # survey
        link = f.survey_url if links_allowed and f.survey_url else ""
        variants = (
            ["ขอบคุณที่ใช้บริการ โปรดประเมินความพึงพอใจ" if link else
             "ขอบคุณที่ใช้บริการ ประเมินความพึงพอใจได้ที่ QR บนบัตรคิว"]
            if th
            else ["Khiw: thank you. Please tell us how it went" + (":" if link else " (QR on your ticket).")]
        )  # fmt: skip
    text = shortest_fit(variants)
    return f"{text} {link}" if link else text


# --- e-mail ---------------------------------------------------------------------------


def _email(f: Facts) -> tuple[str, list[str], tuple[str, str] | None]:
    """Subject, paragraphs and an optional (label, address) link."""
    th = f.locale != "en"
    day = thai_date(f.date, "full", f.locale)
    window = f.window()
    status = (("ดูสถานะคิว" if th else "See your booking"), f.status_url) if f.status_url else None
    details = [
        (f"หมายเลขคิว: {f.number}" if th else f"Number: {f.number}"),
        (f"สำนักงาน: {f.office}" if th else f"Office: {f.office}"),
        (f"บริการ: {f.service}" if th else f"Service: {f.service}"),
        (f"วันที่: {day}" if th else f"Date: {day}"),
    ]
    if window:
        details.append(f"ช่วงเวลา: {window} น." if th else f"Time: {window}")
    kind = Kind(f.kind)
    bring = (
        "โปรดนำบัตรประจำตัวประชาชนและเอกสารของบริการที่จองมาด้วย เมื่อถึงสำนักงานให้สแกน QR ที่ตู้รับบัตรคิวเพื่อยืนยันว่ามาถึงแล้ว"
        if th
        else "Please bring your national ID card and the papers your service needs. "
        "On arrival, scan the QR code at the kiosk to join the queue."
    )
    if kind is Kind.CODE:
        subject = f"รหัสยืนยันการจองคิว: {f.code}" if th else f"Your booking code: {f.code}"
        body = (
            f"รหัสยืนยันการจองคิวของท่านคือ {f.code} กรุณากรอกรหัสนี้ในหน้าการจองภายในเวลา {f.valid_until} น. "
            "มิฉะนั้นที่ว่างจะถูกปล่อยให้ผู้อื่นจอง หากท่านไม่ได้จองคิว ไม่ต้องทำอะไร"
            if th
            else f"Your booking code is {f.code}. Type it on the booking page by {f.valid_until}, or the place "
            "goes back to others. If you did not book, do nothing."
        )
        details = [d for d in details if not d.startswith(("หมายเลขคิว", "Number"))]
        return subject, [body, "\n".join(details)], None
    if kind is Kind.BOOKED:
        subject = f"ยืนยันการจองคิว {f.number} — {f.office}" if th else f"Your booking {f.number} — {f.office}"
        intro = "การจองคิวของท่านเรียบร้อยแล้ว" if th else "Your place is booked."
        return subject, [intro, "\n".join(details), bring], status
    if kind is Kind.REMINDER:
        subject = f"พรุ่งนี้: คิว {f.number} — {f.office}" if th else f"Tomorrow: {f.number} — {f.office}"
        intro = "แจ้งเตือนล่วงหน้า 1 วัน ท่านมีนัดรับบริการพรุ่งนี้" if th else "A reminder: your visit is tomorrow."
        return subject, [intro, "\n".join(details), bring], status
    if kind is Kind.TURN_NEAR:
        ahead = f.people_ahead or 0
        subject = f"อีก {ahead} คิวจะถึงคิว {f.number}" if th else f"{ahead} ahead of {f.number}"
        body = (
            f"อีก {ahead} คิวจะถึงคิวของท่าน ({f.number}) โปรดมารอใกล้ช่องบริการที่{f.office}"
            if th
            else f"{ahead} people are ahead of you ({f.number}). Please come near the counters at {f.office}."
        )
        if f.estimated_at:
            body += f" คาดว่าจะถึงคิวประมาณ {f.estimated_at} น." if th else f" Expected around {f.estimated_at}."
        return subject, [body], status
    if kind is Kind.CALLED:
        subject = f"ถึงคิว {f.number} แล้ว — {f.counter}" if th else f"Your turn: {f.number} → {f.counter}"
        body = (
            f"ถึงคิวของท่านแล้ว ({f.number}) เชิญที่{f.counter} {f.office}"
            if th
            else f"It is your turn ({f.number}): please go to {f.counter}, {f.office}."
        )
        return subject, [body], None
    if kind is Kind.NO_SHOW:
        subject = f"คิว {f.number} ถูกข้าม" if th else f"{f.number} was missed"
        body = (
            "คิวของท่านถูกข้ามเพราะไม่มีผู้มารับบริการเมื่อเรียกคิว หรือไม่ได้มาตามนัด หากยังต้องการรับบริการ โปรดติดต่อเจ้าหน้าที่หรือจองคิวใหม่"
            if th
            else "Your number was missed: nobody answered the call, or the visit did not take place. "
            "If you still need the service, please ask the staff or book again."
        )
        return subject, [body, "\n".join(details)], status
    if kind is Kind.CANCELLED:
        subject = f"ยกเลิกคิว {f.number} แล้ว" if th else f"{f.number} is cancelled"
        body = "การจองคิวนี้ถูกยกเลิกแล้ว" if th else "This booking is cancelled."
        return subject, [body, "\n".join(details)], status
    if kind is Kind.OFFICE_CLOSED:
        subject = (
            f"{f.office} ปิดทำการวันที่ {day}: คิว {f.number} ถูกยกเลิก"
            if th
            else f"{f.office} is closed on {day}: {f.number} is cancelled"
        )
        body = (
            f"ขออภัย {f.office} ปิดทำการในวันที่ท่านจองไว้ การจองคิวนี้จึงถูกยกเลิก กรุณาจองวันอื่น"
            if th
            else f"We are sorry: {f.office} is closed on the day you booked, so this booking is cancelled. "
            "Please book another day."
        )
        paragraphs = [body]
        if f.closed_reason:
            paragraphs.append(f"เหตุผล: {f.closed_reason}" if th else f"Reason: {f.closed_reason}")
        return subject, [*paragraphs, "\n".join(details)], status
    subject = f"ขอบคุณที่ใช้บริการ {f.office}" if th else f"Thank you for visiting {f.office}"
    body = (
        "โปรดสละเวลาไม่ถึง 2 นาที ประเมินความพึงพอใจต่อการให้บริการ เพื่อให้เรานำไปปรับปรุงบริการ"
        if th
        else "Please take two minutes to tell us how it went, so we can improve the service."
    )
    survey = (("ทำแบบประเมิน" if th else "Answer the survey"), f.survey_url) if f.survey_url else None
    return subject, [body], survey


# --- request tracking (Section 10) ----------------------------------------------------


def _request_sms(f: Facts, links_allowed: bool) -> str:
    th = f.locale != "en"
    ref = f.number
    link = f.status_url if links_allowed and f.status_url else ""
    kind = Kind(f.kind)
    if kind is Kind.DELAY_NOTICE:
        # The reason is the point of the notice: every wording carries it, whatever its length.
        due = thai_date(date.fromisoformat(f.due_on), "short", f.locale) if f.due_on else ""
        variants = (
            [f"คำขอ {ref} ล่าช้า (ครบกำหนด {due}) เหตุ: {f.reason}", f"คำขอ {ref} ล่าช้า เหตุ: {f.reason}"]
            if th
            else [f"Khiw: request {ref} is late (due {due}). Reason: {f.reason}", f"Request {ref} late: {f.reason}"]
        )
    elif kind is Kind.REQUEST_COMPLETED:
        variants = (
            [f"คำขอ {ref} ดำเนินการเสร็จแล้ว {f.office}", f"คำขอ {ref} เสร็จแล้ว"]
            if th
            else [f"Khiw: your request {ref} at {f.office} is completed.", f"Khiw: request {ref} completed."]
        )
    elif kind is Kind.REQUEST_REJECTED:
        variants = (
            [f"คำขอ {ref} ไม่ได้รับอนุญาต ติดต่อ{f.office}", f"คำขอ {ref} ไม่ได้รับอนุญาต"]
            if th
            else [f"Khiw: your request {ref} was not approved. Please contact {f.office}."]
        )
    else:  # the head's reminder goes by e-mail; an SMS says the essentials
        variants = (
            [f"มีคำขอที่ต้องแจ้งเหตุล่าช้า: {f.references}"]
            if th
            else [f"Khiw: delay notices due for {f.references}"]
        )
        link = ""
    text = shortest_fit(variants)
    return f"{text} {link}" if link else text


def _request_email(f: Facts) -> tuple[str, list[str], tuple[str, str] | None]:
    th = f.locale != "en"
    kind = Kind(f.kind)
    status = (("ติดตามคำขอ" if th else "Follow your request"), f.status_url) if f.status_url else None
    filed = thai_date(f.date, "long", f.locale)
    due = thai_date(date.fromisoformat(f.due_on), "long", f.locale) if f.due_on else ""
    details = [
        (f"เลขที่คำขอ: {f.number}" if th else f"Reference: {f.number}"),
        (f"หน่วยงาน: {f.office}" if th else f"Office: {f.office}"),
        (f"เรื่อง: {f.service}" if th else f"Service: {f.service}"),
        (f"วันที่ยื่นคำขอ: {filed}" if th else f"Filed on: {filed}"),
    ]
    if due:
        details.append(f"วันครบกำหนด: {due}" if th else f"Due on: {due}")
    if kind is Kind.DELAY_NOTICE:
        subject = f"แจ้งเหตุแห่งความล่าช้า คำขอ {f.number}" if th else f"Your request {f.number} is delayed"
        intro = (
            "ตามมาตรา 10 แห่งพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ พ.ศ. 2558 "
            "หน่วยงานขอแจ้งว่าการพิจารณาคำขอของท่านยังไม่แล้วเสร็จภายในกำหนดเวลาตามคู่มือสำหรับประชาชน "
            "และจะแจ้งความคืบหน้าทุก 7 วันจนกว่าจะพิจารณาแล้วเสร็จ"
            if th
            else "Under Section 10 of the Licensing Facilitation Act B.E. 2558 (2015), we must tell you that your "
            "request was not finished within the time the citizen's manual states. We will write again every "
            "7 days until it is done."
        )
        reason = f"เหตุแห่งความล่าช้า: {f.reason}" if th else f"Reason for the delay: {f.reason}"
        return subject, [intro, reason, "\n".join(details)], status
    if kind is Kind.REQUEST_COMPLETED:
        subject = f"คำขอ {f.number} ดำเนินการเสร็จแล้ว" if th else f"Your request {f.number} is completed"
        body = (
            "หน่วยงานได้พิจารณาคำขอของท่านแล้วเสร็จ"
            if th
            else "The office has finished your request."
        )
        parts = [body, "\n".join(details)]
        if f.reason:
            parts.insert(1, (f"หมายเหตุ: {f.reason}" if th else f"Note: {f.reason}"))
        return subject, parts, status
    if kind is Kind.REQUEST_REJECTED:
        subject = f"ผลการพิจารณาคำขอ {f.number}" if th else f"Your request {f.number} was not approved"
        body = (
            "หน่วยงานได้พิจารณาคำขอของท่านแล้ว และไม่อาจอนุญาตได้ หากมีข้อสงสัยโปรดติดต่อหน่วยงาน"
            if th
            else "The office has decided on your request and could not approve it. Please contact the office "
            "with any question."
        )
        parts = [body, "\n".join(details)]
        if f.reason:
            parts.insert(1, (f"เหตุผล: {f.reason}" if th else f"Reason: {f.reason}"))
        return subject, parts, status
    subject = (
        f"ถึงกำหนดแจ้งเหตุล่าช้า — {f.office}" if th else f"Delay notices are due — {f.office}"
    )
    body = (
        "คำขอต่อไปนี้ล่าช้าเกินกำหนดตามคู่มือสำหรับประชาชน และถึงกำหนดแจ้งเหตุแห่งความล่าช้าแก่ผู้ยื่นคำขอ "
        "(มาตรา 10: ทุก 7 วันจนกว่าจะพิจารณาแล้วเสร็จ) โปรดบันทึกเหตุผลและส่งหนังสือแจ้งในระบบ Khiw"
        if th
        else "These requests are past their due date and a delay notice to the applicant is due (Section 10: "
        "every 7 days until done). Please write the reason and send the notice in Khiw."
    )
    return subject, [body, f.references or ""], None


def _plain(paragraphs: list[str], link: tuple[str, str] | None) -> str:
    parts = list(paragraphs)
    if link:
        parts.append(f"{link[0]}: {link[1]}")
    parts.append("Khiw (คิว)")
    return "\n\n".join(parts) + "\n"


def _html(subject: str, paragraphs: list[str], link: tuple[str, str] | None, locale: str) -> str:
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{html.escape(link[1], quote=True)}">{html.escape(link[0])}</a></p>'
    return (
        f'<!DOCTYPE html><html lang="{"en" if locale == "en" else "th"}"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>"
        f'<body style="font-family:sans-serif;font-size:16px;line-height:1.5">{body}'
        '<p style="color:#555">Khiw (คิว)</p></body></html>'
    )


def hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
