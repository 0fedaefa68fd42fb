"""What the booking forms send, read by the domain's own functions, with every fault
collected so each is shown beside its field (the API reports the first only)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping

from flask_babel import gettext

from app.domain.booking import BookingRequest, parse_email, parse_name, read_booking_request
from app.domain.errors import N_, InvalidField, KhiwError
from app.domain.identity import parse_national_id, parse_thai_mobile

from ..errors import translate

#: The fields a person types, kept and sent again at each step.
PERSON_FIELDS = ("name", "national_id", "phone", "email")
IDEMPOTENCY_KEY_BYTES = 16


def person_values(form: Mapping[str, str]) -> dict[str, str]:
    return {name: form.get(name, "").strip() for name in PERSON_FIELDS}


def one_time_key(form: Mapping[str, str]) -> str:
    """The key that makes a repeated "confirm" (back button, refresh, double tap) return the
    booking already made: kept from the form when it carries one, new otherwise."""
    key = form.get("key", "")
    if 16 <= len(key) <= 64 and key.replace("-", "").replace("_", "").isalnum():
        return key
    return secrets.token_urlsafe(IDEMPOTENCY_KEY_BYTES)


def field_errors(form: Mapping[str, str], *, consent_required: bool = True) -> dict[str, str]:
    """Every fault of the person's details, by field, in the person's language."""
    errors: dict[str, str] = {}
    checks: list[tuple[str, Callable[[object], object]]] = [
        ("name", parse_name),
        ("national_id", lambda raw: parse_national_id(raw) if raw else None),
        ("phone", lambda raw: parse_thai_mobile(raw) if raw else None),
        ("email", parse_email),
    ]
    for name, check in checks:
        try:
            check(form.get(name, "").strip())
        except KhiwError as error:
            errors[name] = translate(error)
    if not form.get("national_id", "").strip() and not form.get("phone", "").strip():
        errors["national_id"] = gettext(N_("Give your national ID number or your mobile number (or both)."))
    if consent_required and form.get("consent") != "yes":
        errors["consent"] = gettext(N_("Tick the box to agree, so we may keep your details for this booking."))
    return errors


def booking_request(fields: Mapping[str, object]) -> BookingRequest:
    """The request the service books, read exactly as the API reads it (numbers as text)."""
    return read_booking_request(fields, float)


def error_for(error: KhiwError) -> tuple[str | None, str]:
    """(field, message) of a refusal, for showing beside the field it is about."""
    field = error.field if isinstance(error, InvalidField) or error.field else None
    return field, translate(error)
