"""Headers on every response, on both engines: a strict CSP, nosniff, no framing, no referrer,
no server detail; and nothing that carries a token or personal data is ever kept by a
browser or a proxy cache (``Cache-Control: no-store``)."""

from __future__ import annotations

import pytest

from app.services import auth
from tests.factories import make_office, web_booking

TUESDAY = "2026-11-24"


def _assert_secure(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in response.headers


@pytest.fixture
def booked(client):
    office = make_office()
    response = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, phone="0812345679", email="a@example.org")
    )
    assert response.status_code == 201
    return response


def test_every_response_that_carries_a_token_or_personal_data_is_never_stored(client, booked):
    token = booked.json["token"]
    responses = {
        "new booking": booked,
        "booking": client.get(f"/api/v1/bookings/{token}"),
        "qr code": client.get(f"/api/v1/bookings/{token}/qr.png"),
        "status page": client.get(f"/b/{token}"),
        "cancel page": client.get(f"/b/{token}/cancel"),
        "calendar file": client.get(f"/b/{token}/booking.ics"),
        "find page": client.get("/find"),
        "cancelled": client.delete(f"/api/v1/bookings/{token}"),
        "unknown token": client.get("/b/" + "x" * 43),
    }
    for what, response in responses.items():
        assert response.headers.get("Cache-Control") == "no-store", what
        _assert_secure(response)


def test_a_staff_token_and_the_staff_api_are_never_stored(client):
    auth.create_staff("head1", "correct horse battery", display_name="Head", role="admin", office=None)
    issued = client.post("/api/v1/auth/token", json={"username": "head1", "password": "correct horse battery"})
    office = make_office()
    queue = client.get(
        f"/api/v1/offices/{office.code}/queue", headers={"Authorization": f"Bearer {issued.json['token']}"}
    )

    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    assert queue.status_code == 200 and queue.headers["Cache-Control"] == "no-store"


def test_public_pages_errors_and_static_files_carry_the_security_headers_too(client):
    make_office()
    for path in ("/", "/api/v1/offices", "/api/v1/nothing-here", "/static/css/citizen.css", "/book/none"):
        response = client.get(path)
        _assert_secure(response)
    assert client.get("/api/v1/offices").headers["Cache-Control"] == "no-cache"  # public: may be kept, asked again
