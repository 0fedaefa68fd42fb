"""Staff sign-in in headless Chromium, in Thai and in English at 1280 px: a head resets a
clerk's password on its own page; the clerk signs in with it, is sent to choose their own
(the policy refuses a common one, in the page's language), and reaches the console.
Screenshots of the sign-in, reset and change-password pages go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Staff
from tests.factories import make_office

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_reset_clerk_chooses_a_new_password_before_reaching_the_console(live_server, committed_app, browser, lang):
    SHOTS.mkdir(exist_ok=True)
    office = make_office(code="pa-sang")
    password_hash = generate_password_hash(PASSWORD)
    head = Staff(username="head", password_hash=password_hash, display_name="หัวหน้า สมศรี", role="head",
                 office_id=office.id)  # fmt: skip
    clerk = Staff(username="somchai", password_hash=password_hash, display_name="สมชาย ใจดี", role="clerk",
                  office_id=office.id)  # fmt: skip
    db.session.add_all([head, clerk])
    db.session.commit()
    clerk_id = clerk.id
    db.session.remove()
    texts = {
        "th": {"reset": "ตั้งรหัสผ่านใหม่ให้", "must": "โปรดตั้งรหัสผ่านของท่านเอง", "common": "รหัสผ่านที่ใช้กันทั่วไป"},
        "en": {"reset": "Reset the password of", "must": "Choose your own password", "common": "common passwords"},
    }[lang]

    context = browser.new_context(viewport=DESKTOP, locale="th-TH" if lang == "th" else "en-US")
    page = context.new_page()
    page.goto(f"{live_server}/admin/login?lang={lang}")
    page.screenshot(path=str(SHOTS / f"staff-sign-in-{lang}.png"), full_page=True)
    page.fill("#username", "head")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/pa-sang/")
    page.goto(f"{live_server}/admin/pa-sang/staff/{clerk_id}/password")
    assert texts["reset"] in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / f"staff-password-reset-{lang}.png"), full_page=True)
    page.fill("#password", "temporary lamphun 26")
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/pa-sang/staff")
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="th-TH" if lang == "th" else "en-US")
    page = context.new_page()
    page.goto(f"{live_server}/counter/login?lang={lang}")
    page.fill("#username", "somchai")
    page.fill("#password", "temporary lamphun 26")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/password**")
    assert texts["must"] in page.inner_text("main")
    page.fill("#current_password", "temporary lamphun 26")
    page.fill("#new_password", "1234567890")
    page.fill("#repeat_password", "1234567890")
    page.click("main button[type=submit]")
    assert texts["common"] in page.inner_text("#new_password-error")
    page.screenshot(path=str(SHOTS / f"staff-password-change-{lang}.png"), full_page=True)
    page.fill("#current_password", "temporary lamphun 26")
    page.fill("#new_password", "my own river morning")
    page.fill("#repeat_password", "my own river morning")
    page.click("main button[type=submit]")
    page.wait_for_url("**/counter/")
    assert page.locator(".flash.info").count() == 1
    context.close()
