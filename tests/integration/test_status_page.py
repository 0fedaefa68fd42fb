"""The page a booking's link and QR code open, on a cheap phone."""

from __future__ import annotations

from tests.factories import make_office, web_booking


def test_the_status_page_shows_the_number_and_a_buddhist_era_date_in_thai(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24")).json["token"]

    page = client.get(f"/b/{token}").get_data(as_text=True)

    assert "W001" in page
    assert "วันอังคารที่ 24 พฤศจิกายน พ.ศ. 2569" in page
    assert "09:00–09:30" in page
    assert 'http-equiv="refresh"' in page  # keeps itself current without JavaScript


def test_the_status_page_speaks_english_when_asked(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24")).json["token"]
    page = client.get(f"/b/{token}?lang=en").get_data(as_text=True)
    assert "Tuesday 24 November 2026" in page and "Your queue number" in page


def test_an_unknown_booking_page_is_a_friendly_404(client):
    response = client.get("/b/nope", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "No booking has this code" in response.get_data(as_text=True)


def test_a_cancelled_booking_page_stops_refreshing(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24")).json["token"]
    client.delete(f"/api/v1/bookings/{token}")
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "ยกเลิกแล้ว" in page and 'http-equiv="refresh"' not in page


def test_the_home_page_lists_the_offices_in_the_chosen_language(client):
    make_office()
    assert "ที่ว่าการอำเภอทดสอบ" in client.get("/").get_data(as_text=True)
    assert "Test District Office" in client.get("/?lang=en").get_data(as_text=True)
