"""Typed Flask-SQLAlchemy models, one module per aggregate."""

from .booking import Booking, BookingEvent
from .cache import CacheVersion
from .notification import OfficeNotificationSettings, OutboxMessage
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
from .ratelimit import RateLimitCounter
from .staff import Kiosk, Staff, StaffToken
from .survey import SurveyAnswer, SurveyResponse

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
    "OfficeNotificationSettings",
    "OpeningPeriod",
    "OutboxMessage",
    "RateLimitCounter",
    "Service",
    "SlotQuota",
    "Staff",
    "StaffToken",
    "SurveyAnswer",
    "SurveyResponse",
]
