"""Reports per office and date range (and across offices for admins), the survey follow-up
list, and the live office view.

A report is a list of **sections**, each a function ``(office_ids, date_from, date_to) -> dict``
of plain figures, registered in ``SECTIONS`` in the order the report shows them. The JSON of the
contract, the CSV and Excel exports and the report page all walk the sections generically, so a
new part adds its figures with one line (issue 13: complaints and requests)::

    register_section("complaints", complaint_figures)

Every query is bounded by the offices and the days of the range and aggregated in SQL
(``GROUP BY``) on indexes that lead with (office, day); only the wait and service durations of
the range are fetched, for the percentiles (``app.domain.report_figures``). No query reads
history outside the range.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Float, Integer, cast, func, insert, select, update
from sqlalchemy.sql import ColumnElement

from app.domain import report_figures as figures
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import N_, Forbidden, InvalidField, NotFound
from app.domain.office import OfficeRules
from app.domain.roles import Role, StaffMember
from app.domain.status import Status
from app.domain.survey_forms import ALL_ITEMS
from app.domain.text import showable, tidy
from app.models import Booking, DailyQuota, SurveyAnswer, SurveyFollowUp, SurveyResponse

from . import evidence
from .complaints import complaint_figures
from .message_figures import message_figures
from .office_rules import catalogue, office_rules
from .report_memo import memo as _memo
from .report_memo import sections_memo
from .requests import report_today, request_figures
from .transactions import is_sqlite, reading, writing

_b = Booking.__table__.c
_q = DailyQuota.__table__.c
_r = SurveyResponse.__table__.c
_a = SurveyAnswer.__table__.c
_f = SurveyFollowUp.__table__.c

CHANNELS = tuple(c.value for c in Channel)

SectionProvider = Callable[[Sequence[int], date, date], dict]

#: The report's sections in order: name → figures(office_ids, date_from, date_to).
SECTIONS: dict[str, SectionProvider] = {}


def register_section(name: str, provider: SectionProvider) -> None:
    """Add (or replace) a section of the report; it appears in the JSON under ``name``, in the
    CSV and Excel exports and on the report page, after the sections registered before it."""
    SECTIONS[name] = provider


# --- who may read reports -------------------------------------------------------------------


def _authorize(staff: StaffMember, office: OfficeRules | None) -> None:
    """Office heads read their own office's reports; admins read every office's. Clerks none."""
    if staff.role is Role.CLERK:
        raise Forbidden(N_("Reports are for the office head and administrators."))
    if office is None:
        if staff.role is not Role.ADMIN:
            raise Forbidden(N_("Only administrators see every office."))
    elif not staff.may_act_for(office.id):
        raise Forbidden(N_("You work at another office; you cannot see its reports."))


def offices_for(staff: StaffMember) -> list[OfficeRules]:
    """The offices whose reports ``staff`` may read (an admin: all; a head: theirs)."""
    _authorize(staff, None if staff.role is Role.ADMIN else catalogue().by_id.get(staff.office_id))
    return [o for o in catalogue().active() if staff.may_act_for(o.id)]


# --- SQL helpers ------------------------------------------------------------------------------

def _seconds(later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    """``later − earlier`` in seconds, computed by the database."""
    if is_sqlite():
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return cast(func.extract("epoch", later - earlier), Float)


def _local_hour(moment: ColumnElement) -> ColumnElement:
    """The hour of the day in Bangkok (UTC+7 all year: Thailand keeps no summer time)."""
    if is_sqlite():
        return cast(func.strftime("%H", moment, "+7 hours"), Integer)
    return cast(func.extract("hour", func.timezone("Asia/Bangkok", moment)), Integer)


def _bookings_in(office_ids: Sequence[int], first: date, last: date) -> list[ColumnElement]:
    return [_b.office_id.in_(list(office_ids)), _b.day >= first, _b.day <= last]


# --- the core sections -----------------------------------------------------------------------


def ticket_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Tickets issued, served, missed and cancelled per channel."""
    rows = (
        reading()
        .execute(
            select(_b.channel, _b.status, func.count())
            .where(*_bookings_in(office_ids, first, last))
            .group_by(_b.channel, _b.status)
        )
        .all()
    )
    return figures.ticket_counts(rows, CHANNELS)


