"""The hold rules of app/domain/verification.py (pure: the clock is passed in), and how a
clerk's search at the counter is read (app/domain/lookup.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import verification as v
from app.domain.channels import Channel
from app.domain.errors import InvalidField, InvalidState, TooSoon
from app.domain.lookup import Lookup, LookupKind, read_lookup
from app.domain.status import Status
from tests.factories import valid_national_id

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
ENDS = v.hold_expires_at(NOW, 10)


def test_a_hold_ends_hold_minutes_after_it_was_made():
    assert timedelta(minutes=10) == ENDS - NOW


@pytest.mark.parametrize(
    ("status", "at", "attempts", "live"),
    [
        (Status.HELD, NOW, 0, True),
        (Status.HELD, ENDS - timedelta(microseconds=1), 4, True),  # the last moment, the last try
        (Status.HELD, ENDS, 0, False),  # expired at exactly its end
        (Status.HELD, NOW, v.MAX_CODE_ATTEMPTS, False),  # five wrong codes end it
        (Status.BOOKED, NOW, 0, False),
        (Status.CANCELLED, NOW, 0, False),
    ],
)
def test_a_hold_is_live_until_it_expires_or_has_had_five_wrong_codes(status, at, attempts, live):
    assert v.hold_is_live(status, ENDS, attempts, at) is live
    assert (v.confirm_refusal(status, ENDS, attempts, at) is None) is live


def test_a_hold_without_an_end_is_never_live():
    assert not v.hold_is_live(Status.HELD, None, 0, NOW)


def test_an_ended_hold_says_book_again_and_a_booked_one_says_no_code_is_needed():
    ended = v.confirm_refusal(Status.HELD, ENDS, 0, ENDS)
    booked = v.confirm_refusal(Status.BOOKED, None, 0, NOW)
    assert isinstance(ended, InvalidState) and "book again" in ended.message
    assert isinstance(booked, InvalidState) and "already confirmed" in booked.message


@pytest.mark.parametrize(("attempts", "left"), [(0, 5), (1, 4), (4, 1), (5, 0), (9, 0)])
def test_attempts_left_counts_down_from_five_and_never_below_zero(attempts, left):
    assert v.attempts_left(attempts) == left


def test_a_wrong_code_names_the_field_and_the_tries_left_and_the_fifth_ends_the_hold():
    first = v.wrong_code(1)
    fifth = v.wrong_code(5)
    assert isinstance(first, InvalidField) and first.field == "code" and first.params == {"left": 4}
    assert isinstance(fifth, InvalidState) and fifth.params == {"max": 5}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("042917", "042917"),
        (" 042917\n", "042917"),  # pasted with spaces around
        ("042 917", "042917"),  # read out in two groups
        ("๐๔๒๙๑๗", "042917"),  # typed on a Thai keyboard
        ("๐๔๒ 917", "042917"),
    ],
)
def test_a_code_is_read_as_typed(raw, code):
    assert v.parse_code(raw) == code


@pytest.mark.parametrize(
    "raw",
    ["", "   ", None, 42917, "04291", "0429170", "04291a", "04-2917", "０４２９１７", "٠٤٢٩١٧", "042917\x00"],
)
def test_a_code_that_is_not_six_ascii_or_thai_digits_is_invalid_on_code(raw):
    # (full-width and Arabic-Indic digits are digits to Python, but not what we sent)
    with pytest.raises(InvalidField) as refused:
        v.parse_code(raw)
    assert refused.value.field == "code"


def test_only_web_and_mobile_bookings_at_an_otp_office_are_held():
    assert v.needs_hold("otp", Channel.WEB) and v.needs_hold("otp", Channel.MOBILE)
    assert not v.needs_hold("otp", Channel.WALK_IN) and not v.needs_hold("none", Channel.WEB)


def test_a_hold_needs_a_phone_or_an_email_to_send_its_code_to():
    v.check_reachable("+66812345678", None)
    v.check_reachable(None, "a@example.org")
    with pytest.raises(InvalidField) as refused:
        v.check_reachable(None, None)
    assert refused.value.field == "phone"


def test_verification_is_none_or_otp():
    assert v.parse_verification("otp") is v.Verification.OTP
    with pytest.raises(InvalidField):
        v.parse_verification("sms")


# --- sending the code again -------------------------------------------------------------------


def test_a_code_may_be_sent_again_a_minute_after_the_last_one():
    assert v.resend_refusal(Status.HELD, ENDS, 0, 1, NOW, NOW + v.RESEND_AFTER) is None
    soon = v.resend_refusal(Status.HELD, ENDS, 0, 1, NOW, NOW + timedelta(seconds=20.5))
    assert isinstance(soon, TooSoon) and soon.code == "rate_limited" and soon.retry_after == 40  # rounded up


def test_at_most_three_codes_are_sent_for_one_hold():
    later = NOW + timedelta(minutes=5)
    assert v.resend_refusal(Status.HELD, ENDS, 0, v.MAX_CODE_SENDS - 1, NOW, later) is None
    third = v.resend_refusal(Status.HELD, ENDS, 0, v.MAX_CODE_SENDS, NOW, later)
    assert isinstance(third, InvalidState) and third.params == {"max": 3}


def test_no_code_is_sent_again_for_an_ended_hold_or_a_booking_that_is_not_held():
    assert isinstance(v.resend_refusal(Status.HELD, ENDS, 0, 1, NOW, ENDS), InvalidState)
    assert isinstance(v.resend_refusal(Status.HELD, ENDS, 5, 1, NOW, NOW + timedelta(minutes=2)), InvalidState)
    assert isinstance(v.resend_refusal(Status.BOOKED, None, 0, 1, NOW, NOW + timedelta(minutes=2)), InvalidState)


# --- what a clerk types at the counter ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        (valid_national_id(7), LookupKind.NATIONAL_ID, valid_national_id(7)),
        ("081-234-5678", LookupKind.PHONE, "+66812345678"),
        (" w 012 ", LookupKind.NUMBER, "W012"),
        ("https://khiw.example/b/" + "a" * 43 + "?lang=en", LookupKind.TOKEN, "a" * 43),
        ("Ab_-" * 10 + "xyz", LookupKind.TOKEN, "Ab_-" * 10 + "xyz"),
    ],
)
def test_the_counter_search_reads_an_id_a_phone_a_number_or_a_booking_code(raw, kind, value):
    assert read_lookup(raw) == Lookup(kind, value)


def test_the_id_on_the_card_is_read_as_printed_with_dashes_and_a_wrong_check_digit_is_told():
    nid = valid_national_id(7)
    printed = f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"
    assert read_lookup(printed).value == nid
    wrong = nid[:12] + str((int(nid[12]) + 1) % 10)
    with pytest.raises(InvalidField) as refused:
        read_lookup(wrong)
    assert "check each digit" in refused.value.message and refused.value.field == "q"


@pytest.mark.parametrize("raw", ["", "hello?", "x" * 301, None, "02-123-4567"])
def test_anything_else_is_refused_on_the_search_field(raw):
    with pytest.raises(InvalidField) as refused:
        read_lookup(raw)
    assert refused.value.field == "q"
