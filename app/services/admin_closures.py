"""Closing an office on a date: one date at a time, or the year's public holidays from a file.

A date that already has bookings is closed only after the head confirms, having been told
how many. Then, in the same transaction as the closure, each of those bookings is
**cancelled** (its place given back, its history saying "office closed") and its citizen gets
an "office closed on your day" message through the outbox (SMS or e-mail, in their
language, with the reason). Bookings already called or being served are left alone.

Past dates can be recorded too (issue 19: a holiday the office forgot to enter still counts for
Section 10's working days): they cancel nothing, as nobody books the past. Every change to the
calendar, past or future, moves the due dates of the office's open requests to what the
calendar now says, each move audited (``requests.recompute_due_dates``). A holiday file is
parsed and checked before the write transaction, which then adds its dates in one batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain.admin_rules import CLOSURE_PAST_DAYS, ClosureRequest, refuse_closure_too_old
from app.domain.calendar import local_now
from app.domain.errors import N_, InvalidField, NotFound
from app.domain.roles import StaffMember
from app.domain.status import NOT_YET_CALLED, Status
from app.extensions import db
from app.models import Booking, Closure, Office
from notifier.messages import Kind

from . import audit, notifications
from .admin import office_for
from .capacity import give_back_place
from .requests import recompute_due_dates
from .status import BookingRow, booking_columns, move_booking
from .transactions import reading, violated_constraint, writing

_b = Booking.__table__.c
CLOSED_NOTE = "office closed"
#: The unique constraint two heads closing the same date at the same moment run into.
_ONE_CLOSURE_A_DAY = "uq_closures_office_id_day"
_CLOSED_A_MOMENT_AGO = N_(
    "The office was closed on %(date)s a moment ago, by someone else; nothing was changed. Reload the page to see it."
)


@dataclass(frozen=True)
class ClosureOutcome:
    """What closing (or planning to close) dates did: nothing is written while
    ``needs_confirmation`` is true."""

    closed: tuple[date, ...] = ()
    already_closed: tuple[date, ...] = ()
    passed: tuple[date, ...] = ()  # too long ago to matter (before CLOSURE_PAST_DAYS)
    booked: tuple[tuple[date, int], ...] = ()  # dates with bookings, and how many
    cancelled: int = 0
    notices: int = 0
    needs_confirmation: bool = False
    due_dates_moved: int = 0  # open Section 10 requests whose due date the change moved

    @property
    def bookings(self) -> int:
        return sum(n for _, n in self.booked)


def close_day(
    code: str, staff: StaffMember, request: ClosureRequest, *, now: datetime, confirmed: bool
) -> ClosureOutcome:
    """Close the office on one date. With bookings and not ``confirmed``: only say how many."""
    reading()
    office = office_for(code, staff)
    refuse_closure_too_old(request.day, local_now(now).date())
    if any(c.day == request.day for c in office.closures):
        raise InvalidField("day", N_("The office is already closed on %(date)s."), date=request.day.isoformat())
    return close_days(code, staff, [request], now=now, confirmed=confirmed)


def close_days(
    code: str, staff: StaffMember, requests: Iterable[ClosureRequest], *, now: datetime, confirmed: bool
) -> ClosureOutcome:
    """Close the office on each date (a holiday file's): dates already closed, or too long ago
    to matter, are skipped and reported; past dates are recorded for the calendar and cancel
    nothing. With bookings on any date and not ``confirmed``, nothing is written and the outcome
    lists the booked dates."""
    today = local_now(now).date()
    oldest = date.fromordinal(today.toordinal() - CLOSURE_PAST_DAYS)
    requests = list(requests)
    reading()
    office = office_for(code, staff)
    known = {c.day for c in office.closures}
    passed = tuple(r.day for r in requests if r.day < oldest)
    already = tuple(r.day for r in requests if r.day >= oldest and r.day in known)
    wanted = [r for r in requests if r.day >= oldest and r.day not in known]
    counts = _booked_counts(office.id, [r.day for r in wanted if r.day >= today])
    booked = tuple((r.day, counts[r.day]) for r in wanted if counts.get(r.day))
    if booked and not confirmed:
        return ClosureOutcome(passed=passed, already_closed=already, booked=booked, needs_confirmation=True)
    cancelled = notices = 0
    try:
        with writing() as connection:
            office = office_for(code, staff)
            # Someone may have closed one of these dates since they were read above.
            taken = _closed_days(office.id, [r.day for r in wanted])
            if taken:
                raise InvalidField("day", _CLOSED_A_MOMENT_AGO, date=min(taken).isoformat())
            cancelled, notices = _close(connection, office, wanted, staff, now, {d for d, _ in booked})
            moved = recompute_due_dates(office.id, {c.day for c in office.closures}, staff, now=now)
    except IntegrityError as error:
        # The same, a moment later: both read the date open and the other's commit came first.
        if violated_constraint(error) != _ONE_CLOSURE_A_DAY:
            raise
        raise InvalidField("day", _CLOSED_A_MOMENT_AGO, date=min(r.day for r in wanted).isoformat()) from None
    return ClosureOutcome(
        closed=tuple(r.day for r in wanted),
        already_closed=already,
        passed=passed,
        booked=booked,
        cancelled=cancelled,
        notices=notices,
        due_dates_moved=moved,
    )


def _booked_counts(office_id: int, days: list[date]) -> dict[date, int]:
    """Bookings still waiting on each of ``days`` (what closing them would cancel): one query."""
    if not days:
        return {}
    rows = db.session.execute(
        select(_b.day, func.count())
        .where(_b.office_id == office_id, _b.day.in_(days), _b.status.in_(sorted(s.value for s in NOT_YET_CALLED)))
        .group_by(_b.day)
    ).all()
    return {day: count for day, count in rows}


def _closed_days(office_id: int, days: list[date]) -> set[date]:
    """Which of ``days`` the office is closed on now (read afresh, not from the loaded office)."""
    if not days:
        return set()
    return set(db.session.scalars(select(Closure.day).where(Closure.office_id == office_id, Closure.day.in_(days))))


def _close(
    connection, office: Office, wanted: list[ClosureRequest], staff: StaffMember, now: datetime, booked: set[date]
):
    cancelled = notices = 0
    # Every closure first, in one batch: when someone else closed a date a moment ago, this
    # fails here (on PostgreSQL after waiting for their commit), before any booking is touched.
    office.closures.extend(Closure(day=r.day, reason_th=r.reason_th, reason_en=r.reason_en) for r in wanted)
    db.session.flush()
    for request in wanted:
        day_cancelled = day_notices = 0
        if request.day in booked:  # only future days have bookings to cancel; the past has none
            day_cancelled, day_notices = _cancel_day(connection, office, request, staff, now)
        cancelled += day_cancelled
        notices += day_notices
        audit.record(
            staff,
            office.id,
            "closure",
            request.day.isoformat(),
            "create",
            now=now,
            after={
                "reason_th": request.reason_th,
                "reason_en": request.reason_en,
                "bookings_cancelled": day_cancelled,
                "notices_queued": day_notices,
            },
        )
    return cancelled, notices


def _cancel_day(
    connection, office: Office, request: ClosureRequest, staff: StaffMember, now: datetime
) -> tuple[int, int]:
    rows = connection.execute(
        select(*booking_columns())
        .where(
            _b.office_id == office.id,
            _b.day == request.day,
            _b.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
        )
        .order_by(_b.id)
    ).all()
    notices = 0
    reason = {"reason_th": request.reason_th, "reason_en": request.reason_en}
    for found in rows:
        moved = move_booking(BookingRow.of(found), Status.CANCELLED, now=now, actor=staff.actor, note=CLOSED_NOTE)
        give_back_place(moved.office_id, moved.channel, moved.day, moved.slot_start)
        notices += notifications.notify(connection, moved, Kind.OFFICE_CLOSED, now=now, extra_facts=reason)
    return len(rows), notices


def reopen_day(code: str, staff: StaffMember, day: date, *, now: datetime) -> int:
    """Remove a closure (bookings cancelled by it stay cancelled; their citizens were told).
    A past one can be removed too (a date entered by mistake); open requests' due dates follow.
    Returns how many due dates moved."""
    with writing():
        office = office_for(code, staff)
        row = next((c for c in office.closures if c.day == day), None)
        if row is None:
            raise NotFound(N_("The office is not closed on %(date)s."), date=day.isoformat())
        before = {"reason_th": row.reason_th, "reason_en": row.reason_en}
        office.closures.remove(row)
        audit.record(staff, office.id, "closure", day.isoformat(), "delete", now=now, before=before)
        db.session.flush()
        return recompute_due_dates(office.id, {c.day for c in office.closures}, staff, now=now)
