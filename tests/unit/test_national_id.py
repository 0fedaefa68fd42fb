"""A Thai national ID is read as a person types it, and refused when it cannot be right."""

from __future__ import annotations

import random

import pytest

from app.domain.errors import InvalidField
from app.domain.identity import (
    blind_index,
    mask_national_id,
    mask_national_id_public,
    parse_national_id,
    thai_id_check_digit,
)

VALID_ID = "1101700230708"
KEY = b"unit-test-key"


def with_last_digit(national_id: str, digit: int) -> str:
    return national_id[:12] + str(digit)


def refused(raw: object) -> InvalidField:
    with pytest.raises(InvalidField) as caught:
        parse_national_id(raw)
    assert caught.value.field == "national_id"
    assert caught.value.code == "invalid"
    return caught.value


# --- valid IDs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("1101700230708", "1101700230708"),
        ("1234567890121", "1234567890121"),
        ("1-1017-00230-70-8", "1101700230708"),
        ("1 1017 00230 70 8", "1101700230708"),
        ("  1101700230708  ", "1101700230708"),
    ],
)
def test_a_valid_national_id_is_returned_as_its_13_digits(typed, digits):
    assert parse_national_id(typed) == digits


@pytest.mark.parametrize("first12", ["000000000000", "010553700123", "910553700123"])
def test_a_national_id_no_one_can_hold_is_refused_even_with_a_valid_check_digit(first12):
    national_id = first12 + str(thai_id_check_digit(first12))

    error = refused(national_id)

    assert "1 to 8" in error.message


@pytest.mark.parametrize("category", "12345678")
def test_every_holder_category_from_1_to_8_is_accepted(category):
    first12 = category + "10553700123"
    national_id = first12 + str(thai_id_check_digit(first12))

    assert parse_national_id(national_id) == national_id


def test_the_check_digit_of_a_known_card_is_computed():
    assert thai_id_check_digit("110170023070") == 8
    assert thai_id_check_digit("123456789012") == 1


# --- wrong check digit ---------------------------------------------------------------


@pytest.mark.parametrize("wrong", [d for d in range(10) if d != int(VALID_ID[12])])
def test_a_national_id_with_a_wrong_check_digit_is_refused(wrong):
    error = refused(with_last_digit(VALID_ID, wrong))

    assert "not valid" in error.message


# --- malformed input -----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["110170023070", "11017002307088"])
def test_a_national_id_of_the_wrong_length_is_refused_with_the_count_entered(typed):
    error = refused(typed)

    assert error.params == {"count": len(typed)}
    assert str(len(typed)) in str(error)


@pytest.mark.parametrize(
    "typed",
    [
        "11017002307O8",  # letter O typed for a zero
        "１１０１７００２３０７０８",  # full-width digits
        "1.1017.00230.70.8",
        "---",
    ],
)
def test_a_national_id_with_anything_but_ascii_digits_is_refused(typed):
    error = refused(typed)

    assert "only digits" in error.message


@pytest.mark.parametrize("raw", ["", "   ", None, 1101700230708, ["1101700230708"]])
def test_a_missing_or_non_text_national_id_is_refused(raw):
    error = refused(raw)

    assert "Enter your 13-digit" in error.message


def test_the_field_named_in_the_error_can_be_chosen_by_the_caller():
    with pytest.raises(InvalidField) as caught:
        parse_national_id("123", field="staff_national_id")

    assert caught.value.field == "staff_national_id"


# --- property-style check over many IDs ------------------------------------------------


def random_prefixes(count: int) -> list[str]:
    rng = random.Random(2569)
    # The first digit is a holder category, 1–8; the other eleven are any digits.
    return [rng.choice("12345678") + "".join(rng.choice("0123456789") for _ in range(11)) for _ in range(count)]


def test_every_id_completed_with_its_check_digit_parses_and_any_other_last_digit_fails():
    for first12 in random_prefixes(2000):
        right = thai_id_check_digit(first12)
        national_id = first12 + str(right)
        assert parse_national_id(national_id) == national_id
        for other in set(range(10)) - {right}:
            with pytest.raises(InvalidField):
                parse_national_id(first12 + str(other))


def test_known_limitation_a_wrong_third_digit_is_not_detected_by_the_checksum():
    """The third digit's weight is 11, which is 0 modulo 11: staff must compare with the card."""
    for first12 in random_prefixes(200):
        national_id = first12 + str(thai_id_check_digit(first12))
        for third in "0123456789":
            typo = national_id[:2] + third + national_id[3:]
            assert parse_national_id(typo) == typo


# --- masks -------------------------------------------------------------------------------


def test_staff_see_category_district_and_check_digit_only():
    assert mask_national_id(VALID_ID) == "1-1017-xxxxx-xx-8"


def test_public_screens_show_only_the_last_two_digits():
    masked = mask_national_id_public(VALID_ID)

    assert "".join(c for c in masked if c.isdigit()) == VALID_ID[-2:]
    assert masked.endswith("0-8")
    assert len(masked) == len("1-1017-00230-70-8")


# --- blind index -------------------------------------------------------------------------


def test_the_same_id_and_key_give_the_same_blind_index():
    assert blind_index(VALID_ID, KEY, "nid:v1") == blind_index(VALID_ID, KEY, "nid:v1")


def test_a_different_id_gives_a_different_blind_index():
    assert blind_index(VALID_ID, KEY, "nid:v1") != blind_index("1234567890121", KEY, "nid:v1")


def test_a_different_key_gives_a_different_blind_index():
    assert blind_index(VALID_ID, KEY, "nid:v1") != blind_index(VALID_ID, b"another-key", "nid:v1")


def test_a_different_purpose_gives_a_different_blind_index():
    assert blind_index(VALID_ID, KEY, "nid:v1") != blind_index(VALID_ID, KEY, "phone:v1")


def test_the_blind_index_does_not_reveal_the_id():
    index = blind_index(VALID_ID, KEY, "nid:v1")

    assert VALID_ID not in index
    assert VALID_ID[-6:] not in index


def test_a_national_id_typed_in_thai_digits_is_read_as_the_same_number():
    assert parse_national_id("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘") == "1101700230708"
