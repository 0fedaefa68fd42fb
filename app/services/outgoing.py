"""The per-staff daily cap on free-text messages to citizens (issue 21): delay notices and
public complaint replies sent under the office's name. Counted from what was recorded
(``delay_notices.staff_id``, ``complaint_replies.staff_id``), so nothing new is stored; a
refusal is written to the audit log, so a head sees who tried to send more."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.domain import outgoing as rules
from app.domain.calendar import local_now, to_utc
from app.domain.roles import StaffMember
from app.models import ComplaintReply, DelayNotice

from . import audit
from .transactions import reading, writing

_replies = ComplaintReply.__table__.c
_notices = DelayNotice.__table__.c

#: Free-text messages one staff member may send a day (tests lower it; one place to change it).
daily_cap = rules.DAILY_MESSAGES_DEFAULT


def sent_today(staff: StaffMember, *, now: datetime) -> int:
    """Free-text messages this staff member sent since midnight, Bangkok time."""
    start = to_utc(local_now(now).date(), datetime.min.time())
    connection = reading()
    replies = connection.execute(
        select(func.count()).where(
            _replies.staff_id == staff.id, _replies.internal.is_(False), _replies.at >= start
        )
    ).scalar_one()
    notices = connection.execute(
        select(func.count()).where(_notices.staff_id == staff.id, _notices.sent_at >= start)
    ).scalar_one()
    return replies + notices


def check_daily_cap(staff: StaffMember, *, now: datetime, cap: int | None = None) -> None:
    """Refuse (429) another free-text message past the day's cap; audit the refusal."""
    cap = daily_cap if cap is None else cap
    count = sent_today(staff, now=now)
    if count < cap:
        return
    local = local_now(now)
    midnight = to_utc(local.date() + timedelta(days=1), datetime.min.time())
    with writing():
        audit.record(staff, staff.office_id, "free_text_messages", staff.username, "refused", now=now,
                     after={"sent_today": count, "daily_cap": cap})  # fmt: skip
    rules.check_daily_cap(count, cap, seconds_to_midnight=int((midnight - now).total_seconds()))
