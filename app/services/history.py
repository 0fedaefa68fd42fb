"""Made-up past days of an office (served, missed and cancelled tickets, their calls, the
capacity counters and survey answers), for the demo's report and the report benchmark.

Written in bulk with Core statements (a year of a busy office is ~110,000 tickets), the same
rows the office floor writes: arrival (``checked_in_at``), the call, start and finish in the
booking's history, the counter and the survey response with its answers.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from app.domain.calendar import to_utc
from app.domain.channels import Channel
from app.domain.survey import QUESTIONS, RESPONDENT_OPTIONS
from app.models import Booking, BookingEvent, DailyQuota, Staff, SurveyAnswer, SurveyResponse

from .office_rules import office_rules
from .transactions import reading, writing

_SHARE = ((Channel.WALK_IN, 0.55), (Channel.WEB, 0.30), (Channel.MOBILE, 0.15))
_SUGGESTIONS = ("ที่จอดรถไม่พอ", "อยากให้มีที่นั่งรอมากขึ้น", "เจ้าหน้าที่บริการดีมาก", "ป้ายบอกทางไม่ชัด")


def open_days_before(code: str, today: date, count: int) -> list[date]:
    """The ``count`` open days of the office before ``today``, oldest first."""
    office = office_rules(code)
    days, day = [], today - timedelta(days=1)
    while len(days) < count and (today - day).days < 3 * count + 14:
        if office.calendar.is_open_on(day):
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def days_with_tickets(code: str, days: Iterable[date]) -> set[date]:
    office = office_rules(code)
    b = Booking.__table__.c
    wanted = list(days)
    if not wanted:
        return set()
    rows = reading().execute(
        select(b.day).where(b.office_id == office.id, b.day.in_(wanted)).group_by(b.day).having(func.count() > 0)
    )
    return {r[0] for r in rows}


def add_history(code: str, days: Iterable[date], *, per_day: int, seed: int = 7, survey_share: float = 0.2) -> int:
    """Add ``per_day`` finished tickets on each of ``days`` (days that have tickets are left
    alone, so running it twice adds nothing). Returns the number of tickets added."""
    office = office_rules(code)
    rng = random.Random(f"{code}:{seed}")
    todo = [d for d in days if d not in days_with_tickets(code, days)]
    service_ids = [s.id for s in office.services if s.active] or [office.services[0].id]
    counters = {ch: [c.id for c in office.counters_for(ch)] or [c.id for c in office.counters] for ch in Channel}
    added = 0
    for day in todo:
        periods = office.calendar.periods_on(day) or ()
        opens = periods[0].opens if periods else time(8, 30)
        closes = periods[-1].closes if periods else time(16, 30)
        start, end = to_utc(day, opens), to_utc(day, closes)
        span = max(60.0, (end - start).total_seconds() - 1800)
        tickets, plans = [], []
        seqs = {ch: 0 for ch in Channel}
        for _ in range(per_day):
            channel = rng.choices([c for c, _ in _SHARE], [w for _, w in _SHARE])[0]
            seqs[channel] += 1
            seq = seqs[channel]
            # Arrivals crowd the morning: a triangular spread peaking an hour after opening.
            arrival = start + timedelta(seconds=rng.triangular(0, span, 3600))
            roll = rng.random()
            if channel is Channel.WALK_IN:
                status = "no_show" if roll < 0.03 else "done"
            else:
                status = "cancelled" if roll < 0.08 else "no_show" if roll < 0.15 else "done"
            arrived = status == "done" or (status == "no_show" and channel is Channel.WALK_IN)
            wait = timedelta(seconds=rng.expovariate(1 / 720))  # 12 minutes on average
            service = timedelta(seconds=60 + rng.expovariate(1 / 420))
            called = arrival + wait if arrived else None
            slot = None
            if channel is Channel.WEB:
                minute = int((arrival - start).total_seconds() // 60)
                slot_start = (datetime.combine(day, opens) + timedelta(minutes=minute - minute % 30)).time()
                slot = (slot_start, (datetime.combine(day, slot_start) + timedelta(minutes=30)).time())
            tickets.append(
                {
                    "token": secrets.token_urlsafe(24), "office_id": office.id, "service_id": rng.choice(service_ids),
                    "channel": channel.value, "day": day, "seq": seq, "number": f"{office.prefix(channel)}{seq:03d}",
                    "slot_start": slot[0] if slot else None, "slot_end": slot[1] if slot else None, "status": status,
                    "counter_id": rng.choice(counters[channel]) if called else None,
                    "checked_in_at": arrival if arrived else None, "called_at": called, "recalls": 0,
                    "first_called_at": called,
                    "serving_at": called + timedelta(seconds=30) if status == "done" else None,
                    "done_at": called + service if status == "done" else None,
                    "created_at": arrival - timedelta(days=0 if channel is Channel.WALK_IN else 2),
                    "updated_at": (called + service) if called else arrival, "locale": "th",
                }
            )  # fmt: skip
            plans.append((status, called, service))
        with writing() as connection:
            ids = connection.execute(
                insert(Booking.__table__).returning(Booking.__table__.c.id, sort_by_parameter_order=True), tickets
            ).scalars().all()  # fmt: skip
            events, responses = [], []
            for booking_id, ticket, (status, called, service) in zip(ids, tickets, plans, strict=True):
                actor = "staff:history"
                if called is not None:
                    events.append(_event(booking_id, "waiting", "called", called, actor))
                if status == "done":
                    events.append(_event(booking_id, "called", "serving", called + timedelta(seconds=30), actor))
                    events.append(_event(booking_id, "serving", "done", called + service, actor))
                    if rng.random() < survey_share:
                        responses.append((booking_id, ticket, called + service))
                elif status == "no_show":
                    events.append(_event(booking_id, "called" if called else "booked", "no_show",
                                         (called or end) + timedelta(minutes=5), "system"))  # fmt: skip
                elif status == "cancelled":
                    events.append(_event(booking_id, "booked", "cancelled", ticket["created_at"], "citizen"))
            connection.execute(insert(BookingEvent.__table__), events)
            _quotas(connection, office, day, tickets)
            _survey(connection, rng, office.id, responses)
        added += len(tickets)
    return added


def _event(booking_id: int, before: str, after: str, at: datetime, actor: str) -> dict:
    return {"booking_id": booking_id, "from_status": before, "to_status": after, "at": at, "actor": actor, "note": None}


def _quotas(connection, office, day: date, tickets: list[dict]) -> None:
    rows = []
    for channel in Channel:
        mine = [t for t in tickets if t["channel"] == channel.value]
        if not mine:
            continue
        used = sum(1 for t in mine if t["status"] != "cancelled")
        capacity = max(office.daily_capacity(channel, day), used)
        rows.append({"office_id": office.id, "day": day, "channel": channel.value, "capacity": capacity,
                     "used": used, "last_seq": len(mine)})  # fmt: skip
    existing = {
        r[0]
        for r in connection.execute(
            select(DailyQuota.__table__.c.channel).where(
                DailyQuota.__table__.c.office_id == office.id, DailyQuota.__table__.c.day == day
            )
        )
    }
    rows = [r for r in rows if r["channel"] not in existing]
    if rows:
        connection.execute(insert(DailyQuota.__table__), rows)


def _respondent(rng: random.Random) -> dict:
    """Optional details as people give them: about a third leave each one out."""
    return {
        name: (rng.choice(list(options)) if rng.random() < 0.7 else None)
        for name, options in RESPONDENT_OPTIONS.items()
    }


def _survey(connection, rng: random.Random, office_id: int, visits: list[tuple[int, dict, datetime]]) -> None:
    if not visits:
        return
    table = SurveyResponse.__table__
    rows, ratings = [], []
    # Who answered and who served (seed 004's customer groups, the clerk): drawn from their own
    # generator, so the tickets and ratings above stay what they were for a given seed.
    people = random.Random(rng.random())
    s = Staff.__table__.c
    clerks = list(reading().execute(
        select(s.id).where(s.office_id == office_id, s.role == "clerk", s.active.is_(True)).order_by(s.id)
    ).scalars()) or [None]  # fmt: skip
    for booking_id, ticket, finished in visits:
        asked = rng.sample(QUESTIONS, k=rng.randint(3, 8))
        # Most visitors are satisfied; about one answer in ten is not.
        chosen = {q.id: rng.choices(["very_satisfied", "satisfied", "dissatisfied"], [0.5, 0.4, 0.1])[0] for q in asked}
        suggestion = rng.choice(_SUGGESTIONS) if rng.random() < 0.05 else None
        rows.append(
            {
                "booking_id": booking_id, "office_id": office_id, "service_id": ticket["service_id"],
                "counter_id": ticket["counter_id"], "channel": ticket["channel"],
                "day": ticket["day"], "submitted_at": finished + timedelta(minutes=10), "suggestion": suggestion,
                "needs_follow_up": "dissatisfied" in chosen.values() or bool(suggestion),
                **_respondent(people), "staff_id": people.choice(clerks),
            }
        )  # fmt: skip
        ratings.append(chosen)
    ids = connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    group_of = {q.id: q.group for q in QUESTIONS}
    answers = [
        {"response_id": rid, "question_id": qid, "question_group": group_of[qid], "rating": rating}
        for rid, chosen in zip(ids, ratings, strict=True)
        for qid, rating in chosen.items()
    ]
    connection.execute(insert(SurveyAnswer.__table__), answers)