def _durations(office_ids: Sequence[int], first: date, last: date) -> list[tuple[float | None, float | None]]:
    """Each visit's (wait, service) in seconds, computed by the database from the moments the
    booking keeps (arrival, first call, last start, finish), read from ``ix_bookings_report``."""
    key = ("durations", tuple(office_ids), first, last)
    if key in _memo():
        return _memo()[key]
    rows = (
        reading()
        .execute(
            select(_seconds(_b.first_called_at, _b.checked_in_at), _seconds(_b.done_at, _b.serving_at)).where(
                *_bookings_in(office_ids, first, last),
                _b.status.in_([Status.CALLED.value, Status.SERVING.value, Status.DONE.value, Status.NO_SHOW.value]),
            )
        )
        .all()
    )
    _memo()[key] = durations = [(wait, service) for wait, service in rows]
    return durations


def wait_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Waiting time: arrival (a walk-in's ticket, a booking's check-in) → first call."""
    return figures.duration_minutes(wait for wait, _ in _durations(office_ids, first, last))


def service_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Service time of finished visits: the last start of service → done."""
    return figures.duration_minutes(service for _, service in _durations(office_ids, first, last))


def satisfaction_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    in_range = (_r.office_id.in_(list(office_ids)), _r.day >= first, _r.day <= last)
    connection = reading()
    responses = connection.execute(select(func.count()).select_from(SurveyResponse.__table__).where(*in_range))
    counts = connection.execute(
        select(_a.question_group, _a.rating, func.count())
        .select_from(SurveyAnswer.__table__.join(SurveyResponse.__table__, _a.response_id == _r.id))
        .where(*in_range)
        .group_by(_a.question_group, _a.rating)
    ).all()
    _memo()[("satisfaction", tuple(office_ids), first, last)] = found = figures.satisfaction_figures(
        responses.scalar_one(), [tuple(row) for row in counts]
    )  # the year-over-year section reuses it (app.services.evidence)
    return found


def no_show_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """The no-show rate overall and per channel (missed of the visits that ended)."""
    tickets = ticket_figures(office_ids, first, last)
    missed = sum(t["no_show"] for t in tickets.values())
    served = sum(t["served"] for t in tickets.values())
    return {
        "rate_pct": figures.no_show_rate(missed, served),
        "channels": {c: figures.no_show_rate(t["no_show"], t["served"]) for c, t in tickets.items()},
    }


def capacity_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Places offered and taken per channel over the range: each day's capacity counter, or the
    office's rules for a day nobody booked (nothing taken)."""
    rows = (
        reading()
        .execute(
            select(_q.office_id, _q.day, _q.channel, _q.capacity, _q.used).where(
                _q.office_id.in_(list(office_ids)), _q.day >= first, _q.day <= last
            )
        )
        .all()
    )
    counted = {(r.office_id, r.day, r.channel) for r in rows}
    totals: list[tuple[str, int, int]] = [(r.channel, r.capacity, r.used) for r in rows]
    offices = catalogue().by_id
    day = first
    while day <= last:
        for office_id in office_ids:
            office = offices.get(office_id)
            if office is None:
                continue
            for channel in Channel:
                if (office_id, day, channel.value) not in counted:
                    totals.append((channel.value, office.daily_capacity(channel, day), 0))
        day += timedelta(days=1)
    return figures.capacity_use(totals, CHANNELS)


