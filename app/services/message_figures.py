"""The report's "messages" section: messages to citizens per channel, and how many got through.

Counted from the outbox, for the bookings of the report's offices and days: per channel
(``sms``, ``email``, ``line``) how many were ``sent`` (the provider took them; for SMS a
delivery receipt saying "undelivered" or "failed" counts as failed), ``failed`` (dead
letters: a permanent refusal, such as a user who blocked the LINE account, or too many
tries) and ``delivered_pct`` (sent out of sent + failed). Messages still waiting are not
counted. A message that failed and then went by another channel counts once in each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from app.domain.report_figures import share_pct
from app.models import Booking, OutboxMessage

from .transactions import reading

_b = Booking.__table__.c
_o = OutboxMessage.__table__.c
MESSAGE_CHANNELS = ("sms", "email", "line")
_UNDELIVERED = ("failed", "undelivered")


def message_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    rows = (
        reading()
        .execute(
            select(_o.channel, _o.status, _o.provider_status, func.count())
            .select_from(OutboxMessage.__table__.join(Booking.__table__, _o.booking_id == _b.id))
            .where(_b.office_id.in_(list(office_ids)), _b.day >= first, _b.day <= last,
                   _o.status.in_(("sent", "dead")))
            .group_by(_o.channel, _o.status, _o.provider_status)
        )
        .all()
    )  # fmt: skip
    counts = {channel: {"sent": 0, "failed": 0} for channel in MESSAGE_CHANNELS}
    for channel, status, provider_status, count in rows:
        figures = counts.setdefault(channel, {"sent": 0, "failed": 0})
        failed = status == "dead" or provider_status in _UNDELIVERED
        figures["failed" if failed else "sent"] += count
    return {
        channel: {**figures, "delivered_pct": share_pct(figures["sent"], figures["sent"] + figures["failed"])}
        for channel, figures in counts.items()
    }
