"""A Thai mobile number, however it is typed, is kept in one form; others are refused."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidField
from app.domain.identity import mask_phone, parse_thai_mobile


@pytest.mark.parametrize(
    "typed",
    ["0812345678", "081-234-5678", "081 234 5678", "+66 81 234 5678", "66812345678", "+660812345678"],
)
def test_the_usual_ways_of_writing_a_thai_mobile_number_give_the_same_number(typed):
    assert parse_thai_mobile(typed) == "+66812345678"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("0612345678", "+66612345678"), ("0912345678", "+66912345678"), ("0898765432", "+66898765432")],
)
def test_numbers_in_the_06_08_and_09_mobile_ranges_are_accepted(typed, e164):
    assert parse_thai_mobile(typed) == e164


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("021234567", "a Bangkok landline cannot receive the SMS"),
        ("+66 2 123 4567", "a landline in international form"),
        ("081234567", "9 digits"),
        ("08123456789", "11 digits"),
        ("0512345678", "05 is not a mobile range"),
        ("0712345678", "07 is not a mobile range"),
        ("+44 7911 123456", "a UK mobile cannot be sent a Thai SMS"),
        ("not a number", "letters"),
        ("", "empty"),
        ("   ", "blank"),
        (None, "missing"),
        (812345678, "a number, not text"),
    ],
)
def test_a_number_that_is_not_a_thai_mobile_is_refused(typed, why):
    with pytest.raises(InvalidField) as caught:
        parse_thai_mobile(typed)

    assert caught.value.field == "phone", why
    assert caught.value.code == "invalid"


def test_a_landline_is_refused_with_a_message_asking_for_a_mobile():
    with pytest.raises(InvalidField) as caught:
        parse_thai_mobile("021234567")

    assert "mobile" in caught.value.message
    assert "SMS" in caught.value.message


def test_a_mobile_number_is_masked_to_its_range_and_last_four_digits():
    assert mask_phone("+66812345678") == "08x-xxx-5678"
    assert mask_phone("+66912340000") == "09x-xxx-0000"
