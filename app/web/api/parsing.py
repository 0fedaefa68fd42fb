"""The API's wire format → the domain's requests. JSON numbers are numbers here; the
pages read the same fields from a form through their own entry point."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.booking import BookingRequest, read_booking_request
from app.domain.errors import N_, InvalidField, InvalidRequest


def read_json_number(raw: object) -> float:
    """A JSON number (not a string, not true/false); ValueError otherwise."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError("not a JSON number")
    return float(raw)  # OverflowError for an integer too large to be a coordinate


def parse_booking_request(payload: object) -> BookingRequest:
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    return read_booking_request(payload, read_json_number)


def query_flag(args: Mapping[str, str], name: str) -> bool | None:
    """A true/false filter in the query string, as the document states it: absent or empty
    (``name=``, as a form with the filter left blank sends it) is None; then ``true`` or
    ``false``, nothing else (not ``1``)."""
    raw = args.get(name)
    if not raw:
        return None
    if raw not in ("true", "false"):
        raise InvalidField(name, N_("Write true or false."))
    return raw == "true"