def arrival_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Arrivals (walk-in tickets, check-ins) per hour of the day, local time."""
    hour = _local_hour(_b.checked_in_at)
    rows = (
        reading()
        .execute(
            select(hour, func.count())
            .where(*_bookings_in(office_ids, first, last), _b.checked_in_at.is_not(None))
            .group_by(hour)
        )
        .all()
    )
    return figures.arrivals_by_hour([tuple(r) for r in rows])


def follow_up_figures(office_ids: Sequence[int], first: date, last: date) -> dict:
    """How many survey responses asked for a follow-up, and how many were followed up."""
    row = (
        reading()
        .execute(
            select(func.count(), func.count(_f.response_id))
            .select_from(SurveyResponse.__table__.outerjoin(SurveyFollowUp.__table__, _f.response_id == _r.id))
            .where(_r.office_id.in_(list(office_ids)), _r.day >= first, _r.day <= last, _r.needs_follow_up.is_(True))
        )
        .one()
    )
    return {"to_follow_up": row[0], "followed_up": row[1]}


# The contract's sections first, in its order; then Khiw's own.
register_section("tickets", ticket_figures)
register_section("wait_minutes", wait_figures)
register_section("service_minutes", service_figures)
register_section("satisfaction", satisfaction_figures)
register_section("no_show", no_show_figures)
register_section("capacity", capacity_figures)
register_section("arrivals_by_hour", arrival_figures)
register_section("follow_ups", follow_up_figures)
register_section("complaints", complaint_figures)  # issue 13: complaints and their service level
register_section("requests", request_figures)  # issue 13: Section 10 requests and delay notices
register_section("messages", message_figures)  # issue 18: messages per channel (SMS, e-mail, LINE), delivered
# issue 19 §3: the evidence seed 004, GECC and PMQA ask for (app.services.evidence)
register_section("satisfaction_items", evidence.satisfaction_items)
register_section("satisfaction_by_group", evidence.satisfaction_by_group)
register_section("satisfaction_by_counter", evidence.satisfaction_by_counter)
register_section("satisfaction_by_clerk", evidence.satisfaction_by_clerk)
register_section("satisfaction_year_over_year", evidence.satisfaction_year_over_year)
register_section("complaints_by_topic", evidence.complaints_by_topic)
if evidence.has_complaint_channel():
    register_section("complaints_by_channel", evidence.complaints_by_channel)
register_section("complaints_year_over_year", evidence.complaints_year_over_year)


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSummary:
    code: str
    name_th: str
    name_en: str
    issued: int
    served: int
    no_show_pct: float | None
    wait_mean: float | None
    satisfied_pct: float | None
    responses: int

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


@dataclass(frozen=True)
class Report:
    """A report's figures as plain values; ``office`` is None for all offices together."""

    office: OfficeRules | None
    first: date
    last: date
    sections: dict[str, dict]
    offices: tuple[OfficeSummary, ...] = field(default=())

    def as_json(self) -> dict:
        """The contract's report object: ``from``, ``to``, then every section."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), **self.sections}


def _report(office_ids: Sequence[int], reach: figures.ReportRange) -> dict[str, dict]:
    token = sections_memo.set({})
    try:
        return {name: provider(office_ids, reach.first, reach.last) for name, provider in SECTIONS.items()}
    finally:
        sections_memo.reset(token)


def office_report(code: str, raw_from: object, raw_to: object, staff: StaffMember, *, now: datetime) -> Report:
    """One office's report over ``from``–``to`` (both included) for its head or an admin."""
    office = office_rules(code)
    _authorize(staff, office)
    reach = figures.read_report_range(raw_from, raw_to, today=local_now(now).date())
    today = report_today.set(local_now(now).date())  # the Section 10 box counts what is overdue today
    try:
        return Report(office, reach.first, reach.last, _report([office.id], reach))
    finally:
        report_today.reset(today)


def all_offices_report(raw_from: object, raw_to: object, staff: StaffMember, *, now: datetime) -> Report:
    """Every office together (admins), with a summary line per office."""
    _authorize(staff, None)
    reach = figures.read_report_range(raw_from, raw_to, today=local_now(now).date())
    today = report_today.set(local_now(now).date())
    offices = catalogue().active()
    ids = [o.id for o in offices]
    try:
        return Report(None, reach.first, reach.last, _report(ids, reach), _summaries(offices, reach))
    finally:
        report_today.reset(today)


def _summaries(offices: list[OfficeRules], reach: figures.ReportRange) -> tuple[OfficeSummary, ...]:
    """A line per office from three grouped queries (no per-office percentile: the mean wait)."""
    ids = [o.id for o in offices]
    connection = reading()
    counts = connection.execute(
        select(_b.office_id, _b.channel, _b.status, func.count())
        .where(*_bookings_in(ids, reach.first, reach.last))
        .group_by(_b.office_id, _b.channel, _b.status)
    ).all()
    waits = dict(
        connection.execute(
            select(_b.office_id, func.avg(_seconds(_b.first_called_at, _b.checked_in_at)))
            .where(*_bookings_in(ids, reach.first, reach.last), _b.checked_in_at.is_not(None),
                   _b.status.in_(["called", "serving", "done", "no_show"]))
            .group_by(_b.office_id)
        ).all()
    )  # fmt: skip
    in_range = (_r.office_id.in_(ids), _r.day >= reach.first, _r.day <= reach.last)
    responses = dict(
        connection.execute(select(_r.office_id, func.count()).where(*in_range).group_by(_r.office_id)).all()
    )
    ratings = connection.execute(
        select(_r.office_id, _a.question_group, _a.rating, func.count())
        .select_from(SurveyAnswer.__table__.join(SurveyResponse.__table__, _a.response_id == _r.id))
        .where(*in_range)
        .group_by(_r.office_id, _a.question_group, _a.rating)
    ).all()
    lines = []
    for office in offices:
        tickets = figures.ticket_counts([(c, s, n) for o, c, s, n in counts if o == office.id], CHANNELS)
        issued = sum(t["issued"] for t in tickets.values())
        served = sum(t["served"] for t in tickets.values())
        missed = sum(t["no_show"] for t in tickets.values())
        liked = figures.satisfaction_figures(
            responses.get(office.id, 0), [(g, r, n) for o, g, r, n in ratings if o == office.id]
        )
        wait = waits.get(office.id)
        lines.append(
            OfficeSummary(
                office.code, office.name_th, office.name_en, issued, served, figures.no_show_rate(missed, served),
                None if wait is None else round(float(wait) / 60, 1), liked["satisfied_pct"], liked["responses"],
            )
        )  # fmt: skip
    return tuple(lines)


