"""What Khiw tells a staff member about their own account: wrong passwords tried for it
(issue 21). Thai first, then English: a staff e-mail is read by one person who may read either."""

from __future__ import annotations

from datetime import date

from .dates import thai_date
from .sms import shortest_fit


def sign_in_failures_sms(username: str, failures: str, locale: str) -> str:
    """The same, short enough for one SMS (Khiw sends it by e-mail; an SMS is for completeness)."""
    if locale == "en":
        return shortest_fit([f"Khiw: {failures} wrong passwords tried for {username}",
                             f"Khiw: {failures} wrong passwords"])  # fmt: skip
    return shortest_fit([f"คิว: มีการลองรหัสผ่านผิด {failures} ครั้งกับบัญชี {username}",
                         f"คิว: มีการลองรหัสผ่านผิด {failures} ครั้ง"])  # fmt: skip


def sign_in_failures(username: str, failures: str, day: str, at: str) -> tuple[str, list[str]]:
    """The subject and paragraphs of the e-mail telling ``username`` that ``failures`` wrong
    passwords were tried for their account (by ``at`` on ``day``). No address, no password."""
    when_th = f"{thai_date(date.fromisoformat(day), 'long', 'th')} เวลา {at} น."
    when_en = f"{thai_date(date.fromisoformat(day), 'long', 'en')} at {at}"
    subject = f"มีการลองรหัสผ่านผิดกับบัญชี {username} / Wrong passwords tried for {username}"
    thai = (
        f"มีการลองเข้าสู่ระบบ Khiw ด้วยรหัสผ่านผิด {failures} ครั้งกับบัญชี {username} ภายในหนึ่งชั่วโมง "
        f"(ล่าสุด {when_th}) บัญชียังใช้งานได้ตามปกติด้วยรหัสผ่านที่ถูกต้อง หากไม่ใช่ท่าน "
        "โปรดเปลี่ยนรหัสผ่านและแจ้งผู้ดูแลระบบ"
    )
    english = (
        f"Someone tried {failures} wrong passwords for the Khiw account {username} within an hour "
        f"(the last {when_en}). The account still works with the right password. If it was not you, "
        "change your password and tell your administrator."
    )
    return subject, [thai, english]
