"""The kiosk on real kiosk screens, in headless Chromium (tests/web/conftest.py): the HTML
ticket prints from its hidden frame in the default setup (``TICKET_PRINTER=none``), each
screen shows only its own buttons, fits without scrolling at 1280×800, 1920×1080 and
1080×1920 and opens at its top, a booking number is typed with its letter on the screen's
keys, and an idle kiosk goes back to Thai. Screenshots: tests/screenshots/kiosk-*.png."""

from __future__ import annotations

import pytest
import requests

from app.extensions import db
from app.services.auth import register_kiosk
from tests.factories import make_office, web_booking
from tests.web.conftest import SCREENSHOTS

pytestmark = pytest.mark.slow

KEY = "browser-kiosk-key-2"
SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080), "1080x1920": (1080, 1920)}

# The buttons a person can see (and touch) on the screen now: their ids, or their text.
VISIBLE_BUTTONS = """() => [...document.querySelectorAll('button')]
  .filter((b) => b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden')
  .map((b) => b.id || b.dataset.go || b.dataset.service || b.dataset.priority || b.dataset.key || b.dataset.prefix
       || b.dataset.digit || b.textContent.trim())"""
# What sticks out of the screen: the page scrolls, or a visible control lies outside the view.
OVERFLOW = """() => {
  const out = [];
  const d = document.documentElement;
  if (d.scrollHeight > innerHeight + 1) out.push('page ' + d.scrollHeight + ' > ' + innerHeight);
  if (d.scrollWidth > innerWidth + 1) out.push('page width ' + d.scrollWidth + ' > ' + innerWidth);
  for (const e of document.querySelectorAll('.screen:not([hidden]) :is(button, input, h2, .number, img, .message)')) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.bottom > innerHeight + 1 || r.top < -1 || r.right > innerWidth + 1))
      out.push((e.id || e.tagName) + ' at ' + Math.round(r.top) + '–' + Math.round(r.bottom));
  }
  if (scrollY !== 0) out.push('opened scrolled to ' + scrollY);
  return out;
}"""


@pytest.fixture
def kiosk_office(live_server, committed_app):
    office = make_office(code="pa-sang-kiosk")
    register_kiosk(office, "Door", KEY)
    db.session.commit()
    code = office.code
    db.session.remove()
    return code


