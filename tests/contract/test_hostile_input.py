"""Input a hostile or broken client can send gets a clear 4xx naming the field, and stores
nothing — on both engines (PostgreSQL refuses NUL bytes and broken characters outright)."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.models import Booking
from tests.factories import make_office, mobile_booking, web_booking

TUESDAY = "2026-11-24"


def post_raw(client, path: str, raw: str):
    return client.post(path, data=raw.encode("utf-8", "surrogatepass"), content_type="application/json")


def nothing_booked() -> bool:
    return db.session.query(Booking).count() == 0


def test_a_deeply_nested_body_is_refused_as_unreadable(client):
    response = post_raw(client, "/api/v1/bookings", '{"office":' + "[" * 5000 + "]" * 5000 + "}")

    assert (response.status_code, response.json["error"]["code"]) == (400, "invalid")


def test_a_coordinate_of_four_hundred_digits_names_its_field(client):
    office = make_office()
    body = json.dumps(mobile_booking(office.code)).replace('"lat": 18.525833', '"lat": ' + "9" * 400)

    response = post_raw(client, "/api/v1/bookings", body)

    assert (response.status_code, response.json["error"]["field"]) == (400, "lat")
    assert nothing_booked()


@pytest.mark.parametrize(
    ("field", "raw"),
    [("name", "\\ud800somchai"), ("name", "som\\u0000chai"), ("office", "pa\\u0000sang"), ("email", "a\\u0000@b.co")],
)
def test_a_nul_or_a_broken_character_in_any_field_is_refused_by_name(client, field, raw):
    office = make_office()
    body = json.dumps(web_booking(office.code, date=TUESDAY, email="a@b.co"), ensure_ascii=True)
    original = json.dumps({"office": office.code, "name": "สมชาย ใจดี", "email": "a@b.co"}[field], ensure_ascii=True)
    body = body.replace(f'"{field}": {original}', f'"{field}": "{raw}"')

    response = post_raw(client, "/api/v1/bookings", body)

    assert (response.status_code, response.json["error"]["field"]) == (400, field)
    assert nothing_booked()


@pytest.mark.parametrize("path", ["/api/v1/bookings/abc%00def", "/api/v1/offices/pa%00sang/availability",
                                  "/b/abc%00def", "/api/v1/bookings/" + "x" * 5000])  # fmt: skip
def test_a_nul_or_an_absurd_length_in_the_address_is_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404


def test_a_nul_in_a_login_or_a_scanned_token_is_refused(client):
    office = make_office()
    login = post_raw(client, "/api/v1/auth/token", '{"username": "de\\u0000mo", "password": "x"}')
    scan = post_raw(client, f"/api/v1/offices/{office.code}/check-ins", '{"token": "ab\\u0000c"}')

    assert (login.status_code, login.json["error"]["field"]) == (400, "username")
    assert scan.status_code in (400, 401)  # no kiosk key: refused before the token is read


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    office = make_office()
    body = web_booking(office.code, date=TUESDAY, name="ก" * 40_000)

    response = client.post("/api/v1/bookings", json=body)

    assert (response.status_code, response.json["error"]["code"]) == (413, "too_large")
    assert nothing_booked()


@pytest.mark.parametrize(
    "name", ["A\x07\x1b[31mred", "\u202eabc", "\u200b\u200b\u200b", "12345", "สมชาย\x00"]
)
def test_a_name_with_control_or_invisible_characters_or_no_letter_is_refused(client, name):
    office = make_office()

    response = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, name=name))

    assert (response.status_code, response.json["error"]["field"]) == (400, "name")
    assert nothing_booked()


def test_a_name_is_stored_in_its_composed_unicode_form(client):
    office = make_office()
    token = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, name="Rene\u0301  Dupont")
    ).json["token"]

    assert db.session.query(Booking.name).filter_by(token=token).scalar() == "Ren\u00e9 Dupont"
