"""Typed Flask-SQLAlchemy models, one module per aggregate."""

from .audit import AuditEntry
from .booking import Booking, BookingEvent
from .cache import CacheVersion
from .complaint import Complaint, ComplaintEvent, ComplaintReply, ComplaintTopic, OfficeComplaintSettings
from .follow_up import SurveyFollowUp
from .line import LineWebhookEvent
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
from .ratelimit import RateLimitCounter
from .request import DelayNotice, LetterCounter, RequestEvent, ServiceRequest
from .staff import Kiosk, Staff, StaffSession, StaffToken
from .survey import CounterTap, SurveyAnswer, SurveyResponse
from .survey_form import OfficeSurveyForm, RetiredSurveyItem

__all__ = [
    "AuditEntry",
    "Booking",
    "BookingEvent",
    "CacheVersion",
    "CapacityOverride",
    "ChannelCapacity",
    "Closure",
    "Complaint",
    "ComplaintEvent",
    "ComplaintReply",
    "ComplaintTopic",
    "Counter",
    "CounterChannel",
    "CounterService",
    "CounterTap",
    "DailyQuota",
    "DelayNotice",
    "ExtraPeriod",
    "Kiosk",
    "LetterCounter",
    "LineWebhookEvent",
    "Office",
    "OfficeComplaintSettings",
    "OfficeNotificationSettings",
    "OfficeSurveyForm",
    "OpeningPeriod",
    "OutboxMessage",
    "RateLimitCounter",
    "RequestEvent",
    "RetiredSurveyItem",
    "Service",
    "ServiceRequest",
    "SlotQuota",
    "Staff",
    "StaffSession",
    "StaffToken",
    "SurveyAnswer",
    "SurveyFollowUp",
    "SurveyResponse",
]
