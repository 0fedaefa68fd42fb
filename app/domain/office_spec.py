"""An office as plain data: what an admin form, the demo seed and the test factories fill in.

A spec that exists is valid. Building one checks everything the database's CHECK and
unique constraints would otherwise refuse (ranges, distinct prefixes, weekdays, opening
periods, duplicate service codes, counter numbers and closed dates, known channels) and
raises InvalidField naming the field at fault, before any row is written. Whether the
office code is still free only the database knows: ``app.services.offices.create_office``
checks that.

Collections are stored normalised: channel names become ``Channel`` members and lists
become tuples, so ``{"web": 30}`` and ``{Channel.WEB: 30}`` describe the same office.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from .calendar import OfficeCalendar
from .channels import DEFAULT_PREFIXES, Channel
from .errors import N_, InvalidField
from .verification import HOLD_MINUTES_RANGE, parse_verification

CODE_MAX = 32
NAME_MAX = 200
COUNTER_NAME_MAX = 100
PREFIX_MAX = 2
GEOFENCE_M = (100, 20000)
HORIZON_DAYS = (0, 365)
WEB_SLOT_MINUTES = (5, 240)
AVG_MINUTES = (1, 480)

# Codes appear in addresses (/api/v1/offices/pa-sang) and in booking requests.
_CODE = re.compile(r"[a-z0-9][a-z0-9-]*")

_CODE_MESSAGE = N_("A code is 1–%(max)s lowercase letters, digits or hyphens, e.g. pa-sang.")
_NAME_MESSAGE = N_("Enter a name in Thai and in English, each at most %(max)s characters.")
_CAPACITY_MESSAGE = N_("A capacity is a whole number, 0 or more.")
_WEEKDAY_MESSAGE = N_("Weekdays are numbered 1 (Monday) to 7 (Sunday).")
DOCUMENTS_MAX = 2000
_SERVICE_MESSAGE = N_("A service has a code, a name in Thai and in English, and an average time in minutes.")
_COUNTER_MESSAGE = N_("A counter has a number, a name in Thai and in English, and the channels it calls.")


@dataclass(frozen=True)
class ServiceSpec:
    """A service the office offers, e.g. a national ID card, about ``avg_minutes`` a visit."""

    code: str
    name_th: str
    name_en: str
    avg_minutes: int = 10
    documents_th: str = ""  # what to bring, one item a line
    documents_en: str = ""

    def __post_init__(self) -> None:
        _check_code("services", self.code)
        _check_name("services", self.name_th, NAME_MAX)
        _check_name("services", self.name_en, NAME_MAX)
        if not _is_int(self.avg_minutes) or not AVG_MINUTES[0] <= self.avg_minutes <= AVG_MINUTES[1]:
            raise InvalidField(
                "services",
                N_("An average service time is %(low)s–%(high)s minutes."),
                low=AVG_MINUTES[0],
                high=AVG_MINUTES[1],
            )
        for documents in (self.documents_th, self.documents_en):
            if not isinstance(documents, str) or len(documents) > DOCUMENTS_MAX:
                raise InvalidField(
                    "services",
                    N_("What to bring is text, one item a line, at most %(max)s characters."),
                    max=DOCUMENTS_MAX,
                )


@dataclass(frozen=True)
class CounterSpec:
    """A numbered counter and the channels whose tickets it calls."""

    number: int
    name_th: str
    name_en: str
    channels: tuple[Channel, ...] = ()

    def __post_init__(self) -> None:
        if not _is_int(self.number) or self.number < 1:
            raise InvalidField("counters", N_("A counter number is a whole number, 1 or more."))
        _check_name("counters", self.name_th, COUNTER_NAME_MAX)
        _check_name("counters", self.name_en, COUNTER_NAME_MAX)
        channels = tuple(_channel("counters", c) for c in _iterable("counters", self.channels))
        if len(set(channels)) != len(channels):
            raise InvalidField("counters", N_("Counter %(number)s lists a channel twice."), number=self.number)
        object.__setattr__(self, "channels", channels)


@dataclass(frozen=True)
class OfficeSpec:
    """Everything needed to open an office for booking.

    ``hours``: ISO weekday (1 = Monday … 7 = Sunday) → ``(opens, closes)`` periods, local time.
    ``capacity``: weekday → places per channel. ``closures``: ``(date, reason_th, reason_en)``.
    """

    code: str
    name_th: str
    name_en: str
    lat: float
    lon: float
    address_th: str = ""
    address_en: str = ""
    geofence_m: int = 1500
    booking_horizon_days: int = 30
    web_slot_minutes: int = 30
    web_slot_capacity: int = 4
    prefixes: Mapping[Channel, str] = field(default_factory=lambda: dict(DEFAULT_PREFIXES))
    hours: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    capacity: Mapping[int, Mapping[Channel, int]] = field(default_factory=dict)
    services: tuple[ServiceSpec, ...] = ()
    counters: tuple[CounterSpec, ...] = ()
    closures: tuple[tuple[date, str, str], ...] = ()
    verification: str = "none"  # "otp": hold web and mobile bookings until a code is typed back
    hold_minutes: int = 10

    def __post_init__(self) -> None:
        """Check each field in the order an admin form lists them; the first fault is raised."""
        _check_code("code", self.code)
        _check_name("name_th", self.name_th, NAME_MAX)
        _check_name("name_en", self.name_en, NAME_MAX)
        for name in ("address_th", "address_en"):
            if not isinstance(getattr(self, name), str):
                raise InvalidField(name, N_("An address is plain text."))
        _check_coordinate("lat", self.lat, 90, N_("Latitude must be a number between -90 and 90."))
        _check_coordinate("lon", self.lon, 180, N_("Longitude must be a number between -180 and 180."))
        _check_range("geofence_m", self.geofence_m, GEOFENCE_M, N_("The geofence radius is %(low)s–%(high)s metres."))
        _check_range(
            "booking_horizon_days",
            self.booking_horizon_days,
            HORIZON_DAYS,
            N_("Web bookings open %(low)s–%(high)s days ahead."),
        )
        _check_range(
            "web_slot_minutes",
            self.web_slot_minutes,
            WEB_SLOT_MINUTES,
            N_("A web booking window lasts %(low)s–%(high)s minutes."),
        )
        if not _is_int(self.web_slot_capacity) or self.web_slot_capacity < 0:
            raise InvalidField("web_slot_capacity", _CAPACITY_MESSAGE)
        _check_range("hold_minutes", self.hold_minutes, HOLD_MINUTES_RANGE,
                     N_("A hold keeps its place %(low)s–%(high)s minutes."))  # fmt: skip
        set_ = object.__setattr__  # normalised copies on a frozen instance
        set_(self, "verification", parse_verification(self.verification).value)
        set_(self, "lat", float(self.lat))
        set_(self, "lon", float(self.lon))
        set_(self, "prefixes", _prefixes(self.prefixes))
        set_(self, "hours", _hours(self.hours))
        set_(self, "capacity", _capacity(self.capacity))
        set_(self, "services", _unique_services(self.services))
        set_(self, "counters", _unique_counters(self.counters))
        set_(self, "closures", _closures(self.closures))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> OfficeSpec:
        """A spec from the dict shape of ``app.demo_data.OFFICES`` (services and counters as dicts).

        Optional keys fall back to the dataclass defaults; a missing required key is
        reported by the checks above, naming it.
        """
        optional = {
            key: data[key]
            for key in (
                "address_th",
                "address_en",
                "geofence_m",
                "booking_horizon_days",
                "web_slot_minutes",
                "web_slot_capacity",
                "prefixes",
                "hours",
                "capacity",
                "closures",
                "verification",
                "hold_minutes",
            )
            if key in data
        }
        services = [
            _from_dict("services", ServiceSpec, s, _SERVICE_MESSAGE)
            for s in _iterable("services", data.get("services", ()))
        ]
        counters = [
            _from_dict("counters", CounterSpec, c, _COUNTER_MESSAGE)
            for c in _iterable("counters", data.get("counters", ()))
        ]
        return cls(
            code=data.get("code"),  # type: ignore[arg-type]
            name_th=data.get("name_th"),  # type: ignore[arg-type]
            name_en=data.get("name_en"),  # type: ignore[arg-type]
            lat=data.get("lat"),  # type: ignore[arg-type]
            lon=data.get("lon"),  # type: ignore[arg-type]
            services=tuple(services),
            counters=tuple(counters),
            **optional,
        )


# --- checks, each naming the field it is about ------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_code(field_name: str, value: object) -> None:
    if not isinstance(value, str) or len(value) > CODE_MAX or not _CODE.fullmatch(value):
        raise InvalidField(field_name, _CODE_MESSAGE, max=CODE_MAX)


def _check_name(field_name: str, value: object, max_length: int) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise InvalidField(field_name, _NAME_MESSAGE, max=max_length)


def _check_coordinate(field_name: str, value: object, limit: int, message: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidField(field_name, message)
    if not -limit <= value <= limit:
        raise InvalidField(field_name, message)


def _check_range(field_name: str, value: object, bounds: tuple[int, int], message: str) -> None:
    low, high = bounds
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        raise InvalidField(field_name, message, low=low, high=high)


def _iterable(field_name: str, value: object) -> Iterable:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidField(field_name, N_("This must be a list."))
    return value


def _mapping(field_name: str, value: object) -> Mapping:
    if not isinstance(value, Mapping):
        raise InvalidField(field_name, N_("This must be a table keyed by weekday or channel."))
    return value


def _channel(field_name: str, value: object) -> Channel:
    channel = Channel.parse(value)
    if channel is None:
        raise InvalidField(field_name, N_("Unknown channel %(value)s: use walk_in, web or mobile."), value=value)
    return channel


def _weekday(field_name: str, value: object) -> int:
    if not _is_int(value) or not 1 <= value <= 7:  # type: ignore[operator]
        raise InvalidField(field_name, _WEEKDAY_MESSAGE)
    return value  # type: ignore[return-value]


def _prefixes(value: object) -> dict[Channel, str]:
    given = {_channel("prefixes", ch): prefix for ch, prefix in _mapping("prefixes", value).items()}
    prefixes = {ch: given.get(ch) for ch in Channel}
    for prefix in prefixes.values():
        # Letters only: a digit would make "A1" + 001 read like "A" + 1001.
        if not isinstance(prefix, str) or not 1 <= len(prefix) <= PREFIX_MAX or not prefix.isalpha():
            raise InvalidField("prefixes", N_("Give each channel a prefix of 1–%(max)s letters."), max=PREFIX_MAX)
    if len(set(prefixes.values())) != len(prefixes):
        # Numbers never repeat within an office and day, so channels need distinct prefixes.
        raise InvalidField("prefixes", N_("Each channel needs its own prefix."))
    return prefixes  # type: ignore[return-value]


def _hours(value: object) -> dict[int, tuple[tuple[time, time], ...]]:
    hours = {}
    for weekday, periods in _mapping("hours", value).items():
        day_periods = []
        for period in _iterable("hours", periods):
            if not isinstance(period, tuple | list) or len(period) != 2 or not all(isinstance(t, time) for t in period):
                raise InvalidField("hours", N_("An opening period is a pair of times: opens, closes."))
            day_periods.append((period[0], period[1]))
        hours[_weekday("hours", weekday)] = tuple(day_periods)
    try:
        OfficeCalendar.build(_flat_periods(hours))
    except ValueError:
        raise InvalidField(
            "hours", N_("Each opening period must open before it closes, and periods of a day must not overlap.")
        ) from None
    return hours


def _flat_periods(hours: Mapping[int, Iterable[tuple[time, time]]]) -> list[tuple[int, time, time]]:
    return [(day, opens, closes) for day, periods in hours.items() for opens, closes in periods]


def _capacity(value: object) -> dict[int, dict[Channel, int]]:
    capacity = {}
    for weekday, per_channel in _mapping("capacity", value).items():
        places = {}
        for channel, n in _mapping("capacity", per_channel).items():
            if not _is_int(n) or n < 0:
                raise InvalidField("capacity", _CAPACITY_MESSAGE)
            places[_channel("capacity", channel)] = n
        capacity[_weekday("capacity", weekday)] = places
    return capacity


def _unique_services(value: object) -> tuple[ServiceSpec, ...]:
    services = tuple(_iterable("services", value))
    seen = set()
    for service in services:
        if not isinstance(service, ServiceSpec):
            raise InvalidField("services", _SERVICE_MESSAGE)
        if service.code in seen:
            raise InvalidField("services", N_("The service code %(code)s appears twice."), code=service.code)
        seen.add(service.code)
    return services


def _unique_counters(value: object) -> tuple[CounterSpec, ...]:
    counters = tuple(_iterable("counters", value))
    seen = set()
    for counter in counters:
        if not isinstance(counter, CounterSpec):
            raise InvalidField("counters", _COUNTER_MESSAGE)
        if counter.number in seen:
            raise InvalidField("counters", N_("Counter %(number)s appears twice."), number=counter.number)
        seen.add(counter.number)
    return counters


def _closures(value: object) -> tuple[tuple[date, str, str], ...]:
    closures = []
    seen = set()
    for closure in _iterable("closures", value):
        if (
            not isinstance(closure, tuple | list)
            or len(closure) != 3
            or not isinstance(closure[0], date)
            or isinstance(closure[0], datetime)
            or not all(isinstance(reason, str) and len(reason) <= NAME_MAX for reason in closure[1:])
        ):
            raise InvalidField(
                "closures",
                N_("A closed date is a date with a reason in Thai and in English, each at most %(max)s characters."),
                max=NAME_MAX,
            )
        day = closure[0]
        if day in seen:
            raise InvalidField("closures", N_("%(date)s is listed twice among the closed dates."), date=day.isoformat())
        seen.add(day)
        closures.append((day, closure[1], closure[2]))
    return tuple(closures)


def _from_dict(field_name: str, spec_type: type, value: object, message: str) -> Any:
    if isinstance(value, spec_type):
        return value
    if not isinstance(value, Mapping):
        raise InvalidField(field_name, message)
    try:
        return spec_type(**value)
    except TypeError:  # a missing or unknown key
        raise InvalidField(field_name, message) from None
