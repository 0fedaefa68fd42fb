"""Section 10 in headless Chromium: a clerk registers a request that runs late and sends a
delay notice; the citizen opens the tracking page and reads the reason; the notice's A4
letter is screenshotted at print size (794 × 1123 px, A4 at 96 dpi) into tests/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Service, Staff
from tests.factories import bangkok, make_office

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
A4 = {"width": 794, "height": 1123}
REASON = "อยู่ระหว่างรอผลการตรวจสอบหลักฐานจากสำนักทะเบียนอำเภอต้นทาง"


def test_a_clerk_records_a_delay_and_the_citizen_reads_the_reason(live_server, committed_app, browser, clock):
    SHOTS.mkdir(exist_ok=True)
    clock.set(bangkok(2026, 11, 23))
    office = make_office()
    db.session.query(Service).filter_by(office_id=office.id).update({"processing_days": 5})
    office.letter_ref_prefix = "ลพ 0318/"
    office.letterhead_th = "ที่ว่าการอำเภอป่าซาง\nถนนป่าซาง-ลำพูน อำเภอป่าซาง\nจังหวัดลำพูน 51120"
    office.letter_signatory_th = "นายอำเภอป่าซาง"
    office.letter_contact_th = "ฝ่ายทะเบียนและบัตร\nโทร. 0 5352 1234"
    db.session.add(Staff(username="clerk", password_hash=generate_password_hash("correct horse battery"),
                         display_name="สมศรี", role="clerk", office_id=office.id))  # fmt: skip
    db.session.commit()
    db.session.remove()

    staff = browser.new_page(viewport={"width": 1280, "height": 900})
    staff.goto(f"{live_server}/counter/login")
    staff.fill("#username", "clerk")
    staff.fill("#password", "correct horse battery")
    staff.click("button[type=submit]")
    staff.goto(f"{live_server}/staff/requests/new")
    staff.fill("#f-name", "สมชาย ใจดี")
    staff.fill("#f-phone", "0812345678")
    staff.fill("#f-submitted_on", "2026-11-02")  # 5 working days → due Mon 9 Nov: two weeks late
    staff.click("#register-form button[type=submit]")
    staff.wait_for_selector("#notice-form")
    assert re.search(r"-[2-9A-Z]{4}-[2-9A-Z]{4}", staff.inner_text("h1"))  # the office's code, a random part
    staff.fill("#f-reason", REASON)
    staff.click("#notice-form button[type=submit]")
    staff.wait_for_selector(".notices li")
    citizen_url = staff.get_attribute(".facts a[href^='/r/']", "href")
    staff.screenshot(path=str(SHOTS / "request_staff_detail.png"), full_page=True)

    citizen = browser.new_page(viewport={"width": 360, "height": 740}, locale="th-TH")
    citizen.goto(f"{live_server}{citizen_url}")
    assert REASON in citizen.inner_text(".notices")
    assert "9 พฤศจิกายน พ.ศ. 2569" in citizen.inner_text("main")
    assert "สมชาย" not in citizen.content()
    citizen.screenshot(path=str(SHOTS / "request_citizen_page.png"), full_page=True)

    token = citizen_url.rsplit("/", 1)[-1]
    letter = browser.new_page(viewport=A4)
    staff_cookies = staff.context.cookies()
    letter.context.add_cookies(staff_cookies)
    letter.goto(f"{live_server}/requests/{token}/notices/1/letter")
    text = letter.inner_text("main")
    assert REASON in text and "นายอำเภอป่าซาง" in text and "23 พฤศจิกายน พ.ศ. 2569" in text
    width = letter.evaluate("document.querySelector('.sheet').getBoundingClientRect().width")
    assert abs(width - A4["width"]) < 2  # laid out on an A4 sheet
    letter.screenshot(path=str(SHOTS / "request_letter_a4.png"), clip={"x": 0, "y": 0, **A4})
