"""The counter in headless Chromium: the console's shortcuts with the Thai keyboard layout
(Kedmanee: the N key types "ื", so only ``event.code`` tells it is N), a no-show that needs a
second press and can be taken back, and the counter's satisfaction tablet: done at the console
→ within 2 s the tablet shows the faces for that ticket → one tap → the report's figure.
Screenshots of the tablet at 1280×800 in Thai and English and of the console go to
tests/screenshots/."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Kiosk, Staff
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import add_clerk, make_office
from tests.web.conftest import SCREENSHOTS

pytestmark = pytest.mark.slow

KIOSK_KEY = "browser-kiosk-key-3"
TABLET_KEY = "browser-tablet-key-1"
TABLET = {"width": 1280, "height": 800}
# What each key of the Thai (Kedmanee) layout types: the key's place (code) and its character.
THAI = {"KeyN": "ื", "KeyS": "ห", "KeyD": "ก", "KeyX": "ป", "KeyU": "ี"}


@pytest.fixture
def counter_floor(live_server, committed_app):
    office = make_office(code="pa-sang-counter")
    register_kiosk(office, "Door", KIOSK_KEY)
    counter_1 = office_rules(office.code).counters[0]
    db.session.add(Kiosk(office_id=office.id, name="Counter 1 tablet", kind="rating", counter_id=counter_1.id,
                         key_hash=hashlib.sha256(TABLET_KEY.encode()).hexdigest()))  # fmt: skip
    db.session.add(Staff(username="clerk", password_hash=generate_password_hash("correct horse battery"),
                         display_name="Clerk", role="clerk", office_id=office.id))  # fmt: skip
    db.session.commit()
    head = add_clerk("head", office.id, role="head")
    code = office.code
    db.session.remove()
    return {"code": code, "head": head, "counter": counter_1.id}


def thai_key(page, code: str) -> None:
    """A key pressed with the Thai layout: ``key`` is the Thai character, ``code`` the key's place.

    It waits for the page's key handler: counter.js is deferred, so right after a form is sent
    the next page's buttons are there a moment before its keys work."""
    page.wait_for_selector("html[data-keys='ready']", state="attached")
    page.dispatch_event("body", "keydown", {"key": THAI[code], "code": code, "bubbles": True, "cancelable": True})


def walk_in(live_server, code):
    return requests.post(f"{live_server}/api/v1/offices/{code}/tickets", json={"service": "id-card"},
                         headers={"X-Kiosk-Key": KIOSK_KEY}, timeout=10).json()  # fmt: skip


def open_console(browser, live_server, floor):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server}/counter/login")
    page.fill("#username", "clerk")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/counter/{floor['counter']}")
    page.wait_for_load_state("load")
    return context, page


