"""Issue 17 on the citizen pages: what a booking's page shows after the visit, the language a
booking keeps, the PDPA notice's days, post/redirect/get, Thai units and dates, one word per
channel, and finding a complaint again (both engines)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from app.domain.errors import N_, CapacityFull
from app.domain.status import Status
from app.extensions import db, limiter
from app.models import Booking
from app.services.auth import register_kiosk
from app.web.citizen.draft import seal
from app.web.errors import translate
from tests.factories import PA_SANG, make_office, mobile_booking, thai_mobile, valid_national_id, web_booking
from tests.integration.notifications_support import move
from tests.integration.test_survey import ALL_SATISFIED, finished_visit

TUESDAY = "2026-11-24"
#: What only a usable ticket shows: the kiosk QR, the calendar file, the live poll, "what to bring".
TICKET_PARTS = ("/qr.png", "booking.ics", "data-poll-url", 'id="bring"')


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _booked(client, office, **extra) -> str:
    return client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, **extra)).json["token"]


def _locale_of(token: str) -> str:
    db.session.expire_all()
    return db.session.query(Booking).filter_by(token=token).one().locale


# --- the status page per status --------------------------------------------------------


def test_a_finished_visit_opens_with_its_survey_and_shows_no_ticket(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)

    page = client.get(f"/b/{token}").text
    main = page.split('<main id="main"', 1)[-1] if '<main id="main"' in page else page

    assert f'href="/b/{token}/survey"' in page
    assert main.index('id="survey-link"') < main.index("outcome-done")  # the first thing on the page
    assert not [part for part in TICKET_PARTS if part in page]
    assert "ประเมินความพึงพอใจ" in page


def test_an_answered_survey_is_thanked_instead_of_offered_again(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)
    client.post(f"/api/v1/bookings/{token}/survey", json={"answers": ALL_SATISFIED})

    page = client.get(f"/b/{token}?lang=en").text

    assert 'id="survey-link"' not in page and "You have answered this visit's survey" in page


def test_a_cancelled_booking_says_so_and_offers_to_book_again_not_a_ticket(client):
    office = make_office()
    token = _booked(client, office)
    client.delete(f"/api/v1/bookings/{token}")

    page = client.get(f"/b/{token}?lang=en").text

    assert "This booking was cancelled" in page and f'href="/book/{office.code}"' in page
    assert not [part for part in TICKET_PARTS if part in page]
    assert "Cancel this booking" not in page


def test_a_turn_missed_today_sends_the_person_to_the_counter_for_a_new_ticket(client, clock):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00")).json[
        "token"
    ]
    move(token, Status.WAITING, Status.CALLED, Status.NO_SHOW, now=clock.now, counter_id=office.counters[1].id)

    page = client.get(f"/b/{token}").text

    assert "ติดต่อเจ้าหน้าที่ที่ช่องบริการเพื่อรับบัตรคิวใหม่" in page and "คิวนี้เลยไปแล้ว" in page
    assert not [part for part in TICKET_PARTS if part in page]


def test_a_called_ticket_is_highlighted_with_its_counter(client, clock):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00")).json[
        "token"
    ]
    move(token, Status.WAITING, Status.CALLED, now=clock.now, counter_id=office.counters[1].id)

    page = client.get(f"/b/{token}").text

    assert 'class="call-banner" role="alert"' in page and "ถึงคิวของท่านแล้ว" in page
    assert "ticket called" in page and "data-poll-url" in page


# --- the language a booking keeps --------------------------------------------------------


def _book_on_the_pages(client, office, lang: str) -> str:
    base = f"/book/{office.code}/id-card/{TUESDAY}/09:00"
    form = client.get(f"{base}?lang={lang}").text
    person = {"name": "Somchai Jaidee", "national_id": "", "phone": thai_mobile(3), "email": "", "consent": "yes"}
    sent = client.post(base, data={"csrf_token": _csrf(form), "step": "details", "action": "review", **person})
    review = client.get(sent.headers["Location"])
    key = re.search(r'name="key" value="([^"]+)"', review.text).group(1)
    confirm = {"csrf_token": _csrf(review.text), "key": key, "action": "confirm", **person}
    done = client.post(f"{base}/confirm", data=confirm)
    assert (sent.status_code, review.status_code, done.status_code) == (303, 200, 303)
    return done.headers["Location"].split("/b/")[1].split("?")[0]


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_booking_made_on_the_pages_keeps_the_pages_language(client, lang):
    office = make_office()
    assert _locale_of(_book_on_the_pages(client, office, lang)) == lang


def test_a_booking_made_on_the_phone_page_in_english_is_stored_in_english(client):
    office = make_office()
    where = f"lat={PA_SANG[0]}&lon={PA_SANG[1]}&accuracy_m=20"
    page = client.get(f"/near/{office.code}?lang=en&{where}").text
    fields = {k: str(v) for k, v in mobile_booking(office.code).items() if k not in ("office", "channel")}
    sent = client.post(f"/near/{office.code}/book", data={"csrf_token": _csrf(page), "consent": "yes", **fields})

    assert sent.status_code == 303
    assert _locale_of(sent.headers["Location"].split("/b/")[1].split("?")[0]) == "en"


def test_a_ticket_from_the_kiosk_in_english_is_stored_in_english(client, app):
    office = make_office()
    register_kiosk(office, "Front door", "front-door-key-123")
    db.session.commit()

    made = client.post(f"/api/v1/offices/{office.code}/tickets", json={"service": "id-card"},
                       headers={"X-Kiosk-Key": "front-door-key-123", "Accept-Language": "en"})  # fmt: skip

    assert made.status_code == 201 and _locale_of(made.json["token"]) == "en"


# --- post/redirect/get ---------------------------------------------------------------------


def test_the_review_step_is_a_redirect_and_the_draft_leaves_the_cookie_once_booked(client):
    office = make_office()
    token = _book_on_the_pages(client, office, "th")
    back = client.get(f"/book/{office.code}/id-card/{TUESDAY}/09:00/review")  # "back" from the status page

    assert back.status_code == 303 and back.headers["Location"].endswith(f"/book/{office.code}/id-card/{TUESDAY}/09:00")
    with client.session_transaction() as session:
        assert "booking_draft" not in session
    assert client.get(f"/b/{token}").status_code == 200


def _to_the_review(client, office, person):
    base = f"/book/{office.code}/id-card/{TUESDAY}/09:00"
    form = client.get(f"{base}?lang=en").text
    sent = client.post(base, data={"csrf_token": _csrf(form), "step": "details", "action": "review", **person})
    assert sent.status_code == 303
    return sent.headers["Location"]


def test_what_was_typed_waits_sealed_in_the_cookie_for_an_hour_at_most(client, clock):
    office = make_office()
    person = {"name": "Somchai Jaidee", "national_id": valid_national_id(7), "phone": thai_mobile(3),
              "email": "somchai@example.org", "consent": "yes"}  # fmt: skip
    review = _to_the_review(client, office, person)
    typed_at = clock.now

    cookie = client.get_cookie("session").value
    with client.session_transaction() as session:
        stored = repr(dict(session))
    for secret in ("Somchai", person["national_id"], person["phone"][-7:], "somchai@example"):
        assert secret not in stored and secret not in cookie  # neither in the session nor in the raw cookie
    page = client.get(review)
    assert page.status_code == 200 and "Somchai Jaidee" in page.text

    clock.set(typed_at + timedelta(minutes=59))
    assert client.get(review).status_code == 200
    clock.set(typed_at + timedelta(minutes=61))
    late = client.get(review)
    assert late.status_code == 303
    assert late.headers["Location"].endswith(f"/book/{office.code}/id-card/{TUESDAY}/09:00?cleared=1")
    form = client.get(late.headers["Location"] + "&lang=th").text
    assert "ข้อมูลที่กรอกไว้จะเก็บไว้เพียง 1 ชั่วโมง" in form and "Somchai" not in form  # why the form is empty
    assert "one hour only" in client.get(late.headers["Location"] + "&lang=en").text


def test_a_changed_or_foreign_draft_opens_to_the_empty_form(client, clock):
    office = make_office()
    person = {"name": "Somchai Jaidee", "national_id": "", "phone": thai_mobile(3), "email": "", "consent": "yes"}
    review = _to_the_review(client, office, person)
    with client.session_transaction() as session:
        draft = session["booking_draft"]
        session["booking_draft"] = {**draft, "sealed": draft["sealed"][:-4] + "AAAA"}
    assert client.get(review).status_code == 303

    review = _to_the_review(client, office, person)
    with client.session_transaction() as session:  # sealed by another installation (another SECRET_KEY)
        draft = session["booking_draft"]
        foreign = seal({"name": "Somchai Jaidee"}, "another secret key", clock.now)
        session["booking_draft"] = {**draft, "sealed": foreign}
    assert client.get(review).status_code == 303


# --- the PDPA notice ------------------------------------------------------------------------


def test_every_page_with_the_pdpa_notice_gives_the_configured_number_of_days(client, app):
    app.config["PERSONAL_DATA_RETENTION_DAYS"] = 45
    office = make_office()
    where = f"lat={PA_SANG[0]}&lon={PA_SANG[1]}&accuracy_m=20"
    pages = {
        "details": client.get(f"/book/{office.code}/id-card/{TUESDAY}/09:00").text,
        "near": client.get(f"/near/{office.code}?{where}").text,
        "complaint": client.get(f"/complaints/{office.code}").text,
        "details-en": client.get(f"/book/{office.code}/id-card/{TUESDAY}/09:00?lang=en").text,
        "near-en": client.get(f"/near/{office.code}?lang=en&{where}").text,
    }

    assert all('id="pdpa-title"' in page for page in pages.values())
    assert [name for name, page in pages.items() if not re.search(r"\b45 (วัน|days)", page)] == []
    assert [name for name, page in pages.items() if re.search(r"(จนครบ|until|deleted)\s+(วัน|days)", page)] == []


# --- Thai reads as Thai ---------------------------------------------------------------------


def test_distances_on_the_phone_page_are_in_thai_units_and_the_bar_is_not_green_outside(client):
    office = make_office()
    far = "lat=18.586389&lon=99.011944&accuracy_m=20"  # Mueang Lamphun, about 10 km away

    thai = client.get(f"/near/{office.code}?{far}").text
    english = client.get(f"/near/{office.code}?lang=en&{far}").text
    inside = client.get(f"/near/{office.code}?lang=th&lat={PA_SANG[0]}&lon={PA_SANG[1]}&accuracy_m=20").text

    assert re.search(r"\d+\.\d กม\.", thai) and "1.5 กม." in thai and " km" not in thai
    assert re.search(r"\d+\.\d km", english)
    meter = re.search(r"<meter [^>]+>", thai).group(0)
    assert 'optimum="0"' in meter and 'high="1500"' in meter  # above the fence: the bad end
    assert re.search(r"\d+ ม\.", inside)


def test_a_full_window_is_named_with_its_buddhist_era_date_in_thai(app):
    full = CapacityFull(N_("The %(slot)s window on %(date)s is fully booked; please choose another window."),
                        field="slot", slot="09:00", date=date(2026, 12, 8))  # fmt: skip
    with app.test_request_context("/"), force_locale("th"):
        thai = translate(full)
    with app.test_request_context("/"), force_locale("en"):
        english = translate(full)

    assert "8 ธันวาคม พ.ศ. 2569" in thai and "2026-12-08" not in thai
    assert "8 December 2026" in english


def test_the_home_page_hint_names_buttons_that_exist(client):
    office = make_office()
    home = client.get("/").text
    hint = re.search(r'id="near-hint">(.*?)</p>', home, re.S).group(1)
    named = re.findall(r"“([^”]+)”", hint)
    service_page = client.get(f"/book/{office.code}").text

    assert named and named[0] in home and named[1] in service_page


def test_the_home_page_and_the_board_use_one_word_per_channel(client):
    office = make_office()
    home = client.get("/").text
    board = client.get(f"/display/{office.code}").text

    for word in ("คิวหน้างาน", "เว็บ", "มือถือ"):
        assert f"<dt>{word}</dt>" in home and f"<dt>{word}</dt>" in board
    assert "ผ่านเว็บไซต์" not in home and "ด้วยโทรศัพท์" not in home  # the channels, not "this website"


# --- finding a complaint again ------------------------------------------------------------


def _complaint(client, office, phone: str) -> dict:
    body = {"office": office.code, "topic": "service_delay", "text": "รอคิวนาน", "phone": phone}
    return client.post("/api/v1/complaints", json=body).json


def _find(client, reference: str, last4: str, **kwargs):
    page = client.get("/c/find").text
    form = {"csrf_token": _csrf(page), "reference": reference, "last4": last4, "action": "find"}
    return client.post("/c/find", data=form, **kwargs)


def test_a_complaint_is_found_by_its_reference_and_the_last_digits_of_the_phone(client):
    office = make_office()
    filed = _complaint(client, office, "0812345678")

    found = _find(client, filed["reference"].lower().replace("-", " "), "5678")

    assert found.status_code == 303 and found.headers["Location"].endswith(f"/c/{filed['token']}")


def test_a_miss_on_find_my_complaint_reads_the_same_whatever_the_reason(client):
    office = make_office()
    filed = _complaint(client, office, "0812345678")
    without_phone = client.post("/api/v1/complaints", json={"office": office.code, "topic": "service_delay",
                                                            "text": "รอนาน"}).json  # fmt: skip

    misses = [
        _find(client, filed["reference"], "0000", headers={"Accept-Language": "en"}),
        _find(client, "C-22222Z", "5678", headers={"Accept-Language": "en"}),
        _find(client, without_phone["reference"], "5678", headers={"Accept-Language": "en"}),
    ]
    texts = {re.search(r'role="alert"><p>(.*?)</p>', m.text).group(1) for m in misses}

    assert [m.status_code for m in misses] == [200, 200, 200]
    assert texts == {"We could not find a complaint with these details. Check the reference and the last 4 digits "
                     "of the mobile number you gave, and try again."}  # fmt: skip


def test_a_malformed_reference_is_named_in_english_and_thai(client):
    english = _find(client, "nope", "12", headers={"Accept-Language": "en"})
    thai = _find(client, "nope", "12")

    assert english.status_code == 400 and "e.g. C-7K3M9P" in english.text and 'id="e-last4"' in english.text
    assert "กรอกเลขอ้างอิงเรื่องร้องเรียน" in thai.text


@pytest.mark.own_app  # limiter.init_app
def test_guessing_the_last_digits_of_one_complaint_is_limited_per_complaint(app, client):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_FIND="100 per minute", RATELIMIT_FIND_PERSON="3 per hour")
    limiter.init_app(app)
    app.config["WTF_CSRF_ENABLED"] = False
    office = make_office()
    filed = _complaint(client, office, "0812345678")
    other = _complaint(client, office, "0898765432")

    def guess(reference: str, last4: str, address: str) -> int:
        form = {"reference": reference, "last4": last4, "action": "find"}
        return client.post("/c/find", data=form, environ_base={"REMOTE_ADDR": address}).status_code

    guesses = [guess(filed["reference"], f"{i:04d}", f"203.0.113.{i}") for i in range(4)]

    assert guesses == [200, 200, 200, 429]
    assert guess(other["reference"], "0000", "203.0.113.1") == 200
