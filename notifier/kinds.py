"""What a message is about (its kind), and which kinds are urgent: declared once here.

Every other part (the outbox writer, the dispatcher, the channels' order) asks these.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    BOOKED = "booked"
    REMINDER = "reminder"
    TURN_NEAR = "turn_near"
    CALLED = "called"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    SURVEY = "survey"
    CODE = "code"  # the code that confirms a held booking (offices with verification "otp")
    OFFICE_CLOSED = "office_closed"  # the office closed on the booked day: the booking is cancelled
    # Section 10 request tracking (app/services/requests.py): to the applicant…
    REQUEST_COMPLETED = "request_completed"
    REQUEST_REJECTED = "request_rejected"
    DELAY_NOTICE = "delay_notice"
    # …and to the office's head: a delay notice falls due and none was sent.
    NOTICE_REMINDER = "notice_reminder"
    # To a staff member: wrong passwords were tried for their account (app/services/auth.py).
    SIGN_IN_FAILURES = "sign_in_failures"


COMPLAINT_RECEIVED = "complaint_received"
COMPLAINT_REPLY = "complaint_reply"
COMPLAINT_SUMMARY = "complaint_summary"
#: Once resolved: one question about the handling (PMQA 3.4), answered on the tracking page.
COMPLAINT_FEEDBACK = "complaint_feedback"
#: Messages about a complaint (``notifier.complaints``).
COMPLAINT_KINDS = frozenset({COMPLAINT_RECEIVED, COMPLAINT_REPLY, COMPLAINT_SUMMARY, COMPLAINT_FEEDBACK})

#: Messages about a request (not a queue booking).
REQUEST_KINDS = frozenset({Kind.REQUEST_COMPLETED, Kind.REQUEST_REJECTED, Kind.DELAY_NOTICE, Kind.NOTICE_REMINDER})
#: Section 10 asks for a written notice: it goes by every channel the applicant gave.
EVERY_CHANNEL = frozenset({Kind.DELAY_NOTICE})

#: Messages about the queue moving right now: sent first, within seconds, by the channel read
#: at once, and useless later. The one definition of "urgent".
URGENT = frozenset({Kind.TURN_NEAR, Kind.CALLED, Kind.CODE})
#: How long a provider may hold an urgent message before dropping it (SMS validity period).
URGENT_VALIDITY_SECONDS = 300


def is_urgent(kind: str) -> bool:
    return kind in URGENT
