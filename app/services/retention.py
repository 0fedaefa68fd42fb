"""PDPA retention: personal data is erased once it is no longer needed (s.37(3)).

After ``PERSONAL_DATA_RETENTION_DAYS`` (default 90) past a booking's day, its name, phone,
e-mail, national-ID hash and mask are erased, and so are the LINE user following it, the
outbox's recipients and links and the survey's free-text suggestions; a Section 10 request's applicant (name, phone,
e-mail) is erased the same number of days after the request was finished, and a
complaint's name, phone and e-mail once it has been resolved or closed for that long (an open
request or complaint still needs them to answer).
The counts reports are made of stay: bookings keep their office, service, channel, day, number
and status; survey ratings stay; complaints keep their text, topic, dates and status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from app.domain.calendar import local_now
from app.models import Booking, Complaint, LineWebhookEvent, OutboxMessage, ServiceRequest, SurveyResponse

from .transactions import writing

_bookings = Booking.__table__
_outbox = OutboxMessage.__table__
_surveys = SurveyResponse.__table__
_requests = ServiceRequest.__table__
_complaints = Complaint.__table__
_line_events = LineWebhookEvent.__table__
#: LINE redelivers a webhook event for a while; its id is kept that long to be handled once.
LINE_EVENT_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class Purged:
    bookings: int
    messages: int
    suggestions: int
    requests: int = 0
    complaints: int = 0
    line_links: int = 0


def purge_personal_data(*, now: datetime, retention_days: int) -> Purged:
    cutoff = local_now(now).date() - timedelta(days=retention_days)
    b, o, s = _bookings.c, _outbox.c, _surveys.c
    with writing() as connection:
        old = select(b.id).where(b.day < cutoff).scalar_subquery()
        bookings = connection.execute(
            update(_bookings)
            .where(
                b.day < cutoff,
                or_(b.name.is_not(None), b.nid_bidx.is_not(None), b.nid_masked.is_not(None),
                    b.phone_e164.is_not(None), b.email.is_not(None), b.idempotency_key.is_not(None)),
            )
            .values(name=None, nid_bidx=None, nid_masked=None, phone_e164=None, email=None, idempotency_key=None)
        ).rowcount  # fmt: skip
        messages = connection.execute(
            update(_outbox)
            .where(
                o.recipient.is_not(None),
                o.status.in_(("sent", "dead")),
                or_(o.booking_id.in_(old), o.created_at < _midnight(cutoff)),
            )
            .values(recipient=None, facts={"erased": True})
        ).rowcount
        # The LINE user id is personal data like the phone number: erased with it (counted apart
        # for the log: the update above may have run on an earlier night without it).
        line_links = connection.execute(
            update(_bookings).where(b.day < cutoff, b.line_user_id.is_not(None)).values(line_user_id=None)
        ).rowcount
        connection.execute(delete(_line_events).where(_line_events.c.received_at < now - LINE_EVENT_MEMORY))
        suggestions = connection.execute(
            update(_surveys).where(s.day < cutoff, s.suggestion.is_not(None)).values(suggestion=None)
        ).rowcount
        # Section 10 requests: the applicant's name, phone and e-mail once the request was
        # finished that long ago (an open request still needs them to send notices).
        r = _requests.c
        requests = connection.execute(
            update(_requests)
            .where(
                r.finished_on < cutoff,
                or_(r.name.is_not(None), r.phone_e164.is_not(None), r.email.is_not(None),
                    r.postal_address.is_not(None)),
            )
            .values(name=None, phone_e164=None, email=None, postal_address=None)
        ).rowcount
        c = _complaints.c
        complaints = connection.execute(
            update(_complaints)
            .where(
                c.resolved_at < _midnight(cutoff),
                or_(c.name.is_not(None), c.phone_e164.is_not(None), c.email.is_not(None),
                    c.handling_comment.is_not(None)),
            )
            .values(name=None, phone_e164=None, email=None, handling_comment=None)  # the answer itself stays
        ).rowcount
    return Purged(bookings, messages, suggestions, requests, complaints, line_links)


def _midnight(day) -> datetime:
    from app.domain.calendar import to_utc

    return to_utc(day, datetime.min.time())
