"""What a paper ticket says, as plain data: the office, the service, the number very large,
the date in the Buddhist Era and the time issued, the people ahead and the estimated wait,
a QR code of the status page, and one line on how to give feedback.

The layout is a list of blocks top to bottom; the renderers (``kiosk.image`` →
``kiosk.escpos``, and ``kiosk.html``) turn it into a printer's bytes or a page. Nothing
here reads the clock or knows about Flask: the caller passes the values in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifier.dates import thai_date as format_day


@dataclass(frozen=True)
class Text:
    """One line (wrapped when too long). ``size`` is a point size on the paper's scale."""

    text: str
    size: int = 24
    bold: bool = False
    align: str = "center"  # center | left


@dataclass(frozen=True)
class Rule:
    """A thin line across the ticket."""


@dataclass(frozen=True)
class Qr:
    """A QR code (printers draw these natively, sharp at any size)."""

    data: str


Block = Text | Rule | Qr


@dataclass(frozen=True)
class TicketData:
    """The values a ticket shows (already in the office's local time)."""

    office_th: str
    office_en: str
    service_th: str
    service_en: str
    number: str
    issued_at: datetime  # office-local
    people_ahead: int
    wait_minutes: int | None
    status_url: str
    priority_th: str | None = None
    priority_en: str | None = None


def thai_date(moment: datetime) -> str:
    """23 พ.ย. 2569 — the Buddhist Era, as Thai documents write dates (the one formatter)."""
    return format_day(moment.date(), "medium", "th")


def english_date(moment: datetime) -> str:
    return format_day(moment.date(), "medium", "en")


def ticket_layout(data: TicketData) -> list[Block]:
    """The ticket, top to bottom: Thai first, English beneath for visitors."""
    ahead_th = "ไม่มีคิวรอก่อนหน้า" if data.people_ahead == 0 else f"รอก่อนหน้า {data.people_ahead} คิว"
    ahead_en = "No one ahead of you" if data.people_ahead == 0 else f"{data.people_ahead} ahead of you"
    if data.wait_minutes:
        ahead_th += f" · ประมาณ {data.wait_minutes} นาที"
        ahead_en += f" · about {data.wait_minutes} min"
    blocks: list[Block] = [
        Text(data.office_th, 26, bold=True),
        Text(data.office_en, 18),
        Rule(),
        Text(data.service_th, 26, bold=True),
        Text(data.service_en, 18),
        Text("หมายเลขคิวของท่าน · Your number", 20),
        Text(data.number, 120, bold=True),
    ]
    if data.priority_th:
        # The group itself, as the person and the clerk read it ("ผู้สูงอายุ 60 ปีขึ้นไป"),
        # not a blanket word for every group.
        blocks.append(Text(data.priority_th, 24, bold=True))
        blocks.append(Text(data.priority_en or "", 18))
    blocks += [
        Text(f"วันที่ {thai_date(data.issued_at)} เวลา {data.issued_at:%H:%M} น.", 22),
        Text(f"{english_date(data.issued_at)}, {data.issued_at:%H:%M}", 18),
        Text(ahead_th, 24, bold=True),
        Text(ahead_en, 18),
        Rule(),
        Qr(data.status_url),
        Text("สแกนเพื่อติดตามคิวบนมือถือ · Scan to follow your turn", 18),
        Text("หลังรับบริการ สแกน QR นี้เพื่อประเมินความพึงพอใจ", 20),
        Text("After your visit, scan this QR to rate our service", 16),
    ]
    return blocks
