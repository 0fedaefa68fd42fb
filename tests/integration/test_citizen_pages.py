"""The citizen pages over HTTP: security, the same services as the API, and what the
browser tests (tests/web) do not look at closely."""

from __future__ import annotations

import re
from datetime import date

from app.domain.booking import DayState
from app.services.availability import month_calendar
from app.services.booking import find_my_booking
from app.settings import Settings
from tests.conftest import TEST_HMAC_KEY
from tests.factories import make_office, valid_national_id, web_booking


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_every_page_carries_the_secure_headers(client):
    office = make_office()
    for path in ("/", f"/book/{office.code}", "/find", "/api/v1/offices"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_a_form_sent_without_its_token_books_nothing(client):
    office = make_office()
    response = client.post(
        f"/book/{office.code}/id-card/2026-11-25/09:00/confirm",
        data={"name": "สมชาย ใจดี", "national_id": valid_national_id(1), "consent": "yes"},
    )
    assert response.status_code == 400
    places = client.get(f"/api/v1/offices/{office.code}/availability?date=2026-11-25").json
    assert places["channels"]["web"]["used"] == 0


def test_the_session_cookie_is_httponly_and_lax(client):
    office = make_office()
    response = client.get(f"/book/{office.code}/id-card/2026-11-25/09:00")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_page_booking_is_the_api_booking_with_the_same_places_left(client):
    office = make_office()
    form_page = client.get(f"/book/{office.code}/id-card/2026-11-25/09:00").get_data(as_text=True)
    response = client.post(
        f"/book/{office.code}/id-card/2026-11-25/09:00/confirm",
        data={"csrf_token": _csrf(form_page), "name": "สมชาย ใจดี", "phone": "0812345678", "consent": "yes",
              "key": "k" * 22},
    )  # fmt: skip
    assert response.status_code == 303
    token = response.headers["Location"].split("/b/")[1].split("?")[0]
    booking = client.get(f"/api/v1/bookings/{token}").json
    assert (booking["number"], booking["status"], booking["channel"]) == ("W001", "booked", "web")
    window = next(s for s in client.get(f"/api/v1/offices/{office.code}/availability?date=2026-11-25").json["slots"]
                  if s["start"] == "09:00")  # fmt: skip
    page = client.get(f"/book/{office.code}/id-card/2026-11-25").get_data(as_text=True)
    assert window["remaining"] == 3 and "ว่าง 3 ที่" in page


def test_polling_a_booking_with_its_etag_answers_304_until_it_changes(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-25")).json["token"]
    first = client.get(f"/api/v1/bookings/{token}")
    etag = first.headers["ETag"]
    assert client.get(f"/api/v1/bookings/{token}", headers={"If-None-Match": etag}).status_code == 304
    client.delete(f"/api/v1/bookings/{token}")
    again = client.get(f"/api/v1/bookings/{token}", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.json["status"] == "cancelled"


def test_find_my_booking_matches_the_last_digits_of_the_phone_or_the_id_only(client, app):
    office = make_office()
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-25", serial=3, phone="0812349876"))
    settings = Settings("http://localhost", TEST_HMAC_KEY)
    day = date(2026, 11, 25)
    assert find_my_booking(office.code, day, "W001", "9876", settings=settings)
    assert find_my_booking(office.code, day, "W001", valid_national_id(3)[-4:], settings=settings)
    assert find_my_booking(office.code, day, "W001", "1111", settings=settings) is None
    assert find_my_booking(office.code, day, "W002", "9876", settings=settings) is None


def test_a_miss_on_find_my_booking_reads_the_same_whatever_the_reason(client):
    office = make_office()
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-25", phone="0812349876"))
    page = client.get("/find").get_data(as_text=True)

    def find(number, last4):
        body = client.post("/find", data={"csrf_token": _csrf(page), "office": office.code, "date": "2026-11-25",
                                          "number": number, "last4": last4, "action": "find"})  # fmt: skip
        return body.status_code, re.sub(r'value="[^"]*"', "", body.get_data(as_text=True))

    assert find("W001", "0000") == find("W777", "0000")
    assert find("W001", "9876")[0] == 303


def test_the_calendar_greys_holidays_with_their_name_and_weekends_as_closed(client, app, clock):
    office = make_office(closures=[date(2026, 12, 7)], hours=None)
    month = month_calendar(office.code, date(2026, 12, 1), now=clock())
    days = {cell.day: cell for week in month.weeks for cell in week if cell}
    assert days[date(2026, 12, 7)].state is DayState.HOLIDAY and days[date(2026, 12, 7)].closure.reason_en == "Holiday"
    assert days[date(2026, 12, 6)].state is DayState.CLOSED  # Sunday
    assert days[date(2026, 12, 8)].state is DayState.OPEN and days[date(2026, 12, 8)].places == 40
    assert days[date(2026, 12, 31)].state is DayState.BEYOND  # after the 30-day horizon


def test_the_calendar_file_holds_the_visit_and_not_the_token(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-25")).json["token"]
    response = client.get(f"/b/{token}/booking.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert "DTSTART:20261125T020000Z" in body and "DTEND:20261125T023000Z" in body
    assert f"UID:{office.code}-20261125-W001@khiw" in body
