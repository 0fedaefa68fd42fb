"""An office as the booking and queue rules see it: a plain, read-only snapshot.

The database keeps offices as rows in several tables; the services read them once into
an ``OfficeRules`` (and keep it while it is current), so the rules and the serializers
work on plain values and never touch the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .calendar import OfficeCalendar, Slot
from .channels import Channel


def by_locale(locale: str, thai: str, english: str) -> str:
    """Thai unless the person reads English."""
    return english if locale == "en" else thai


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    name_th: str
    name_en: str
    avg_minutes: int
    active: bool = True
    documents_th: str = ""  # what to bring, one item a line
    documents_en: str = ""
    processing_days: int | None = None  # Section 10: the time the citizen's manual states
    processing_day_kind: str = "working"

    def name(self, locale: str) -> str:
        return by_locale(locale, self.name_th, self.name_en)

    def documents(self, locale: str) -> list[str]:
        """What to bring, item by item (the Thai list when no English one was written)."""
        text = by_locale(locale, self.documents_th, self.documents_en) or self.documents_th
        return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class CounterInfo:
    id: int
    number: int
    name_th: str
    name_en: str
    channels: frozenset[Channel]
    active: bool = True
    services: frozenset[int] = frozenset()  # the service ids it calls; empty: every service

    def name(self, locale: str) -> str:
        return by_locale(locale, self.name_th, self.name_en)

    def calls_service(self, service_id: int) -> bool:
        return not self.services or service_id in self.services


@dataclass(frozen=True)
class ClosureInfo:
    day: date
    reason_th: str
    reason_en: str

    def reason(self, locale: str) -> str:
        return by_locale(locale, self.reason_th, self.reason_en)


@dataclass(frozen=True)
class OfficeRules:
    id: int
    code: str
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    lat: float
    lon: float
    geofence_m: int
    booking_horizon_days: int
    web_slot_minutes: int
    web_slot_capacity: int
    prefixes: Mapping[Channel, str]
    calendar: OfficeCalendar
    weekly_capacity: Mapping[Channel, Mapping[int, int]]  # channel → ISO weekday → places
    capacity_overrides: Mapping[tuple[Channel, date], int]
    closures: Mapping[date, ClosureInfo] = field(default_factory=dict)
    services: tuple[ServiceInfo, ...] = ()
    counters: tuple[CounterInfo, ...] = ()
    active: bool = True
    checkin_early_minutes: int = 30  # a web booking checks in from this long before its window…
    checkin_late_minutes: int = 15  # …to this long after it ends
    no_show_after_recalls: int = 3  # a ticket recalled this often is missed at the next recall
    cross_channel_calls: bool = False  # a counter whose channel is empty may call from another
    verification: str = "none"  # "otp": web and mobile bookings are held until their code is typed
    hold_minutes: int = 10  # how long a hold keeps its place

    def name(self, locale: str) -> str:
        return by_locale(locale, self.name_th, self.name_en)

    def address(self, locale: str) -> str:
        return by_locale(locale, self.address_th, self.address_en)

    def matches(self, query: str) -> bool:
        """Whether a search (a name, a district, a province; Thai or English) finds this office."""
        words = query.casefold().split()
        text = " ".join((self.name_th, self.name_en, self.address_th, self.address_en, self.code)).casefold()
        return all(word in text for word in words)

    def prefix(self, channel: Channel) -> str:
        return self.prefixes[channel]

    def service(self, code: str) -> ServiceInfo | None:
        """An active service by its code."""
        return next((s for s in self.services if s.code == code and s.active), None)

    def service_by_id(self, service_id: int) -> ServiceInfo | None:
        return next((s for s in self.services if s.id == service_id), None)

    def counter_by_id(self, counter_id: int | None) -> CounterInfo | None:
        return next((c for c in self.counters if c.id == counter_id), None) if counter_id is not None else None

    def counters_for(self, channel: Channel) -> list[CounterInfo]:
        return [c for c in self.counters if c.active and channel in c.channels]

    def active_services(self) -> list[ServiceInfo]:
        return [s for s in self.services if s.active]

    def web_slots(self, day: date) -> list[Slot]:
        return self.calendar.web_slots(day, self.web_slot_minutes)

    def daily_capacity(self, channel: Channel, day: date) -> int:
        return daily_capacity(
            self.weekly_capacity.get(channel, {}),
            self.capacity_overrides.get((channel, day)),
            day,
            self.calendar.is_open_on(day),
        )


def daily_capacity(weekly: Mapping[int, int], override: int | None, day: date, is_open: bool) -> int:
    """Places a channel offers on ``day``: a date's override wins over the weekday's figure;
    a closed day offers none."""
    if not is_open:
        return 0
    if override is not None:
        return override
    return weekly.get(day.isoweekday(), 0)