def open_kiosk(browser, live_server, code, size=(1280, 800), locale="th-TH"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/kiosk/{code}")
    page.fill("#pair-key", KEY)
    page.click("#pair-form button")
    return context, page, errors


def visible(page):
    return page.evaluate(VISIBLE_BUTTONS)


def fits_everywhere(page, name):
    problems = {}
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(50)
        found = page.evaluate(OVERFLOW)
        if found:
            problems[size] = found
        page.screenshot(path=str(SCREENSHOTS / f"kiosk-{name}-{size}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    return problems


def test_the_html_ticket_prints_from_its_frame_in_the_default_setup(browser, live_server, kiosk_office, committed_app):
    assert committed_app.config["TICKET_PRINTER"] == "none"  # the default: no printer on the server
    context, page, errors = open_kiosk(browser, live_server, kiosk_office)
    page.click("#take-ticket")
    page.click("[data-service='id-card']")
    page.click("#skip-phone")
    page.click("[data-priority='elderly']")
    page.wait_for_selector("#ticket-number:has-text('A001')")
    for _ in range(100):
        frames = [f for f in page.frames if f.url.endswith("/print")]
        if frames and "A001" in (frames[0].evaluate("document.body ? document.body.innerText : ''") or ""):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail(f"the print frame never showed the ticket; console: {errors}")
    text = frames[0].evaluate("document.body.innerText")
    assert "ผู้สูงอายุ 60 ปีขึ้นไป" in text and "เปราะบาง" not in text  # the ticket names its group
    assert not [e for e in errors if "frame" in e.lower() or "refused" in e.lower()], errors
    assert page.inner_text("#ticket-priority") == "ผู้สูงอายุ 60 ปีขึ้นไป"
    assert "reprint" not in visible(page)  # printed: no "print again" inviting a second ticket
    context.close()


def test_every_kiosk_screen_shows_its_own_buttons_and_fits_the_common_screens(browser, live_server, kiosk_office):
    booked = requests.post(
        f"{live_server}/api/v1/bookings", json=web_booking(kiosk_office, date="2026-11-23", slot="10:30"), timeout=10
    ).json()
    context, page, errors = open_kiosk(browser, live_server, kiosk_office)
    problems = {}

    assert visible(page) == ["take-ticket", "i-booked"]
    problems["home"] = fits_everywhere(page, "home")

    page.click("#take-ticket")
    assert visible(page) == ["id-card", "home"]
    problems["services"] = fits_everywhere(page, "services")

    page.click("[data-service='id-card']")
    assert visible(page) == [*"123456789", "⌫", "0", "✓", "services", "skip-phone"]
    problems["phone"] = fits_everywhere(page, "phone")

    page.click("#skip-phone")
    assert visible(page) == ["ไม่ต้องการ", "elderly", "disabled", "pregnant", "monk", "phone"]
    problems["priority"] = fits_everywhere(page, "priority")

    page.click("[data-priority='']")
    page.wait_for_selector("#ticket-number:has-text('A001')")
    assert visible(page) == ["home"]  # no "print again" after a good print
    assert page.is_hidden("#ticket-priority")
    problems["ticket"] = fits_everywhere(page, "ticket")

    page.click("#screen-ticket .back")
    page.click("#i-booked")
    assert visible(page) == ["W", "M", "A", *"123456789", "⌫", "0", "check-in", "home"]  # the office's letters as keys
    problems["checkin"] = fits_everywhere(page, "checkin")

    # The number typed on the screen's keys: its letter, its digits, then the last 4 digits.
    for key in ["W", "0", "0", "1"]:
        page.click(f"#screen-checkin [data-prefix='{key}'], #screen-checkin [data-digit='{key}']")
    page.click("#last4")
    nid_tail = web_booking(kiosk_office, date="2026-11-23")["national_id"][-4:]
    for digit in nid_tail:
        page.click(f"#screen-checkin [data-digit='{digit}']")
    assert (page.input_value("#booking-number"), page.input_value("#last4")) == (booked["number"], nid_tail)
    page.click("#check-in")
    page.wait_for_selector(f"#result-number:has-text('{booked['number']}')")
    assert visible(page) == ["home"]  # checked in: no walk-in ticket offered beside it
    problems["checked-in"] = fits_everywhere(page, "checked-in")

    assert {screen: found for screen, found in problems.items() if found} == {}
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    context.close()


def test_a_phone_that_already_has_a_booking_today_is_explained_with_two_ways_on(browser, live_server, kiosk_office):
    context, page, _errors = open_kiosk(browser, live_server, kiosk_office, locale="en-US")
    page.goto(f"{live_server}/kiosk/{kiosk_office}?lang=en")
    for _ in range(2):
        page.click("#take-ticket")
        page.click("[data-service='id-card']")
        for digit in "0812345678":
            page.click(f"#screen-phone [data-key='{digit}']")
        page.click("#screen-phone [data-key='✓']")
        page.click("[data-priority='']")
        page.wait_for_selector("#screen-ticket:not([hidden]), #screen-result:not([hidden])")
        if page.is_visible("#screen-ticket"):
            page.click("#screen-ticket .back")
    page.wait_for_selector("#result-message:has-text('already has a booking')")
    assert visible(page) == ["offer-check-in", "offer-no-phone", "home"]
    page.screenshot(path=str(SCREENSHOTS / "kiosk-phone-already-booked-en-1280x800.png"))
    page.click("#offer-no-phone")
    page.wait_for_selector("#ticket-number:has-text('A002')")
    context.close()


def test_an_idle_kiosk_left_in_english_goes_back_to_thai(browser, live_server, kiosk_office):
    context, page, _errors = open_kiosk(browser, live_server, kiosk_office)
    page.clock.install()
    page.goto(f"{live_server}/kiosk/{kiosk_office}?lang=en")
    page.click("#take-ticket")
    assert page.inner_text("#screen-services h2") == "Choose a service"
    page.clock.run_for(61_000)
    page.wait_for_selector("html[lang='th'] #screen-home:not([hidden])")
    assert page.inner_text("#take-ticket").startswith("รับบัตรคิว")
    context.close()
