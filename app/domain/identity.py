"""Who is booking: Thai national ID, Thai mobile numbers, and how we keep them.

A national ID is never stored: we keep a keyed HMAC ("blind index") to match it and a
masked form to show it. An unkeyed hash would not do: with the mask's hint an ID is
recovered from a plain SHA-256 in well under a second (see the research notes).
"""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from .errors import N_, InvalidField

_SEPARATORS = re.compile(r"[\s\-]")
# A Thai keyboard layout types ๐–๙; they are the same digits.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def thai_id_check_digit(first12: str) -> int:
    """The 13th digit: (11 - Σ digit·weight mod 11) mod 10, weights 13 down to 2."""
    total = sum(int(d) * w for d, w in zip(first12, range(13, 1, -1), strict=True))
    return (11 - total % 11) % 10


def parse_national_id(raw: object, field: str = "national_id") -> str:
    """Return the 13 digits of a valid Thai national ID, or raise InvalidField.

    Dashes and spaces as printed on the card (1-2345-67890-12-3), and Thai digits, are allowed.
    The first digit is the holder's category, 1 to 8: no one holds an ID starting with 0 or 9
    (0000000000001, all zeros but for the check digit, passes the checksum).
    Note the checksum cannot catch a wrong third digit: staff still look at the card.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField(field, N_("Enter your 13-digit national ID number."))
    digits = _SEPARATORS.sub("", raw.strip()).translate(_THAI_DIGITS)
    if not digits.isdigit() or not digits.isascii():
        raise InvalidField(field, N_("The national ID number may contain only digits."))
    if len(digits) != 13:
        raise InvalidField(
            field,
            N_("The national ID number must have 13 digits; you entered %(count)s."),
            count=len(digits),
        )
    if digits[0] not in "12345678":
        raise InvalidField(field, N_("A national ID number starts with a digit from 1 to 8: please check your card."))
    if thai_id_check_digit(digits[:12]) != int(digits[12]):
        raise InvalidField(
            field,
            N_("This national ID number is not valid: please check each digit against your card."),
        )
    return digits


def parse_thai_mobile(raw: object, field: str = "phone") -> str:
    """Return a Thai mobile number in E.164 (+66812345678), or raise InvalidField.

    Accepts 0812345678, 081-234-5678, +66 81 234 5678 and 66812345678. Landlines are
    refused because they cannot receive the SMS that tells a person their turn has come.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField(field, N_("Enter your mobile phone number."))
    try:
        number = phonenumbers.parse(raw.strip(), "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidField(field, N_("This is not a valid Thai mobile number; use 10 digits such as 0812345678."))
    if number.country_code != 66 or phonenumbers.number_type(number) != PhoneNumberType.MOBILE:
        raise InvalidField(field, N_("Please give a Thai mobile number (06, 08 or 09): we send your turn by SMS."))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def blind_index(value: str, key: bytes, purpose: str) -> str:
    """A keyed hash to find and compare a value without storing it.

    The purpose string (e.g. ``nid:v1``) keeps indexes of different fields apart and lets
    a key be rotated deliberately.
    """
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def mask_national_id(digits: str) -> str:
    """Staff view: 1-1017-xxxxx-xx-8 (category, province/district, check digit)."""
    return f"{digits[0]}-{digits[1:5]}-xxxxx-xx-{digits[12]}"


def mask_national_id_public(digits: str) -> str:
    """Screens and tickets: only the last two digits."""
    return f"x-xxxx-xxxxx-x{digits[11]}-{digits[12]}"


def mask_phone(e164: str) -> str:
    """+66812345678 -> 08x-xxx-5678."""
    return f"0{e164[3]}x-xxx-{e164[-4:]}"
