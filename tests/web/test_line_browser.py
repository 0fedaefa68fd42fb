"""The status page's "Follow on LINE" block, in a real browser: readable, accessible, at 360 px."""

from __future__ import annotations

import requests

from tests.factories import web_booking
from tests.support.line_api import BASIC_ID, CHANNEL_SECRET
from tests.web.checks import check_page


def test_the_status_page_offers_to_follow_on_line_in_thai_and_english(office, live_server, committed_app, new_page):
    committed_app.config.update(
        LINE_ENABLED=True, LINE_BACKEND="null", LINE_CHANNEL_SECRET=CHANNEL_SECRET, LINE_BASIC_ID=BASIC_ID
    )
    token = requests.post(f"{live_server}/api/v1/bookings", json=web_booking(office.code, date="2026-11-24"),
                          timeout=10).json()["token"]  # fmt: skip
    page = new_page()
    page.goto(f"{live_server}/b/{token}")
    page.wait_for_load_state("load")
    button = page.get_by_role("link", name="ติดตามคิวทาง LINE")
    assert button.get_attribute("href").startswith(f"https://line.me/R/oaMessage/{BASIC_ID}/?KHIW-")
    assert page.locator("img.line-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    check_page(page, "line-follow-th")

    page = new_page(locale="en-US")
    page.goto(f"{live_server}/b/{token}?lang=en")
    assert page.get_by_role("link", name="Follow on LINE").is_visible()
    check_page(page, "line-follow-en")
