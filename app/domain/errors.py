"""The conditions a request can fail on, each with a stable code (the API's error codes).

Messages are English source strings marked with ``N_`` so ``pybabel extract`` finds them;
the web layer translates them (Thai by default), fills in ``params`` and decides how each
code reads to its audience (an HTTP status and JSON for the API, a page for a person):
HTTP belongs to the web edge, not here.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for translation without translating it here."""
    return message


class KhiwError(Exception):
    """A failure the citizen or client should be told about, with a stable code."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params

    def extra(self) -> dict[str, Any]:
        """Fields added beside code/message/field in the API error body."""
        return {}


class InvalidField(KhiwError):
    """One field of the request is missing or malformed; nothing was changed."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(message, field=field, **params)


class InvalidRequest(KhiwError):
    """The request as a whole cannot be read (not JSON, not an object)."""


class Unauthorized(KhiwError):
    code = "unauthorized"


class Forbidden(KhiwError):
    code = "forbidden"


class NotFound(KhiwError):
    code = "not_found"


class OutsideGeofence(KhiwError):
    """The phone is not (certainly) within the office's booking radius."""

    code = "outside_geofence"

    def __init__(self, distance_m: int, radius_m: int, accuracy_m: int) -> None:
        super().__init__(
            N_(
                "You are about %(distance)s from the office. Mobile booking opens within "
                "%(radius)s of the office (your position is accurate to ±%(accuracy)s m)."
            ),
            field="lat",
            distance=Distance(distance_m),
            radius=Distance(radius_m),
            accuracy=accuracy_m,
        )
        self.distance_m = distance_m
        self.radius_m = radius_m

    def extra(self) -> dict[str, Any]:
        return {"distance_m": self.distance_m, "radius_m": self.radius_m}


class CapacityFull(KhiwError):
    code = "capacity_full"


class AlreadyBooked(KhiwError):
    code = "already_booked"


class Closed(KhiwError):
    """The office is closed then, or the window for booking that time has passed."""

    code = "closed"


class InvalidState(KhiwError):
    """The booking's status does not allow this action (e.g. cancelling a finished visit)."""

    code = "invalid_state"


class TooSoon(KhiwError):
    """The same thing was asked again too soon; ``retry_after`` says in how many seconds it
    may be asked again (the web adds it as ``Retry-After``)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after


class IdempotencyMismatch(KhiwError):
    """An Idempotency-Key came back with a different request: nothing of the first is told."""

    code = "idempotency_mismatch"


#: Units of distance as each language writes them (Thai: เมตร / กิโลเมตร abbreviated).
_DISTANCE_UNITS = {"en": ("m", "km"), "th": ("ม.", "กม.")}


def format_distance(metres: int, locale: str = "en") -> str:
    """Distances a person reads at a glance: '850 m', '2.4 km'; in Thai '850 ม.', '2.4 กม.'."""
    metre, kilometre = _DISTANCE_UNITS.get(locale, _DISTANCE_UNITS["th"])
    if metres < 1000:
        return f"{metres:,} {metre}"
    return f"{metres / 1000:,.1f} {kilometre}"


class Distance(int):
    """A distance in metres in an error's parameters: whoever shows the message writes it in
    the reader's units (``format_distance``); as plain text, in English."""

    def __str__(self) -> str:
        return format_distance(int(self))
