"""Offices and the places left on a day."""

from __future__ import annotations

from datetime import date, time

from tests.factories import bangkok, make_office, web_booking


def test_offices_are_listed_with_names_in_the_asked_language(client):
    make_office(code="pa-sang")
    thai = client.get("/api/v1/offices").json
    english = client.get("/api/v1/offices", headers={"Accept-Language": "en"}).json

    assert thai[0]["code"] == "pa-sang"
    assert thai[0]["name"] == "ที่ว่าการอำเภอทดสอบ" and english[0]["name"] == "Test District Office"
    assert english[0]["services"] == [{"code": "id-card", "name": "National ID card", "avg_minutes": 10}]
    assert thai[0]["geofence_m"] == 1500


def test_availability_shows_each_channel_and_the_web_windows(client):
    office = make_office(web_slot_minutes=60, capacity={"walk_in": 80, "web": 10, "mobile": 5})
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", slot="09:30"))

    body = client.get(f"/api/v1/offices/{office.code}/availability?date=2026-11-24").json

    assert body["open"] is True
    assert body["channels"] == {
        "walk_in": {"capacity": 80, "used": 0, "remaining": 80},
        "web": {"capacity": 10, "used": 1, "remaining": 9},
        "mobile": {"capacity": 5, "used": 0, "remaining": 5},
    }
    assert [s["start"] for s in body["slots"]] == [
        "08:30", "09:30", "10:30", "11:30", "12:30", "13:30", "14:30", "15:30",
    ]  # fmt: skip
    assert body["slots"][1] == {"start": "09:30", "end": "10:30", "capacity": 4, "remaining": 3, "bookable": True}


def test_a_slot_never_offers_more_than_the_day_has_left(client):
    office = make_office(web_slot_capacity=4, capacity={"walk_in": 80, "web": 2, "mobile": 5})
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", serial=1))
    client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24", slot="10:00", serial=2))

    slots = client.get(f"/api/v1/offices/{office.code}/availability?date=2026-11-24").json["slots"]
    assert {s["remaining"] for s in slots} == {0}
    assert not any(s["bookable"] for s in slots)


def test_a_holiday_is_closed_and_says_why(client):
    office = make_office(closures=[date(2026, 12, 10)])
    body = client.get(f"/api/v1/offices/{office.code}/availability?date=2026-12-10").json
    assert body["open"] is False and body["slots"] == []
    assert body["closed_reason"] == "วันหยุด"
    assert all(c["remaining"] == 0 for c in body["channels"].values())


def test_a_lunch_break_and_an_evening_period_shape_the_windows(client):
    periods = [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30)), (time(17, 0), time(19, 0))]
    office = make_office(hours={2: periods}, web_slot_minutes=60)
    starts = [
        s["start"] for s in client.get(f"/api/v1/offices/{office.code}/availability?date=2026-11-24").json["slots"]
    ]
    assert starts == ["08:30", "09:30", "10:30", "13:00", "14:00", "15:00", "17:00", "18:00"]


def test_todays_windows_that_have_started_are_not_bookable(client, clock):
    office = make_office()
    clock.set(bangkok(2026, 11, 23, 10, 5))
    slots = client.get(f"/api/v1/offices/{office.code}/availability").json["slots"]
    bookable = {s["start"]: s["bookable"] for s in slots}
    assert bookable["10:00"] is False and bookable["10:30"] is True


def test_a_malformed_date_names_the_date_field(client):
    office = make_office()
    response = client.get(f"/api/v1/offices/{office.code}/availability?date=24/11/2569")
    assert (response.status_code, response.json["error"]["field"]) == (400, "date")


def test_the_openapi_document_describes_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "http://localhost/api/v1"}]
    for path in ("/offices", "/offices/{code}/availability", "/bookings", "/bookings/{token}"):
        assert path in spec["paths"]
    from openapi_spec_validator import validate

    validate(spec)
