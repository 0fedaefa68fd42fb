"""The office head's report and live view in headless Chromium: sign in, open the report with
its charts (no chart blocked by the page's CSP), print it to A4, and watch the live view update
itself when a ticket is issued. Screenshots and the A4 PDF go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from app.domain.booking import Placement
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.extensions import db
from app.models import Staff
from app.services import history
from app.services.booking import Person, place_ticket
from app.services.office_rules import office_rules
from tests.factories import bangkok, make_office

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def test_a_head_opens_the_report_with_charts_prints_it_and_watches_the_live_view(live_server, browser, clock):
    SHOTS.mkdir(exist_ok=True)
    clock.set(bangkok(2026, 11, 24, 10, 0))
    office = make_office(code="report-office")
    db.session.add(Staff(username="head", password_hash=generate_password_hash("correct horse battery"),
                         display_name="หัวหน้า", role="head", office_id=office.id))  # fmt: skip
    db.session.commit()
    days = history.open_days_before(office.code, local_now(clock.now).date(), 5)
    history.add_history(office.code, days, per_day=60)
    db.session.remove()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server}/counter/login")
    page.fill("input[name=username]", "head")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/admin/reports/{office.code}?from={days[0]}&to={days[-1]}")

    assert page.locator("svg.chart").count() == 5
    assert page.locator("svg.chart rect.bar-served").count() >= 1
    assert "พึงพอใจ" in page.inner_text(".headline")
    page.screenshot(path=str(SHOTS / "report-head.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".admin-header").is_visible()
    page.pdf(path=str(SHOTS / "report-a4.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")

    page.goto(f"{live_server}/admin/live/{office.code}")
    assert "0" in page.inner_text(".headline")
    rules = office_rules(office.code)
    place_ticket(rules, rules.services[0], Placement(channel=Channel.WALK_IN, day=local_now(clock.now).date()),
                 Person(), now=clock.now, actor="kiosk:1")  # fmt: skip
    db.session.remove()
    page.wait_for_selector("table.waiting th:has-text('A001')", timeout=8_000)  # polled every 5 s
    page.screenshot(path=str(SHOTS / "live-view.png"), full_page=True)
    assert blocked == []
    context.close()
