"""Issue 17 on the citizen pages, in Chromium at 360 px (screenshots at 360 and 1280 px, Thai
and English): the page of a finished, cancelled or missed visit, a call shown within 5 s, the
survey form on a phone, "back" after booking, the phone page outside the fence, /c/find."""

from __future__ import annotations

import re
import time

import requests

from app.domain.status import Status
from tests.factories import thai_mobile, valid_national_id, web_booking
from tests.integration.notifications_support import move
from tests.web.checks import check_page

TODAY = "2026-11-23"  # the clock: Monday 23 November 2026, 10:00 in Bangkok
MUEANG_LAMPHUN = {"latitude": 18.586389, "longitude": 99.011944, "accuracy": 20}  # ~10 km away


def _booking(live_server: str, serial: int, day: str = TODAY, slot: str = "11:00") -> str:
    body = web_booking("pa-sang", date=day, slot=slot, serial=serial)
    return requests.post(f"{live_server}/api/v1/bookings", json=body, timeout=10).json()["token"]


def _counter_id(office) -> int:
    return office.counters[1].id


def test_a_finished_visit_opens_with_its_survey_and_the_form_fits_a_phone(office, live_server, new_page):
    token = _booking(live_server, 1)
    move(token, Status.WAITING, Status.CALLED, Status.SERVING, Status.DONE, now=_now(),
         counter_id=_counter_id(office))  # fmt: skip
    page = new_page()

    page.goto(f"{live_server}/b/{token}")
    first = page.locator("main a.button, main button").first
    assert first.get_attribute("id") == "survey-link" and first.is_visible()
    assert page.locator("img[src$='qr.png'], a[href$='.ics']").count() == 0
    check_page(page, "i17-status-done-th")
    page.goto(f"{live_server}/b/{token}?lang=en")
    check_page(page, "i17-status-done-en")

    page.locator("#survey-link").click()
    page.wait_for_url(re.compile(r"/survey"))
    height = page.evaluate("document.documentElement.scrollHeight")
    check_page(page, "i17-survey-en")
    assert height <= 2600, f"the survey form is {height} px tall at 360 px"
    page.goto(f"{live_server}/b/{token}/survey?lang=th")
    thai_height = page.evaluate("document.documentElement.scrollHeight")
    assert thai_height <= 2600, f"the Thai survey form is {thai_height} px tall at 360 px"
    check_page(page, "i17-survey-th")

    # Each choice is a 44 px target; the keyboard reaches and picks it, the focus shows.
    choice = page.locator(".choices.scale label").first
    assert choice.bounding_box()["height"] >= 44
    page.locator("input[name=q_process_1]").first.focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("input[name=q_process_1]:checked").get_attribute("value") == "satisfied"
    outline = page.evaluate("() => getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert outline != "none"
    assert page.locator("fieldset.survey-item > legend").count() >= 17

    page.locator("form.survey button[type=submit]").click()
    page.wait_for_url(re.compile(r"/survey\?sent=1"))
    page.reload()  # a refresh after sending: no "Confirm Form Resubmission", the thanks again
    assert page.locator("h1").inner_text() == "ขอบคุณ"
    page.goto(f"{live_server}/b/{token}")
    assert page.locator("#survey-link").count() == 0


def _now():
    from tests.factories import bangkok

    return bangkok(2026, 11, 23, 10, 0)


def test_cancelled_and_missed_visits_say_what_happened_and_what_next(office, live_server, new_page):
    cancelled = _booking(live_server, 2, day="2026-11-24", slot="09:00")
    requests.delete(f"{live_server}/api/v1/bookings/{cancelled}", timeout=10)
    missed = _booking(live_server, 3)
    move(missed, Status.WAITING, Status.CALLED, Status.NO_SHOW, now=_now(), counter_id=_counter_id(office))
    page = new_page()

    for token, name in ((cancelled, "cancelled"), (missed, "no-show")):
        for lang in ("th", "en"):
            page.goto(f"{live_server}/b/{token}?lang={lang}")
            assert page.locator("img[src$='qr.png'], a[href$='.ics'], .ticket").count() == 0
            assert page.locator("a[href='/book/pa-sang']").is_visible()
            check_page(page, f"i17-status-{name}-{lang}")


def test_an_open_status_page_shows_the_call_within_5_seconds(office, live_server, new_page):
    token = _booking(live_server, 4)
    move(token, Status.WAITING, now=_now())
    page = new_page()
    page.goto(f"{live_server}/b/{token}")
    page.wait_for_timeout(1000)  # the page is open, its script running

    called_at = time.monotonic()
    move(token, Status.CALLED, now=_now(), counter_id=_counter_id(office))
    page.locator(".call-banner").wait_for(state="visible", timeout=5000)
    seconds = time.monotonic() - called_at

    assert seconds < 5, seconds
    check_page(page, "i17-status-called-th")
    page.goto(f"{live_server}/b/{token}?lang=en")
    check_page(page, "i17-status-called-en")


def test_back_after_booking_never_asks_to_send_the_form_again(office, live_server, new_page):
    page = new_page()
    page.goto(f"{live_server}/book/pa-sang/id-card/2026-11-25/09:00?lang=en")
    check_page(page, "i17-details-en")  # the PDPA notice with its days
    page.locator("#f-name").fill("Somchai Jaidee")
    page.locator("#f-national_id").fill(valid_national_id(5))
    page.locator("#f-phone").fill(thai_mobile(5))
    page.locator("#f-consent").check()
    page.locator("button[value=review]").click()
    page.wait_for_url(re.compile(r"/review"))
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/b/[^/?]+\?new=1"))

    response = page.go_back()  # a GET: no resubmission prompt, no error page

    assert response is not None and response.ok
    assert "/book/pa-sang/id-card/2026-11-25/09:00" in page.url and page.locator("#f-name").is_visible()
    page.goto(f"{live_server}/book/pa-sang/id-card/2026-11-25/09:00?lang=th")
    check_page(page, "i17-details-th")


def test_the_phone_page_outside_the_fence_reads_in_thai_units(office, live_server, new_page):
    page = new_page(geolocation=MUEANG_LAMPHUN, permissions=["geolocation"])
    page.goto(f"{live_server}/near/pa-sang")
    page.locator("#locate").click()
    page.wait_for_url(re.compile(r"lat="))

    assert re.search(r"\d+\.\d กม\.", page.locator(".verdict.far").first.inner_text())
    check_page(page, "i17-near-outside-th")
    page.goto(page.url + "&lang=en")
    assert re.search(r"\d+\.\d km", page.locator(".verdict.far").first.inner_text())
    check_page(page, "i17-near-outside-en")


def test_home_and_find_my_complaint_in_both_languages(office, live_server, new_page):
    page = new_page()
    for lang in ("th", "en"):
        page.goto(f"{live_server}/?lang={lang}")
        check_page(page, f"i17-home-{lang}")
        page.goto(f"{live_server}/c/find?lang={lang}")
        check_page(page, f"i17-find-complaint-{lang}")
    page.locator("#f-reference").fill("C-22222Z")
    page.locator("#f-last4").fill("1234")
    page.locator("button[value=find]").click()
    assert "We could not find a complaint" in page.locator(".error-summary").inner_text()
