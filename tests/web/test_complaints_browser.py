"""A citizen files a complaint from the office's public form in Chromium, the office head
answers it on the staff pages, and the citizen reads the reply on the tracking page."""

from __future__ import annotations

import re

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Staff
from tests.web.checks import check_page
from tests.web.conftest import DESKTOP, SCREENSHOTS


def test_a_citizen_files_a_complaint_and_reads_the_heads_reply(office, live_server, new_page):
    db.session.add(Staff(username="head", password_hash=generate_password_hash("correct horse battery"),
                         display_name="หัวหน้าสำนักงาน", role="head", office_id=office.id))  # fmt: skip
    db.session.commit()
    db.session.remove()

    citizen = new_page()
    citizen.goto(f"{live_server}/complaints/pa-sang")
    check_page(citizen, "complaint-1-form")
    citizen.get_by_label("ความล่าช้าในการให้บริการ").check()
    citizen.locator("#f-text").fill("จองคิวไว้ 09:00 แต่ได้รับบริการเวลา 11:30 ไม่มีการแจ้งเหตุผล")
    citizen.locator("#f-phone").fill("0812345678")
    citizen.locator("button[value=send]").click()
    assert citizen.locator("#e-consent").is_visible()  # contact details need consent
    citizen.locator("#f-consent").check()
    citizen.locator("button[value=send]").click()
    citizen.wait_for_url(re.compile(r"/c/[^/?]+\?new=1"))
    token = citizen.url.split("/c/")[1].split("?")[0]
    reference = citizen.locator(".reference").inner_text()
    assert reference.startswith("C-") and f"/c/{token}" in citizen.locator(".tracking-link").inner_text()
    check_page(citizen, "complaint-2-received")

    head = new_page(locale="en-GB")
    head.goto(f"{live_server}/staff/complaints/")
    head.wait_for_url(re.compile(r"/counter/login"))
    head.fill("#username", "head")
    head.fill("#password", "correct horse battery")
    head.locator("button[type=submit]").click()
    head.wait_for_url(re.compile(r"/staff/complaints/"))
    head.get_by_role("link", name=reference).click()
    head.locator("#priority").select_option("high")
    head.locator("#assignee").select_option("head")
    head.get_by_role("button", name="Save").click()
    head.locator("#reply-text").fill("ขออภัยในความล่าช้า สำนักงานเพิ่มเจ้าหน้าที่ช่วงเช้าแล้วตั้งแต่วันนี้")
    head.locator("#reply-status").select_option("resolved")
    head.get_by_role("button", name="Send").click()
    head.wait_for_selector("text=Reply sent.")
    head.set_viewport_size(DESKTOP)
    head.screenshot(path=str(SCREENSHOTS / "complaint-3-staff-detail-1280.png"), full_page=True)

    citizen.goto(f"{live_server}/c/{token}")
    assert "ขออภัยในความล่าช้า สำนักงานเพิ่มเจ้าหน้าที่ช่วงเช้าแล้วตั้งแต่วันนี้" in citizen.content()
    assert citizen.locator("#complaint-status").inner_text() == "แก้ไขแล้ว"
    check_page(citizen, "complaint-4-reply")

    poster = new_page()
    poster.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    poster.goto(f"{live_server}/complaints/pa-sang/qr")
    assert poster.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    poster.screenshot(path=str(SCREENSHOTS / "complaint-qr-a4.png"), full_page=True)
