from tests.factories import make_office, web_booking


def test_a_web_booking_gets_the_first_web_number(client, app):
    office = make_office()
    response = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-24"))
    assert response.status_code == 201, response.json
    assert response.json["number"] == "W001"
