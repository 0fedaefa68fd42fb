"""Typed Flask-SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .booking import Booking, BookingEvent
from .cache import CacheVersion
from .notification import OfficeNotificationSettings, OutboxMessage
from .office import (
    CapacityOverride,
    ChannelCapacity,
    Closure,
    Counter,
    CounterChannel,
    CounterService,
    ExtraPeriod,
    Office,
    OpeningPeriod,
    Service,
)
from .quota import DailyQuota, SlotQuota
from .staff import Kiosk, Staff, StaffToken
from .survey import SurveyAnswer, SurveyResponse

__all__ = [
    "AuditEntry",
    "Booking",
    "BookingEvent",
    "CacheVersion",
    "CapacityOverride",
    "ChannelCapacity",
    "Closure",
    "Counter",
    "CounterChannel",
    "CounterService",
    "DailyQuota",
    "ExtraPeriod",
    "Kiosk",
    "Office",
    "OfficeNotificationSettings",
    "OpeningPeriod",
    "OutboxMessage",
    "Service",
    "SlotQuota",
    "Staff",
    "StaffToken",
    "SurveyAnswer",
    "SurveyResponse",
]