def open_tablet(browser, live_server, floor, lang="th"):
    context = browser.new_context(viewport=TABLET, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/rate/{floor['code']}/1?lang={lang}")
    page.fill("#pair-key", TABLET_KEY)
    page.click("#pair-form button")
    page.wait_for_selector("#screen-idle:not([hidden])")
    return context, page, errors


def serve_at_console(console, number):
    thai_key(console, "KeyN")
    console.wait_for_selector(f"#current-number:has-text('{number}')")
    thai_key(console, "KeyS")
    console.wait_for_selector("form[data-shortcut='KeyD']")
    thai_key(console, "KeyD")
    console.wait_for_selector("#current-number", state="detached")


def test_done_at_the_console_the_tablet_shows_the_faces_and_the_tap_reaches_the_report(browser, live_server,
                                                                                          counter_floor):
    tablet_context, tablet, errors = open_tablet(browser, live_server, counter_floor)
    tablet.screenshot(path=str(SCREENSHOTS / "rate-tablet-idle-th-1280x800.png"))
    console_context, console = open_console(browser, live_server, counter_floor)
    ticket = walk_in(live_server, counter_floor["code"])

    serve_at_console(console, ticket["number"])  # N, S, D with the Thai layout
    done_at = time.monotonic()
    tablet.wait_for_selector(f"#screen-faces:not([hidden]) #visit-number:has-text('{ticket['number']}')", timeout=2500)
    shown_after = time.monotonic() - done_at
    assert shown_after < 2.0, f"the faces came {shown_after:.1f} s after done"
    faces = tablet.evaluate("() => [...document.querySelectorAll('.face')].map((b) => {"
                            " const r = b.getBoundingClientRect(); return [b.innerText, r.width, r.height]; })")
    assert [f[0].split("\n") for f in faces] == [["พึงพอใจมาก", "Very satisfied"], ["พึงพอใจ", "Satisfied"],
                                               ["ไม่พึงพอใจ", "Dissatisfied"]]  # fmt: skip
    assert all(w >= 120 and h >= 120 for _, w, h in faces)  # large targets
    tablet.screenshot(path=str(SCREENSHOTS / "rate-tablet-faces-th-1280x800.png"))

    tablet.click("#face-very_satisfied")
    tablet.wait_for_selector("#screen-thanks:not([hidden])")
    for _ in range(50):
        if tablet.evaluate("document.getElementById('survey-qr').naturalWidth > 0"):
            break
        tablet.wait_for_timeout(100)
    tablet.screenshot(path=str(SCREENSHOTS / "rate-tablet-thanks-th-1280x800.png"))
    report = requests.get(f"{live_server}/api/v1/offices/{counter_floor['code']}/report",
                          params={"from": "2026-11-23", "to": "2026-11-23"}, headers=counter_floor["head"],
                          timeout=10).json()["satisfaction"]  # fmt: skip
    assert (report["responses"], report["satisfied_pct"]) == (1, 100.0)
    assert ticket["token"] not in console.content()  # the console never carried the citizen's token
    assert errors == []

    # In English (the faces keep their Thai, English beneath), and the full form on the tablet.
    tablet_context.close()
    tablet_context, tablet, errors = open_tablet(browser, live_server, counter_floor, lang="en")
    second = walk_in(live_server, counter_floor["code"])
    serve_at_console(console, second["number"])
    tablet.wait_for_selector(f"#visit-number:has-text('{second['number']}')")
    tablet.screenshot(path=str(SCREENSHOTS / "rate-tablet-faces-en-1280x800.png"))
    tablet.click("#face-satisfied")
    tablet.click("#full-here")
    tablet.check("input[name='staff_3'][value='very_satisfied']")
    tablet.screenshot(path=str(SCREENSHOTS / "rate-tablet-full-form-en-1280x800.png"))
    tablet.click("#full-form button[type=submit]")
    tablet.wait_for_selector("#screen-done:not([hidden])")
    answered = requests.get(f"{live_server}/api/v1/bookings/{second['token']}/survey", timeout=10).json()
    assert answered["answered"] is True
    tablet_context.close()
    console_context.close()


def test_a_no_show_takes_two_presses_of_x_and_u_takes_it_back(browser, live_server, counter_floor):
    context, console = open_console(browser, live_server, counter_floor)
    ticket = walk_in(live_server, counter_floor["code"])
    thai_key(console, "KeyN")
    console.wait_for_selector(f"#current-number:has-text('{ticket['number']}')")

    thai_key(console, "KeyX")
    console.wait_for_selector(".no-show.armed .confirm-hint")
    console.screenshot(path=str(SCREENSHOTS / "console-no-show-confirm-th.png"))
    assert console.inner_text("#current-number") == ticket["number"]  # one press does nothing yet
    thai_key(console, "KeyX")
    console.wait_for_selector("#undo-no-show")
    console.screenshot(path=str(SCREENSHOTS / "console-no-show-undo-th.png"))
    thai_key(console, "KeyU")
    console.wait_for_selector(f"#current-number:has-text('{ticket['number']}')")
    assert console.is_visible("#no-show")  # called again at this counter
    context.close()


def test_after_its_thanks_the_tablet_goes_back_to_idle_in_thai_after_20_seconds(browser, live_server, counter_floor):
    context = browser.new_context(viewport=TABLET, locale="th-TH")
    context.set_default_timeout(10_000)
    tablet = context.new_page()
    tablet.clock.install()
    tablet.goto(f"{live_server}/rate/{counter_floor['code']}/1?lang=en")
    tablet.fill("#pair-key", TABLET_KEY)
    tablet.click("#pair-form button")
    tablet.wait_for_selector("#screen-idle:not([hidden])")
    ticket = walk_in(live_server, counter_floor["code"])
    api, head = f"{live_server}/api/v1", counter_floor["head"]
    requests.post(f"{api}/counters/{counter_floor['counter']}/call-next", headers=head, timeout=10)
    for action in ("start", "done"):
        requests.post(f"{api}/tickets/{ticket['token']}/{action}", headers=head, timeout=10)
    tablet.clock.run_for(1500)  # the tablet asks every second
    tablet.wait_for_selector(f"#visit-number:has-text('{ticket['number']}')")
    tablet.click("#face-dissatisfied")
    tablet.wait_for_selector("#screen-thanks:not([hidden])")
    tablet.clock.run_for(21_000)
    tablet.wait_for_selector("html[lang='th'] #screen-idle:not([hidden])")
    context.close()
