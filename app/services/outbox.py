"""The dispatcher's database work: claim due messages, record what the provider said.

A claim is one short transaction: ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)``
on PostgreSQL (several dispatchers never take the same row), and the same statement in an
IMMEDIATE transaction on SQLite (one writer at a time). A claimed row is ``sending`` with a
lease: if its dispatcher dies, the row is due again once the lease ends. Sending happens
outside any transaction; each result is recorded at once, in its own short transaction, so
a crash re-sends at most the messages in flight, never one recorded as sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from app.domain import line_link
from app.links import booking_find_url, booking_status_url, booking_survey_url, line_follow_url, request_status_url
from app.models import OutboxMessage
from app.settings import Settings
from notifier.backends.base import DeliveryFailed
from notifier.complaints import COMPLAINT_KINDS, ComplaintFacts
from notifier.messages import Facts
from notifier.registry import channels
from notifier.retry import RetryPolicy

from .complaints import complaint_facts
from .outbox_writer import fall_back
from .transactions import reading, writing

_outbox = OutboxMessage.__table__


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    kind: str
    channel: str
    recipient: str | None
    facts: dict
    attempts: int
    booking_id: int | None
    urgent: bool
    subject: str | None = None

    def render_facts(self, base_url: str, settings: Settings | None = None) -> Facts | ComplaintFacts:
        """The stored facts with their links, built now from the tokens (``settings``: for the
        "Follow on LINE" link of a booking's confirmation, when LINE is set up)."""
        if self.kind in COMPLAINT_KINDS:
            return complaint_facts(self.facts, base_url)
        token = self.facts.get("token")
        links = (
            {"status_url": booking_status_url(base_url, token), "survey_url": booking_survey_url(base_url, token),
             "find_url": booking_find_url(base_url)}
            if token
            else {}
        )
        if token and self.booking_id and settings and settings.line_basic_id and "line_links" in self.facts:
            # The same one-time code the status page shows (app.services.line.line_offer).
            code = line_link.link_code(settings.id_hmac_key, self.booking_id, token, self.facts["line_links"])
            links["line_url"] = line_follow_url(settings.line_basic_id, code)
        request_token = self.facts.get("request_token")
        if request_token:  # a Section 10 request's message links to its tracking page
            links = {"status_url": request_status_url(base_url, request_token)}
        return Facts.from_json({**self.facts, **links})


_o = _outbox.c
_RETURNED = (_o.id, _o.key, _o.kind, _o.channel, _o.recipient, _o.facts, _o.attempts, _o.booking_id, _o.urgent,
             _o.subject)  # fmt: skip


def _due(now: datetime):
    return or_(
        and_(_o.status == "pending", _o.next_attempt_at <= now), and_(_o.status == "sending", _o.locked_until < now)
    )


def has_due(now: datetime) -> bool:
    """A cheap read: is anything due? (SQLite dispatchers poll with it, taking no write lock.)"""
    return reading().execute(select(_o.id).where(_due(now)).limit(1)).first() is not None


def claim(worker: str, *, now: datetime, lease_seconds: float, limit: int, max_attempts: int) -> list[Claimed]:
    """Take up to ``limit`` due messages for ``worker``, the urgent first."""
    with writing() as connection:
        # A row whose dispatchers kept dying while sending it is a dead letter, not a loop.
        connection.execute(
            update(_outbox)
            .where(_o.status == "sending", _o.locked_until < now, _o.attempts >= max_attempts)
            .values(status="dead", last_error="its dispatcher stopped while sending it, too many times")
        )
        due = (
            select(_o.id)
            .where(_due(now), _o.attempts < max_attempts)
            .order_by(_o.urgent.desc(), _o.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = connection.execute(
            update(_outbox)
            .where(_o.id.in_(due.scalar_subquery()))
            .values(
                status="sending",
                attempts=_o.attempts + 1,
                locked_until=now + timedelta(seconds=lease_seconds),
                claimed_by=worker,
            )
            .returning(*_RETURNED)
        ).all()
    claimed = [Claimed(*row) for row in rows]
    claimed.sort(key=lambda c: (not c.urgent, c.id))
    return claimed


#: What a delivered (or given-up) confirmation code message keeps in place of the code.
SPENT_CODE = "••••••"


def _spent(message: Claimed) -> dict:
    """A message's facts once it needs sending no more: a confirmation code is not kept in
    clear a moment longer than delivery needs (the booking keeps only its hash)."""
    if "code" not in message.facts:
        return {}
    return {"facts": {**message.facts, "code": SPENT_CODE}}


def record_sent(message: Claimed, worker: str, *, provider_id: str, status: str, now: datetime) -> None:
    with writing() as connection:
        connection.execute(
            update(_outbox)
            .where(_o.id == message.id, _o.claimed_by == worker, _o.status == "sending")
            .values(status="sent", provider_id=provider_id[:120], provider_status=status, sent_at=now,
                    locked_until=None, last_error=None, **_spent(message))
        )  # fmt: skip


def record_failure(
    message: Claimed,
    worker: str,
    failure: DeliveryFailed,
    *,
    now: datetime,
    policy: RetryPolicy,
    rng: random.Random,
) -> str:
    """Retry later, or dead-letter; a permanent failure falls back to the next channel the
    person can be reached on (``notifier.registry``). Returns the new status."""
    dead = policy.gives_up(message.attempts, failure.permanent)
    error = f"{failure.code or ''} {failure.reason}".strip()[:500]
    with writing() as connection:
        if dead:
            values = {"status": "dead", "locked_until": None, "last_error": error}
            if not failure.permanent:  # a fallback copies the facts
                values.update(_spent(message))
        else:
            delay = policy.delay(message.attempts, rng)
            values = {"status": "pending", "locked_until": None, "last_error": error,
                      "next_attempt_at": now + timedelta(seconds=delay)}  # fmt: skip
        moved = connection.execute(
            update(_outbox).where(_o.id == message.id, _o.claimed_by == worker, _o.status == "sending").values(**values)
        ).rowcount
        if moved and failure.permanent:
            fall_back(connection, message, now=now)
    return values["status"] if moved else "lost"


def record_delivery_status(provider_id: str, status: str, error_code: str | None, *, now: datetime) -> bool:
    """A provider's delivery receipt (e.g. Twilio's status callback). Returns False for an unknown id.

    A message the provider could never deliver to this recipient (the channel's
    ``receipt_is_permanent``) falls back to the next channel."""
    code = error_code if error_code and error_code.isdigit() else None
    with writing() as connection:
        found = connection.execute(
            select(*_RETURNED).where(_o.provider_id == provider_id)
        ).first()
        if found is None:
            return False
        message = Claimed(*found)
        values = {"provider_status": status[:20]}
        if code:
            values["last_error"] = f"{code} delivery {status}"
        connection.execute(update(_outbox).where(_o.id == message.id).values(**values))
        if channels().get(message.channel).receipt_is_permanent(status, code):
            fall_back(connection, message, now=now)
    return True


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status (for the CLI and monitoring)."""
    rows = reading().execute(select(_o.status, func.count()).group_by(_o.status)).all()
    return {status: count for status, count in rows}
