"""Issue 19 §1–2 in Chromium: the Section 10 delay letter prints on ONE A4 page with a short or
a long reason (counted from ``page.pdf()``), and the changed staff pages (complaints, the
record-a-complaint form, a paused request, past closures) at 1280 px in Thai, screenshotted."""

from __future__ import annotations

import re

from werkzeug.security import generate_password_hash

from app.domain.outgoing import MESSAGE_TEXT_MAX
from app.extensions import db
from app.models import Office, Service, Staff
from tests.factories import add_clerk
from tests.web.conftest import DESKTOP, SCREENSHOTS

PASSWORD = "correct horse battery"
A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 dpi
LONG_REASON = ("ต้องส่งเรื่องให้สำนักงานที่ดินจังหวัดลำพูนตรวจสอบแนวเขตที่ดินและหลักฐานการครอบครองเพิ่มเติม "
               "ซึ่งต้องนัดเจ้าของที่ดินข้างเคียงทุกรายมาระวังแนวเขตพร้อมกัน ")  # fmt: skip
LONG_REASON = (LONG_REASON * 4)[:MESSAGE_TEXT_MAX]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _sign_in(page, live_server, username: str, then: str) -> None:
    page.goto(f"{live_server}{then}")
    page.wait_for_url(re.compile(r"/counter/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def _setup(office) -> dict:
    row = db.session.get(Office, office.id)
    row.letter_ref_prefix = "ลพ 0318/"
    row.letterhead_th = "ที่ว่าการอำเภอป่าซาง\n99 หมู่ 1 ถนนพหลโยธิน\nตำบลป่าซาง อำเภอป่าซาง\nจังหวัดลำพูน 51120"
    row.letter_signatory_th = "นายสมชาย ใจดี | นายอำเภอป่าซาง"
    row.letter_contact_th = "ฝ่ายทะเบียนและบัตร\nโทร. 0 5352 1234 ต่อ 12\nไปรษณีย์อิเล็กทรอนิกส์ pasang@dopa.go.th"
    service = db.session.query(Service).filter_by(office_id=office.id).one()
    service.processing_days = 5
    for username, role, name in (("head", "head", "หัวหน้า มานะ"), ("clerk", "clerk", "สมชาย")):
        db.session.add(Staff(username=username, password_hash=generate_password_hash(PASSWORD), display_name=name,
                             role=role, office_id=office.id))  # fmt: skip
    db.session.commit()
    return {"clerk": add_clerk("clerk-api", office.id), "head": add_clerk("head-api", office.id, "head")}


def test_the_delay_letter_is_one_a4_page_with_a_short_or_a_long_reason(office, live_server, new_page):
    tokens = _setup(office)
    db.session.remove()
    page = new_page()
    api = page.request
    letters = []
    for n, reason in enumerate(("รอผลตรวจสอบจากอำเภอ", LONG_REASON)):
        filed = api.post(f"{live_server}/api/v1/offices/pa-sang/requests", headers=tokens["clerk"], data={
            "service": "id-card", "name": "นางสาวสมหญิง รักษ์ถิ่นไทย", "phone": "0812345678",
            "submitted_on": "2026-11-02",
            "postal_address": "123/4 หมู่ 5 ตำบลมะกอก\nอำเภอป่าซาง จังหวัดลำพูน 51120"}).json()  # fmt: skip
        sent = api.post(f"{live_server}/api/v1/requests/{filed['token']}/delay-notices", headers=tokens["clerk"],
                        data={"reason": reason})  # fmt: skip
        assert sent.status == 201, sent.text()
        letters.append((n, filed["token"]))

    _sign_in(page, live_server, "clerk", "/staff/requests/")
    page.set_viewport_size(A4)
    for n, token in letters:
        page.goto(f"{live_server}/requests/{token}/notices/1/letter")
        text = page.locator("main").inner_text()
        assert "ที่ ลพ 0318/" in text and "ที่ ที่" not in text
        assert "สำเนาส่ง สำนักงานคณะกรรมการพัฒนาระบบราชการ (ก.พ.ร.)" in text and "นายอำเภอป่าซาง" in text
        page.emulate_media(media="print")  # as printed: the @page margins, no grey screen background
        pdf = page.pdf(format="A4", print_background=True)
        (SCREENSHOTS / f"letter-{'long' if n else 'short'}.pdf").write_bytes(pdf)  # to look at its page images
        page.screenshot(path=str(SCREENSHOTS / f"letter-{'long' if n else 'short'}-a4-print.png"), full_page=True)
        assert _pages(pdf) == 1, f"the {'long' if n else 'short'} letter takes {_pages(pdf)} pages"
    assert "ที่ ลพ 0318/๒" in page.locator(".number").inner_text()  # the office's second letter this year


def test_the_changed_staff_pages_at_1280_px_in_thai(office, live_server, new_page):
    tokens = _setup(office)
    db.session.remove()
    page = new_page()
    page.set_viewport_size(DESKTOP)
    api = page.request
    secret = api.post(f"{live_server}/api/v1/complaints", data={
        "office": "pa-sang", "topic": "corruption", "text": "เจ้าหน้าที่ช่อง 2 เรียกรับเงินเพื่อให้ได้คิวก่อน",
        "name": "ผู้แจ้ง ปลอดภัย", "phone": "0812345678"}).json()  # fmt: skip
    api.post(f"{live_server}/api/v1/offices/pa-sang/complaints", headers=tokens["clerk"],
             data={"channel": "hotline_1111", "topic": "service_delay", "text": "โทรผ่าน 1111 ว่ารอคิวนาน"})  # fmt: skip
    api.patch(f"{live_server}/api/v1/complaints/{secret['token']}", headers=tokens["head"],
              data={"priority": "urgent", "assignee": "head"})  # fmt: skip
    api.post(f"{live_server}/api/v1/complaints/{secret['token']}/replies", headers=tokens["head"],
             data={"text": "ตรวจสอบกล้องวงจรปิดแล้ว", "internal": True})  # fmt: skip
    api.post(f"{live_server}/api/v1/complaints/{secret['token']}/replies", headers=tokens["head"],
             data={"text": "สำนักงานได้ตั้งกรรมการสอบข้อเท็จจริงแล้ว", "status": "resolved"})  # fmt: skip
    waiting = api.post(f"{live_server}/api/v1/offices/pa-sang/requests", headers=tokens["clerk"], data={
        "service": "id-card", "name": "นายทดสอบ ระบบ", "submitted_on": "2026-11-16"}).json()  # fmt: skip
    api.post(f"{live_server}/api/v1/requests/{waiting['token']}/status", headers=tokens["clerk"],
             data={"status": "waiting_for_citizen", "note": "ขอสำเนาทะเบียนบ้าน"})  # fmt: skip

    _sign_in(page, live_server, "clerk", "/staff/complaints/")
    assert "เรียกรับเงิน" not in page.content() and "สายด่วน 1111" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "e19-complaints-list-clerk-1280.png"), full_page=True)
    page.goto(f"{live_server}/staff/complaints/new")
    page.screenshot(path=str(SCREENSHOTS / "e19-complaint-record-1280.png"), full_page=True)
    page.goto(f"{live_server}/staff/requests/{waiting['token']}")
    assert "หยุดนับตั้งแต่" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "e19-request-paused-1280.png"), full_page=True)

    head = new_page()
    head.set_viewport_size(DESKTOP)
    _sign_in(head, live_server, "head", "/staff/complaints/")
    assert "เรียกรับเงิน" not in head.content() and "ลับ" in head.content()
    head.screenshot(path=str(SCREENSHOTS / "e19-complaints-list-head-1280.png"), full_page=True)
    head.goto(f"{live_server}/staff/complaints/{secret['token']}")
    content = head.content()
    assert "ความเร่งด่วน" in content and "สถานะ: แก้ไขแล้ว" in content and "ตรวจสอบกล้องวงจรปิดแล้ว" in content
    head.screenshot(path=str(SCREENSHOTS / "e19-complaint-detail-head-1280.png"), full_page=True)
    head.goto(f"{live_server}/admin/pa-sang/closures")
    head.locator("#close-day input[name=day]").fill("2026-10-23")
    head.locator("#close-day input[name=reason_th]").fill("วันปิยมหาราช")
    head.locator("#close-day button[type=submit]").click()
    head.wait_for_load_state("load")
    assert "วันปิดทำการที่ผ่านมาแล้ว" in head.content()
    head.screenshot(path=str(SCREENSHOTS / "e19-closures-past-1280.png"), full_page=True)
    head.goto(f"{live_server}/admin/pa-sang/complaints")
    head.screenshot(path=str(SCREENSHOTS / "e19-admin-complaint-topics-1280.png"), full_page=True)
