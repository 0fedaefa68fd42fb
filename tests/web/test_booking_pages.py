"""A citizen books, follows, cancels and finds a booking in a real browser (Chromium)."""

from __future__ import annotations

import re
from datetime import timedelta

import requests

from tests.factories import valid_national_id, web_booking
from tests.web.checks import check_page

NEAR_PA_SANG = {"latitude": 18.5262, "longitude": 98.9402, "accuracy": 20}  # ~150 m from the office
MUEANG_LAMPHUN = {"latitude": 18.586389, "longitude": 99.011944, "accuracy": 20}  # ~10 km away


def _book_on_the_web(page, base: str, *, check: bool, prefix: str, name="สมชาย ใจดี", serial=1):
    page.goto(base + "/")
    if check:
        check_page(page, f"{prefix}-1-home")
    page.get_by_label(re.compile("Search|ค้นหา")).first.fill("อำเภอทดสอบ")
    page.locator("form.search button").click()
    page.locator("a.button[href='/book/pa-sang']").click()
    if check:
        check_page(page, f"{prefix}-2-service")
    page.locator("a.button[href='/book/pa-sang/id-card']").click()
    if check:
        check_page(page, f"{prefix}-3-calendar")
    page.locator("td.open a[href$='/2026-11-25']").click()  # Wednesday
    if check:
        check_page(page, f"{prefix}-4-windows")
    page.locator("a.window[href$='/2026-11-25/09:00']").click()
    if check:
        check_page(page, f"{prefix}-5-details")
    page.locator("#f-name").fill(name)
    page.locator("#f-national_id").fill(valid_national_id(serial))
    page.locator("#f-consent").check()
    page.locator("button[value=review]").click()
    if check:
        check_page(page, f"{prefix}-6-review")
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/b/[^/?]+\?new=1"))
    return page.url.split("/b/")[1].split("?")[0]


def test_a_full_web_booking_in_thai_is_the_same_booking_through_the_api(office, live_server, new_page):
    page = new_page()
    token = _book_on_the_web(page, live_server, check=True, prefix="web-th")
    assert page.locator(".number").inner_text() == "W001"
    assert "วันพุธที่ 25 พฤศจิกายน พ.ศ. 2569" in page.content()
    check_page(page, "web-th-7-status")

    api = requests.get(f"{live_server}/api/v1/bookings/{token}", timeout=10).json()
    assert (api["number"], api["status"], api["date"], api["slot_start"]) == ("W001", "booked", "2026-11-25", "09:00")
    places = requests.get(f"{live_server}/api/v1/offices/pa-sang/availability?date=2026-11-25", timeout=10).json()
    window = next(s for s in places["slots"] if s["start"] == "09:00")
    page.goto(f"{live_server}/book/pa-sang/id-card/2026-11-25")
    shown = page.locator("a.window[href$='/09:00'] .places").inner_text()
    assert window["remaining"] == 3 and shown == "ว่าง 3 ที่"

    places = requests.get(f"{live_server}/api/v1/offices/pa-sang/availability?date=2026-11-25", timeout=10).json()
    assert places["channels"]["web"]["used"] == 1


def test_confirming_twice_back_button_or_double_tap_books_once(office, live_server, new_page):
    page = new_page()
    page.goto(live_server + "/book/pa-sang/id-card/2026-11-25/09:00")
    page.locator("#f-name").fill("สมชาย ใจดี")
    page.locator("#f-phone").fill("0811111111")
    page.locator("#f-consent").check()
    page.locator("button[value=review]").click()
    review_form = page.locator("#review-form").evaluate("f => f.outerHTML")
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/b/"))
    first = page.url.split("?")[0]
    # The same review form sent again (what "back" then "confirm", or a second tap, sends).
    page.evaluate("html => { document.body.insertAdjacentHTML('beforeend', html); }", review_form)
    page.locator("#review-form button[value=confirm]").last.click()
    page.wait_for_load_state("load")
    assert page.url.split("?")[0] == first and page.locator(".number").inner_text() == "W001"
    places = requests.get(f"{live_server}/api/v1/offices/pa-sang/availability?date=2026-11-25", timeout=10).json()
    assert places["channels"]["web"]["used"] == 1


