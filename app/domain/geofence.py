"""Mobile booking is open only to phones near the office.

The server decides, never the phone. A position is accepted only when its whole
uncertainty circle lies inside the fence (distance + accuracy ≤ radius), and a fix
worse than ``max_accuracy_m`` (e.g. a cell-tower guess) is refused outright. GPS can
be spoofed, so the fence is a fairness rule, not proof of presence: staff still check.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from geopy.distance import geodesic

from .errors import N_, InvalidField, OutsideGeofence


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    accuracy_m: float


def parse_position(fields: Mapping[str, object], read_number: Callable[[object], float]) -> Position:
    """Read lat/lon/accuracy_m, or raise InvalidField naming the field.

    ``read_number`` turns what the entry point received into a float (a JSON number, a
    form's text) and raises ValueError/TypeError/OverflowError when it cannot.
    """
    lat = _number(fields, "lat", read_number, -90, 90, N_("Latitude must be a number between -90 and 90."))
    lon = _number(fields, "lon", read_number, -180, 180, N_("Longitude must be a number between -180 and 180."))
    accuracy = _number(
        fields, "accuracy_m", read_number, 0, 1e7, N_("Accuracy must be a positive number of metres.")
    )
    if accuracy <= 0:
        raise InvalidField("accuracy_m", N_("Accuracy must be a positive number of metres."))
    return Position(lat, lon, accuracy)


def check_unused_position(fields: Mapping[str, object], read_number: Callable[[object], float]) -> None:
    """A web booking needs no position, but one it carries must still be numbers in range:
    the API's document states each field's type whatever the channel."""
    for field, low, high, message in _POSITION_FIELDS:
        if fields.get(field) is not None:
            value = _number(fields, field, read_number, low, high, message)
            if field == "accuracy_m" and value <= 0:
                raise InvalidField(field, message)


_POSITION_FIELDS = (
    ("lat", -90, 90, N_("Latitude must be a number between -90 and 90.")),
    ("lon", -180, 180, N_("Longitude must be a number between -180 and 180.")),
    ("accuracy_m", 0, 1e7, N_("Accuracy must be a positive number of metres.")),
)


def _number(
    fields: Mapping[str, object],
    field: str,
    read_number: Callable[[object], float],
    low: float,
    high: float,
    message: str,
) -> float:
    raw = fields.get(field)
    if raw is None or raw == "":
        raise InvalidField(field, N_("We need your location to book on a phone; please allow location access."))
    try:
        value = read_number(raw)
    except (TypeError, ValueError, OverflowError):
        raise InvalidField(field, message) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidField(field, message)
    return float(value)


def distance_m(office_lat: float, office_lon: float, position: Position) -> float:
    """Metres on the WGS-84 ellipsoid (geodesic); cheap enough per request."""
    return geodesic((office_lat, office_lon), (position.lat, position.lon)).meters


def check_inside_fence(
    office_lat: float, office_lon: float, radius_m: int, position: Position, max_accuracy_m: float
) -> int:
    """Return the rounded distance if the phone is surely inside the fence; raise otherwise."""
    if position.accuracy_m > max_accuracy_m:
        raise InvalidField(
            "accuracy_m",
            N_(
                "Your location is only accurate to ±%(accuracy)s m; we need ±%(limit)s m or better. "
                "Turn on GPS (high accuracy), step outside if you can, and try again."
            ),
            accuracy=round(position.accuracy_m),
            limit=round(max_accuracy_m),
        )
    distance = distance_m(office_lat, office_lon, position)
    if distance + position.accuracy_m > radius_m:
        raise OutsideGeofence(round(distance), radius_m, round(position.accuracy_m))
    return round(distance)
