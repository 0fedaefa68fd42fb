"""The evidence pages in headless Chromium, Thai and English: the report's satisfaction and
complaint tables (and its A4 print), the public /stats page at 360 px and 1280 px, the audit
as sentences, and the one back-office header with an administrator's office picker.
Screenshots and the PDF go to tests/screenshots/ (look at them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app.domain.calendar import local_now
from app.extensions import db
from app.models import Staff
from app.services import history, public_stats
from tests.factories import bangkok, make_office

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
PASSWORD = "correct horse battery"


def _sign_in(page, server, username):
    page.goto(f"{server}/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_the_evidence_pages_read_right_in_thai_and_english(live_server, browser, clock):
    SHOTS.mkdir(exist_ok=True)
    public_stats.forget()
    clock.set(bangkok(2026, 12, 2, 10, 0))
    office = make_office(code="evidence-office")
    make_office(code="other-office")
    hashed = generate_password_hash(PASSWORD)
    for username, name, role, office_id in (("head", "หัวหน้าสำนักงาน", "head", office.id),
                                             ("somchai", "สมชาย ใจดี", "clerk", office.id),
                                             ("malee", "มาลี ศรีสุข", "clerk", office.id),
                                             ("root", "ผู้ดูแลระบบ", "admin", None)):  # fmt: skip
        db.session.add(Staff(username=username, password_hash=hashed, display_name=name, role=role,
                             office_id=office_id))  # fmt: skip
    db.session.commit()
    days = history.open_days_before(office.code, local_now(clock.now).date(), 20)
    history.add_history(office.code, days, per_day=40, survey_share=0.4)
    db.session.remove()

    blocked = []
    shots = {}
    for locale, lang in (("th-TH", "th"), ("en-GB", "en")):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        _sign_in(page, live_server, "head")
        page.goto(f"{live_server}/admin/reports/{office.code}?from=2026-11-01&to=2026-11-30&lang={lang}")
        assert page.locator("table.evidence-table").count() >= 6
        assert page.locator("header.staff-bar nav a[aria-current=page]").count() == 1
        page.screenshot(path=str(SHOTS / f"report-evidence-{lang}.png"), full_page=True)
        shots[f"report-{lang}"] = page.inner_text("main")
        if lang == "th":
            page.emulate_media(media="print")
            page.pdf(path=str(SHOTS / "report-evidence-a4.pdf"), format="A4", print_background=True)
            page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi: how the print reads
            assert not page.locator("header.staff-bar").is_visible()
            page.screenshot(path=str(SHOTS / "report-evidence-print-th.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.emulate_media(media="screen")
        page.goto(f"{live_server}/admin/{office.code}/capacity?lang={lang}")
        page.fill("#date-capacity input[name=day]", "2026-12-10")
        page.fill("#date-capacity input[name=capacity]", "12")
        page.click("#date-capacity button[type=submit]")
        page.goto(f"{live_server}/admin/{office.code}/audit?lang={lang}")
        page.screenshot(path=str(SHOTS / f"audit-{lang}.png"), full_page=True)
        shots[f"audit-{lang}"] = page.inner_text("table.audit")
        context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        page = context.new_page()
        _sign_in(page, live_server, "root")
        page.goto(f"{live_server}/admin/{office.code}/survey?lang={lang}")
        assert page.locator("header.staff-bar select[name=office] option").count() == 2
        page.screenshot(path=str(SHOTS / f"admin-header-{lang}.png"))
        page.select_option("header.staff-bar select[name=office]", "other-office")
        page.click("header.staff-bar .office-picker button")
        assert page.url.endswith("/admin/other-office/survey")
        context.close()
        for width, name in ((360, "phone"), (1280, "desktop")):
            public = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
            stats = public.new_page()
            stats.goto(f"{live_server}/stats/{office.code}?lang={lang}")
            assert stats.evaluate("document.documentElement.scrollWidth") <= width
            stats.screenshot(path=str(SHOTS / f"stats-{name}-{lang}.png"), full_page=True)
            shots[f"stats-{lang}"] = stats.inner_text("main")
            public.close()

    assert blocked == []
    assert "ความพึงพอใจรายประเด็น" in shots["report-th"] and "Satisfaction per clerk" in shots["report-en"]
    assert "สมชาย ใจดี" in shots["report-th"]
    assert "ความจุเว็บ" in shots["audit-th"] or "ความจุคิวหน้างาน" in shots["audit-th"]
    assert "Capacity of" in shots["audit-en"]
    assert "เดือนที่แล้ว" in shots["stats-th"] and "Last month" in shots["stats-en"]
    assert "สมชาย" not in shots["stats-th"]
