"""A booking request names the field a person must fix, in the order the form is filled in.

When a booking may be made (web windows, mobile hours, capacity) is in test_booking_windows.py.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from app.domain.booking import NAME_MAX, BookingRequest, parse_date
from app.domain.channels import Channel
from app.domain.errors import InvalidField, InvalidRequest
from app.domain.geofence import Position
from app.web.api.parsing import parse_booking_request

REMOVE = object()


def web_request(**changes) -> dict:
    body = {
        "office": "pa-sang",
        "service": "id-card",
        "channel": "web",
        "name": "Somchai Jaidee",
        "national_id": "1-1017-00230-70-8",
        "phone": "081-234-5678",
        "email": "Somchai@Example.COM",
        "date": "2026-11-24",
        "slot": "09:30",
    }
    return _apply(body, changes)


def mobile_request(**changes) -> dict:
    body = web_request(channel="mobile", slot=REMOVE, date=REMOVE)
    body.update({"lat": 18.526, "lon": 98.9392, "accuracy_m": 20})
    return _apply(body, changes)


def _apply(body: dict, changes: dict) -> dict:
    for key, value in changes.items():
        if value is REMOVE:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def refused_field(body: object) -> InvalidField:
    with pytest.raises(InvalidField) as caught:
        parse_booking_request(body)
    assert caught.value.code == "invalid"
    return caught.value


# --- what a good request gives --------------------------------------------------------


def test_a_complete_web_request_is_read_into_clean_values():
    request = parse_booking_request(web_request(name="  Somchai   Jaidee "))

    assert request == BookingRequest(
        office="pa-sang",
        service="id-card",
        channel=Channel.WEB,
        name="Somchai Jaidee",
        national_id="1101700230708",
        phone="+66812345678",
        email="Somchai@example.com",
        day=date(2026, 11, 24),
        slot=time(9, 30),
    )


def test_a_complete_mobile_request_carries_the_position_and_no_window():
    request = parse_booking_request(mobile_request())

    assert request.channel is Channel.MOBILE
    assert request.slot is None
    assert request.day is None
    assert request.position == Position(18.526, 98.9392, 20.0)


@pytest.mark.parametrize(
    ("given", "national_id", "phone"),
    [
        ({"phone": REMOVE}, "1101700230708", None),
        ({"national_id": ""}, None, "+66812345678"),
    ],
)
def test_either_a_national_id_or_a_mobile_number_is_enough(given, national_id, phone):
    request = parse_booking_request(web_request(**given))

    assert (request.national_id, request.phone) == (national_id, phone)


def test_email_is_optional():
    assert parse_booking_request(web_request(email=REMOVE)).email is None
    assert parse_booking_request(web_request(email="")).email is None


def test_a_name_of_exactly_the_maximum_length_is_accepted():
    assert parse_booking_request(web_request(name="ก" * NAME_MAX)).name == "ก" * NAME_MAX


def test_a_mobile_request_may_say_which_day_it_is_for():
    assert parse_booking_request(mobile_request(date="2026-11-23")).day == date(2026, 11, 23)


# --- the field a person is pointed at -------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"office": REMOVE}, "office"),
        ({"office": "  "}, "office"),
        ({"office": 7}, "office"),
        ({"service": REMOVE}, "service"),
        ({"service": ""}, "service"),
        ({"channel": REMOVE}, "channel"),
        ({"channel": "walk_in"}, "channel"),
        ({"channel": "WEB"}, "channel"),
        ({"channel": "kiosk"}, "channel"),
        ({"channel": ["web"]}, "channel"),
        ({"name": REMOVE}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"name": "ก" * (NAME_MAX + 1)}, "name"),
        ({"national_id": REMOVE, "phone": REMOVE}, "national_id"),
        ({"national_id": "", "phone": ""}, "national_id"),
        ({"national_id": None, "phone": None}, "national_id"),
        ({"national_id": "1101700230709"}, "national_id"),
        ({"national_id": 1101700230708}, "national_id"),
        ({"phone": "021234567"}, "phone"),
        ({"phone": 812345678}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b@example.com"}, "email"),
        ({"email": 12}, "email"),
        ({"date": REMOVE}, "date"),
        ({"date": "24/11/2026"}, "date"),
        ({"date": "2026-11-31"}, "date"),
        ({"date": "2569-11-24"}, "date"),
        ({"date": 20261124}, "date"),
        ({"slot": REMOVE}, "slot"),
        ({"slot": "9:30"}, "slot"),
        ({"slot": "09:30:00"}, "slot"),
        ({"slot": "25:00"}, "slot"),
        ({"slot": 930}, "slot"),
    ],
)
def test_a_web_request_with_a_missing_or_invalid_field_names_that_field(changes, field):
    assert refused_field(web_request(**changes)).field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": REMOVE}, "lat"),
        ({"lat": None}, "lat"),
        ({"lon": REMOVE}, "lon"),
        ({"accuracy_m": REMOVE}, "accuracy_m"),
        ({"accuracy_m": 0}, "accuracy_m"),
        ({"accuracy_m": -5}, "accuracy_m"),
        ({"lat": 91}, "lat"),
        ({"lat": -90.5}, "lat"),
        ({"lon": 180.1}, "lon"),
        ({"lat": "18.526"}, "lat"),
        ({"lat": True}, "lat"),
        ({"accuracy_m": True}, "accuracy_m"),
        ({"lon": float("nan")}, "lon"),
        ({"slot": "09:30"}, "slot"),
        ({"date": "tomorrow"}, "date"),
    ],
)
def test_a_mobile_request_with_a_missing_or_invalid_field_names_that_field(changes, field):
    assert refused_field(mobile_request(**changes)).field == field


def test_walk_in_is_refused_with_a_pointer_to_the_kiosk():
    assert "kiosk" in refused_field(web_request(channel="walk_in")).message


def test_a_too_long_name_reports_the_limit():
    assert refused_field(web_request(name="x" * 101)).params == {"max": NAME_MAX}


def test_the_first_fault_in_form_order_is_reported():
    body = web_request(office=REMOVE, name=REMOVE, date="bad", slot="bad")

    assert refused_field(body).field == "office"


def test_an_unreal_date_is_quoted_back_to_the_person():
    error = refused_field(web_request(date="2026-02-30"))

    assert error.params == {"value": "2026-02-30"}


def test_a_buddhist_era_year_gets_a_hint_to_subtract_543():
    assert "543" in refused_field(web_request(date="2569-11-24")).message


def test_a_buddhist_era_leap_day_gets_the_hint_to_subtract_543():
    with pytest.raises(InvalidField) as caught:
        parse_date("2567-02-29")

    assert "543" in caught.value.message


@pytest.mark.parametrize("body", [None, [], ["office", "pa-sang"], "office=pa-sang", 42])
def test_a_body_that_is_not_an_object_is_refused_as_a_whole(body):
    with pytest.raises(InvalidRequest) as caught:
        parse_booking_request(body)

    assert caught.value.field is None
    assert caught.value.code == "invalid"