# --- the survey follow-up list --------------------------------------------------------------

FOLLOW_UP_LIST_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class FollowUpItem:
    response_id: int
    office_code: str
    day: date
    channel: str
    service_th: str
    service_en: str
    counter_th: str | None
    counter_en: str | None
    dissatisfied: tuple[str, ...]  # question ids
    suggestion: str | None
    followed_up: bool
    note: str
    by: str | None
    at: datetime | None

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" else self.service_th

    def counter(self, locale: str) -> str | None:
        return self.counter_en if locale == "en" else self.counter_th

    def questions(self) -> list[str]:
        """The English source text of each dissatisfied item (translated where shown)."""
        return [ALL_ITEMS[q].text for q in self.dissatisfied if q in ALL_ITEMS]


def follow_up_list(code: str | None, raw_from: object, raw_to: object, staff: StaffMember, *, now: datetime):
    """Dissatisfied answers and suggestions of the range, those not yet followed up first
    (at most ``FOLLOW_UP_LIST_MAX``), for one office or (admins, ``code`` None) all."""
    office = office_rules(code) if code else None
    _authorize(staff, office)
    reach = figures.read_report_range(raw_from, raw_to, today=local_now(now).date())
    offices = catalogue().by_id
    ids = [office.id] if office else [o.id for o in catalogue().active()]
    connection = reading()
    rows = connection.execute(
        select(_r.id, _r.office_id, _r.day, _r.channel, _r.service_id, _r.counter_id, _r.suggestion,
               _f.note, _f.staff_username, _f.at)
        .select_from(SurveyResponse.__table__.outerjoin(SurveyFollowUp.__table__, _f.response_id == _r.id))
        .where(_r.office_id.in_(ids), _r.day >= reach.first, _r.day <= reach.last, _r.needs_follow_up.is_(True))
        .order_by(_f.at.is_not(None), _r.day.desc(), _r.id.desc())
        .limit(FOLLOW_UP_LIST_MAX)
    ).all()  # fmt: skip
    unhappy: dict[int, list[str]] = {}
    if rows:
        for response_id, question_id in connection.execute(
            select(_a.response_id, _a.question_id)
            .where(_a.response_id.in_([r.id for r in rows]), _a.rating == "dissatisfied")
            .order_by(_a.response_id, _a.question_id)
        ):
            unhappy.setdefault(response_id, []).append(question_id)
    items = []
    for r in rows:
        where = offices[r.office_id]
        service = where.service_by_id(r.service_id)
        counter = where.counter_by_id(r.counter_id)
        items.append(
            FollowUpItem(
                r.id, where.code, r.day, r.channel,
                service.name_th if service else "", service.name_en if service else "",
                counter.name_th if counter else None, counter.name_en if counter else None,
                tuple(unhappy.get(r.id, ())), r.suggestion, r.at is not None, r.note or "", r.staff_username, r.at,
            )
        )  # fmt: skip
    return reach, items


def mark_followed_up(response_id: object, note: object, staff: StaffMember, *, now: datetime) -> None:
    """Mark a survey response followed up, with the head's note; marking again replaces the
    note and records who and when anew."""
    if not isinstance(note, str):
        note = ""
    if not showable(note):
        raise InvalidField("note", N_("Remove the control or invisible characters from this field."))
    note = tidy(note)
    if len(note) > NOTE_MAX:
        raise InvalidField("note", N_("Please keep the note under %(max)s characters."), max=NOTE_MAX)
    found = None
    if isinstance(response_id, int) or (isinstance(response_id, str) and response_id.isdigit()):
        found = (
            reading().execute(select(_r.id, _r.office_id, _r.needs_follow_up).where(_r.id == int(response_id))).first()
        )
    if found is None or not found.needs_follow_up:
        raise NotFound(N_("There is no survey answer to follow up with this number."))
    _authorize(staff, catalogue().by_id[found.office_id])
    values = {"note": note, "staff_id": staff.id, "staff_username": staff.username, "at": now}
    with writing() as connection:
        table = SurveyFollowUp.__table__
        changed = connection.execute(update(table).where(_f.response_id == found.id).values(**values)).rowcount
        if not changed:
            connection.execute(insert(table).values(response_id=found.id, **values))
        connection.execute(update(SurveyResponse.__table__).where(_r.id == found.id).values(followed_up_at=now))


