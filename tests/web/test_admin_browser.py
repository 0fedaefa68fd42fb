"""Office administration in headless Chromium: an office head signs in, changes a capacity,
is refused when going below what is booked (with the numbers), and closes a booked day: after
the confirmation step each booked citizen's notice is in the outbox; then turns on booking
confirmation by code.
Screenshots go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Booking, OutboxMessage, Staff
from tests.factories import make_office, web_booking

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


def test_a_head_changes_capacity_is_refused_below_booked_and_closes_a_booked_day(live_server, committed_app, browser):
    SHOTS.mkdir(exist_ok=True)
    office = make_office(code="pa-sang")
    db.session.add(
        Staff(
            username="head",
            password_hash=generate_password_hash("correct horse battery"),
            display_name="หัวหน้า",
            role="head",
            office_id=office.id,
        )
    )
    db.session.commit()
    db.session.remove()
    for serial, day in ((1, "2026-11-24"), (2, "2026-11-24"), (3, "2026-11-24"), (4, "2026-11-25"), (5, "2026-11-25")):
        body = web_booking("pa-sang", date=day, slot="09:00", serial=serial, email=f"p{serial}@example.org")
        assert requests.post(f"{live_server}/api/v1/bookings", json=body, timeout=10).status_code == 201

    page = browser.new_page(viewport=DESKTOP, locale="th-TH")
    page.goto(f"{live_server}/admin/login")
    page.fill("#username", "head")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/pa-sang/")

    page.click("a[href='/admin/pa-sang/capacity']")
    page.fill("#cap-2-web", "2")  # Tuesday 24 November has 3 web bookings
    page.click("#weekly-capacity button[type=submit]")
    refusal = page.locator(".flash.error")
    assert "ลดไม่ได้: วันที่ 24 พฤศจิกายน พ.ศ. 2569 มีการจองแล้ว 3 คิว มากกว่า 2 ที่ตั้งไว้" in refusal.inner_text()
    page.screenshot(path=str(SHOTS / "admin-capacity-refused.png"), full_page=True)
    assert page.input_value("#cap-2-web") == "40"  # nothing changed

    page.fill("#cap-2-web", "30")
    page.click("#weekly-capacity button[type=submit]")
    assert page.locator(".flash.info").inner_text() == "บันทึกแล้ว"
    assert page.input_value("#cap-2-web") == "30"

    page.click("a[href='/admin/pa-sang/closures']")
    page.fill("#close-day input[name=day]", "2026-11-25")
    page.fill("#close-day input[name=reason_th]", "ปิดปรับปรุงระบบไฟฟ้า")
    page.fill("#close-day input[name=reason_en]", "Electrical works")
    page.click("#close-day button[type=submit]")
    assert "2 คิว" in page.locator(".booked-days").inner_text()
    page.screenshot(path=str(SHOTS / "admin-close-confirm.png"), full_page=True)
    page.click("#confirm-close")
    done = page.locator(".flash.info").inner_text()
    assert "ยกเลิก 2 การจอง" in done and "2 ฉบับ" in done
    page.screenshot(path=str(SHOTS / "admin-closed.png"), full_page=True)

    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "office_closed")).all()
    assert sorted(n.recipient for n in notices) == ["p4@example.org", "p5@example.org"]
    cancelled = db.session.scalars(select(Booking.status).where(Booking.status == "cancelled")).all()
    assert len(cancelled) == 2
    db.session.remove()  # the test's session must not hold SQLite's write lock while the server works

    page.click("a[href='/admin/pa-sang/audit']")
    assert page.locator("table.audit tbody tr").count() == 3  # the two changes and the head's sign-in
    page.screenshot(path=str(SHOTS / "admin-audit.png"), full_page=True)

    page.click("a[href='/admin/pa-sang/']")  # confirming bookings by code, on the details page
    page.select_option("#verification", "otp")
    page.fill("#hold_minutes", "15")
    page.click("form[action='/admin/pa-sang/details'] button[type=submit]")
    assert page.locator(".flash.info").inner_text() == "บันทึกแล้ว"
    assert page.input_value("#verification") == "otp" and page.input_value("#hold_minutes") == "15"
    page.screenshot(path=str(SHOTS / "admin-verification.png"), full_page=True)
    page.close()
