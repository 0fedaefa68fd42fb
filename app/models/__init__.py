"""Typed Flask-SQLAlchemy models, one module per aggregate."""

from .booking import Booking, BookingEvent
from .cache import CacheVersion
from .office import (
    CapacityOverride,
    ChannelCapacity,
    Closure,
    Counter,
    CounterChannel,
    Office,
    OpeningPeriod,
    Service,
)
from .quota import DailyQuota, SlotQuota
from .staff import Kiosk, Staff, StaffToken

__all__ = [
    "Booking",
    "BookingEvent",
    "CacheVersion",
    "CapacityOverride",
    "ChannelCapacity",
    "Closure",
    "Counter",
    "CounterChannel",
    "DailyQuota",
    "Kiosk",
    "Office",
    "OpeningPeriod",
    "Service",
    "SlotQuota",
    "Staff",
    "StaffToken",
]
