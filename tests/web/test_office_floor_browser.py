"""The office floor in headless Chromium (the session's browser, tests/web/conftest.py): a
walk-in takes a ticket at the kiosk, a person who booked checks in, the console calls both,
and the board shows each within 2 s.
Screenshots of the kiosk, the ticket, the console and the board go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Staff
from app.services.auth import register_kiosk
from tests.factories import bangkok, make_office, web_booking

pytestmark = pytest.mark.slow

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
KEY = "browser-kiosk-key-1"


def test_kiosk_ticket_check_in_console_and_board(live_server, committed_app, browser, tmp_path, engine_name, clock):
    SHOTS.mkdir(exist_ok=True)
    printer = tmp_path / "printer.bin"
    committed_app.config["TICKET_PRINTER"] = f"file:{printer}"
    office = make_office()
    register_kiosk(office, "Door", KEY)
    db.session.add(Staff(username="clerk", password_hash=generate_password_hash("correct horse battery"),
                         display_name="Clerk", role="clerk", office_id=office.id))  # fmt: skip
    db.session.commit()
    code = office.code
    db.session.remove()
    booked = requests.post(f"{live_server}/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot="10:30"),
                           timeout=10).json()  # fmt: skip

    board = browser.new_page(viewport={"width": 1280, "height": 720})
    board.goto(f"{live_server}/display/{code}")

    kiosk = browser.new_page(viewport={"width": 1080, "height": 1600})
    kiosk.goto(f"{live_server}/kiosk/{code}")
    kiosk.fill("#pair-key", KEY)
    kiosk.click("#pair-form button")
    kiosk.click("#take-ticket")
    kiosk.click("[data-service='id-card']")
    kiosk.click("#skip-phone")
    kiosk.click("[data-priority='']")
    kiosk.wait_for_selector("#ticket-number:has-text('A001')")
    # Polled from here: the page's CSP forbids the eval that wait_for_function would use.
    for _ in range(100):
        if kiosk.evaluate("document.getElementById('ticket-image').complete"):
            break
        kiosk.wait_for_timeout(100)
    else:
        pytest.fail("the ticket image never finished loading")
    kiosk.screenshot(path=str(SHOTS / f"kiosk-ticket-{engine_name}.png"))
    ticket_png = kiosk.get_attribute("#ticket-image", "src")
    (SHOTS / f"ticket-{engine_name}.png").write_bytes(requests.get(live_server + ticket_png, timeout=10).content)
    assert printer.read_bytes().startswith(b"\x1b@")  # the configured printer got the ESC/POS ticket

    kiosk.click("#screen-ticket .back")
    kiosk.click("#i-booked")
    kiosk.fill("#scan-input", booked["status_url"])  # a USB scanner types the QR code's text
    kiosk.press("#scan-input", "Enter")
    kiosk.wait_for_selector(f"#result-number:has-text('{booked['number']}')")
    kiosk.screenshot(path=str(SHOTS / f"kiosk-check-in-{engine_name}.png"))

    console = browser.new_page(viewport={"width": 1280, "height": 800})
    console.goto(f"{live_server}/counter/login")
    console.fill("#username", "clerk")
    console.fill("#password", "correct horse battery")
    console.click("button[type=submit]")
    for counter, number in ((1, "A001"), (2, booked["number"])):
        clock.set(bangkok(2026, 11, 23, 10, counter))  # the server's clock moves on between the calls
        console.goto(f"{live_server}/counter/")
        console.click(f"a.seat:nth-of-type(1) >> nth={counter - 1}")
        console.wait_for_selector("html[data-keys='ready']", state="attached")  # counter.js (the shortcuts) has run
        console.keyboard.press("n")  # the call-next shortcut
        console.wait_for_selector(f"#current-number:has-text('{number}')")
        board.wait_for_selector(f"#calling .call.latest:has-text('{number}')", timeout=2000)
    console.screenshot(path=str(SHOTS / f"console-{engine_name}.png"))
    board.screenshot(path=str(SHOTS / f"board-{engine_name}.png"))
    assert board.locator("#calling .call").count() == 2