def test_a_full_web_booking_in_english_keeps_the_input_across_the_language_switch(office, live_server, new_page):
    page = new_page()  # a Thai browser: the page starts in Thai
    page.goto(live_server + "/book/pa-sang/id-card/2026-11-25/10:00")
    assert page.locator("html").get_attribute("lang") == "th"
    page.locator("#f-name").fill("Somchai Jaidee")
    page.locator("#f-phone").fill("0812345678")
    page.locator(".lang-buttons button").click()  # Switch to English, keeping what was typed
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#f-name").input_value() == "Somchai Jaidee"
    assert page.locator("#f-phone").input_value() == "0812345678"
    page.locator("#f-consent").check()
    page.locator("button[value=review]").click()
    check_page(page, "web-en-6-review")
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/b/"))
    assert "Wednesday 25 November 2026" in page.content()
    assert page.locator(".number").inner_text() == "W001"
    page.goto(live_server + "/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_validation_error_is_shown_beside_its_field_and_the_input_is_kept(office, live_server, new_page):
    page = new_page()
    page.goto(live_server + "/book/pa-sang/id-card/2026-11-25/09:30")
    page.locator("#f-name").fill("สมหญิง รักดี")
    page.locator("#f-national_id").fill("1234567890123")  # wrong check digit
    page.locator("button[value=review]").click()
    error = page.locator("#e-national_id")
    assert "เลขประจำตัวประชาชน" in error.inner_text()
    assert page.locator("#f-national_id").get_attribute("aria-invalid") == "true"
    assert page.locator("#e-consent").is_visible()
    assert page.locator("#f-name").input_value() == "สมหญิง รักดี"
    assert page.locator("#f-national_id").input_value() == "1234567890123"
    check_page(page, "web-th-5-details-error")


def test_a_review_left_open_over_an_hour_comes_back_as_the_form_saying_why(office, live_server, new_page, clock):
    for lang, words in (("th", "เก็บไว้เพียง 1 ชั่วโมง"), ("en", "kept for one hour only")):
        page = new_page(locale="th-TH" if lang == "th" else "en-US")
        page.goto(f"{live_server}/book/pa-sang/id-card/2026-11-25/09:30?lang={lang}")
        page.locator("#f-name").fill("สมหญิง รักดี")
        page.locator("#f-national_id").fill(valid_national_id(5))
        page.locator("#f-consent").check()
        page.locator("button[value=review]").click()
        page.wait_for_url(re.compile(r"/review"))
        start = clock.now
        clock.set(start + timedelta(minutes=61))  # the person comes back to the tab after lunch
        page.reload()
        page.wait_for_url(re.compile(r"/09:30\?cleared=1"))
        assert words in page.locator("#draft-cleared").inner_text()
        assert page.locator("#f-name").input_value() == "" and page.locator("#f-national_id").input_value() == ""
        check_page(page, f"web-{lang}-5-details-cleared")
        clock.set(start)


def test_a_full_day_is_greyed_and_a_window_filled_meanwhile_offers_the_nearest(office, live_server, new_page):
    # Thursday's web places (40) all taken through the API.
    for serial in range(40):
        slot = f"{9 + serial // 4 // 2:02d}:{30 * (serial // 4 % 2):02d}"
        requests.post(f"{live_server}/api/v1/bookings", json=web_booking("pa-sang", date="2026-11-26", slot=slot,
                      serial=100 + serial), timeout=10).raise_for_status()  # fmt: skip
    page = new_page()
    page.goto(live_server + "/book/pa-sang/id-card")
    full_day = page.locator("td.full")
    assert full_day.count() == 1 and "เต็ม" in full_day.inner_text()
    assert page.locator("td.full a").count() == 0

    # The 09:00 window on Wednesday fills while this person is on the review page.
    page.goto(live_server + "/book/pa-sang/id-card/2026-11-25/09:00")
    page.locator("#f-name").fill("สมศรี มีสุข")
    page.locator("#f-phone").fill("0898765432")
    page.locator("#f-consent").check()
    page.locator("button[value=review]").click()
    for serial in range(4):
        requests.post(f"{live_server}/api/v1/bookings", json=web_booking("pa-sang", date="2026-11-25", slot="09:00",
                      serial=200 + serial), timeout=10).raise_for_status()  # fmt: skip
    page.locator("button[value=confirm]").click()
    assert "ช่วงเวลานี้ไม่ว่างแล้ว" in page.locator("h1").inner_text()
    check_page(page, "web-th-window-filled")
    offers = page.locator("button.window")
    assert [o.split("\n")[0] for o in offers.all_inner_texts()] == ["08:30–09:00", "09:30–10:00", "10:00–10:30"]
    offers.nth(1).click()  # straight to the review, with what was typed
    page.locator("button[value=confirm]").click()
    page.wait_for_url(re.compile(r"/b/"))
    assert "09:30–10:00" in page.content()


def test_cancelling_asks_first_and_gives_the_place_back(office, live_server, new_page):
    page = new_page()
    token = _book_on_the_web(page, live_server, check=False, prefix="web-th")
    page.locator("a.danger").click()
    check_page(page, "cancel-confirm")
    page.locator("button.danger").click()
    page.wait_for_url(re.compile(rf"/b/{token}$"))
    assert "ยกเลิกแล้ว" in page.content()
    assert requests.get(f"{live_server}/api/v1/bookings/{token}", timeout=10).json()["status"] == "cancelled"


def test_find_my_booking_answers_the_same_to_a_miss_and_opens_a_match(office, live_server, new_page):
    page = new_page()
    token = _book_on_the_web(page, live_server, check=False, prefix="web-th", serial=7)
    page.goto(live_server + "/find")
    check_page(page, "find")
    page.locator("#f-number").fill("W001")
    page.locator("#f-office").select_option("pa-sang")
    page.locator("#f-date").fill("2026-11-25")
    page.locator("#f-last4").fill("0000")
    page.locator("button[value=find]").click()
    miss_wrong_digits = page.locator(".error-summary").inner_text()
    page.locator("#f-number").fill("W099")
    page.locator("button[value=find]").click()
    assert page.locator(".error-summary").inner_text() == miss_wrong_digits  # no booking vs wrong digits
    assert page.locator("#f-office").input_value() == "pa-sang"
    page.locator("#f-number").fill("w001")
    page.locator("#f-last4").fill(valid_national_id(7)[-4:])
    page.locator("button[value=find]").click()
    page.wait_for_url(re.compile(rf"/b/{token}$"))


def test_a_phone_inside_the_geofence_books_into_todays_mobile_queue(office, live_server, new_page):
    page = new_page(geolocation=NEAR_PA_SANG, permissions=["geolocation"])
    page.goto(live_server + "/near/pa-sang")
    page.locator("#locate").click()
    page.wait_for_url(re.compile(r"lat="))
    assert "จองได้" in page.locator(".verdict.ok").inner_text()
    check_page(page, "near-inside")
    page.locator("#f-service").select_option("id-card")
    page.locator("#f-name").fill("สมหญิง รักดี")
    page.locator("#f-phone").fill("0812345678")
    page.locator("#f-consent").check()
    page.locator("button[value=book]").click()
    page.wait_for_url(re.compile(r"/b/"))
    assert page.locator(".number").inner_text() == "M001"
    assert "วันจันทร์ที่ 23 พฤศจิกายน พ.ศ. 2569" in page.content()


def test_a_phone_outside_the_geofence_is_told_how_far_and_how_close(office, live_server, new_page):
    page = new_page(geolocation=MUEANG_LAMPHUN, permissions=["geolocation"])
    page.goto(live_server + "/near/pa-sang")
    page.locator("#locate").click()
    page.wait_for_url(re.compile(r"lat="))
    verdict = page.locator(".verdict.far").first.inner_text()
    assert "กม." in verdict and "1.5 กม." in verdict and "km" not in verdict  # Thai units on a Thai page
    assert page.locator("button[value=book]").count() == 0
    check_page(page, "near-outside")


def test_denied_location_is_explained_in_plain_words(office, live_server, new_page):
    page = new_page(permissions=[])
    page.goto(live_server + "/near/pa-sang")
    page.locator("#locate").click()
    page.locator("#geo-msg-denied").wait_for(state="visible")
    assert "อนุญาต" in page.locator("#geo-msg-denied").inner_text()
    check_page(page, "near-denied")


def test_the_status_page_works_with_scripts_off(office, live_server, new_page):
    token = requests.post(f"{live_server}/api/v1/bookings", json=web_booking("pa-sang", date="2026-11-24"),
                          timeout=10).json()["token"]  # fmt: skip
    page = new_page(javascript=False)
    page.goto(f"{live_server}/b/{token}")
    assert page.locator(".number").inner_text() == "W001"
    assert page.locator("#refresh-note").is_visible()  # "updates itself every 30 s" and a link