# --- the live office view -------------------------------------------------------------------

LIVE_WAITING_SHOWN = 30


@dataclass(frozen=True)
class LiveTicket:
    number: str
    channel: str
    service_th: str
    service_en: str
    counter_th: str | None  # a ticket transferred to a counter waits for that counter
    counter_en: str | None
    waiting_minutes: int

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" else self.service_th

    def counter(self, locale: str) -> str | None:
        return self.counter_en if locale == "en" else self.counter_th


@dataclass(frozen=True)
class LiveCounter:
    name_th: str
    name_en: str
    channels: tuple[str, ...]
    state: str  # "busy", "idle" or "closed"
    number: str | None  # the ticket at the counter
    status: str | None  # called or serving
    minutes: int | None  # since it was called

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


@dataclass(frozen=True)
class LiveChannel:
    channel: str
    waiting: int
    longest_minutes: int | None
    capacity: int
    used: int
    served: int
    no_show: int

    @property
    def used_pct(self) -> float | None:
        return figures.share_pct(self.used, self.capacity)


@dataclass(frozen=True)
class LiveView:
    office: OfficeRules
    day: date
    at: datetime
    channels: tuple[LiveChannel, ...]
    counters: tuple[LiveCounter, ...]
    waiting: tuple[LiveTicket, ...]  # the longest waits first
    waiting_total: int
    longest_minutes: int | None


def _minutes_since(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else max(0, int((now - then).total_seconds() // 60))


def live_office(code: str, staff: StaffMember, *, now: datetime) -> LiveView:
    """Today at the office: who waits for which channel or counter, the longest current wait,
    each counter idle or busy, and today's places taken against capacity."""
    office = office_rules(code)
    _authorize(staff, office)
    today = local_now(now).date()
    connection = reading()
    here = (_b.office_id == office.id, _b.day == today)
    arrived = (Status.WAITING.value, Status.CHECKED_IN.value)
    waiting_rows = connection.execute(
        select(_b.number, _b.channel, _b.service_id, _b.counter_id, _b.checked_in_at)
        .where(*here, _b.status.in_(arrived))
        .order_by(_b.checked_in_at, _b.id)
    ).all()
    at_counters = {
        r.counter_id: r
        for r in connection.execute(
            select(_b.number, _b.status, _b.counter_id, _b.called_at)
            .where(*here, _b.status.in_([Status.CALLED.value, Status.SERVING.value]), _b.counter_id.is_not(None))
            .order_by(_b.called_at)
        )
    }
    done = {
        (c, s): n
        for c, s, n in connection.execute(
            select(_b.channel, _b.status, func.count()).where(*here).group_by(_b.channel, _b.status)
        )
    }
    quota_rows = connection.execute(
        select(_q.channel, _q.capacity, _q.used).where(_q.office_id == office.id, _q.day == today)
    )
    quotas = {r.channel: r for r in quota_rows}
    channels = []
    for channel in Channel:
        mine = [w for w in waiting_rows if w.channel == channel.value]
        quota = quotas.get(channel.value)
        channels.append(
            LiveChannel(
                channel.value, len(mine), _minutes_since(now, mine[0].checked_in_at) if mine else None,
                quota.capacity if quota else office.daily_capacity(channel, today), quota.used if quota else 0,
                done.get((channel.value, "done"), 0), done.get((channel.value, "no_show"), 0),
            )
        )  # fmt: skip
    counters = []
    for counter in office.counters:
        busy = at_counters.get(counter.id)
        state = "closed" if not counter.active else "busy" if busy else "idle"
        counters.append(
            LiveCounter(
                counter.name_th, counter.name_en, tuple(sorted(c.value for c in counter.channels)), state,
                busy.number if busy else None, busy.status if busy else None,
                _minutes_since(now, busy.called_at) if busy else None,
            )
        )  # fmt: skip
    tickets = []
    for w in waiting_rows[:LIVE_WAITING_SHOWN]:
        service = office.service_by_id(w.service_id)
        counter = office.counter_by_id(w.counter_id)
        tickets.append(
            LiveTicket(
                w.number, w.channel, service.name_th if service else "", service.name_en if service else "",
                counter.name_th if counter else None, counter.name_en if counter else None,
                _minutes_since(now, w.checked_in_at) or 0,
            )
        )  # fmt: skip
    longest = _minutes_since(now, waiting_rows[0].checked_in_at) if waiting_rows else None
    return LiveView(office, today, now, tuple(channels), tuple(counters), tuple(tickets), len(waiting_rows), longest)
