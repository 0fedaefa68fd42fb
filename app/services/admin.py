"""Running an office: its details, hours, services, counters and capacities.

Office heads change only their own office, administrators every office, clerks nothing
(``app.domain.admin_rules``). Each change is one write transaction that also writes its
audit row (``audit.record``); the office rules every worker keeps in memory are reloaded
because the ORM writes stamp a new version (``app.models.cache``).

Capacities never drop a booking: a weekday's or a date's capacity below what a coming day
already has booked (its ``daily_quotas`` row) is refused with both numbers. An accepted
change also applies to the coming days already counted, so the new figure is the one in
force from today on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select, update

from app.domain import admin_rules
from app.domain.admin_rules import CounterFields, DateCapacity, Letterhead, OfficeSettings, ServiceFields
from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.errors import N_, Forbidden, InvalidField, NotFound
from app.domain.roles import Role, StaffMember
from app.domain.status import ACTIVE, NOT_YET_CALLED
from app.extensions import db
from app.models import (
    Booking,
    CapacityOverride,
    ChannelCapacity,
    Counter,
    CounterChannel,
    CounterService,
    DailyQuota,
    ExtraPeriod,
    Office,
    OfficeNotificationSettings,
    OpeningPeriod,
    Service,
    SlotQuota,
)

from . import audit
from .notifications import DEFAULT_NEAR_TURN_PEOPLE
from .transactions import reading, writing

_quotas = DailyQuota.__table__
_slots = SlotQuota.__table__
_bookings = Booking.__table__


# --- who may administer which office ------------------------------------------------------


@dataclass(frozen=True)
class OfficeRef:
    id: int
    code: str
    name_th: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


def offices_for(staff: StaffMember) -> list[OfficeRef]:
    """The offices a head (their own) or an administrator (all) may administer."""
    admin_rules.refuse_unless_administrator(staff)
    query = select(Office.id, Office.code, Office.name_th, Office.name_en).order_by(Office.code)
    if staff.role is not Role.ADMIN:
        query = query.where(Office.id == staff.office_id)
    return [OfficeRef(*row) for row in reading().execute(query).all()]


def office_for(code: str, staff: StaffMember) -> Office:
    """The office ``code`` if ``staff`` may administer it: Forbidden for a clerk or another
    office's head, NotFound for no such office."""
    admin_rules.refuse_unless_administrator(staff)
    office = db.session.scalar(select(Office).where(Office.code == code)) if isinstance(code, str) else None
    if office is None:
        raise NotFound(N_("There is no office with code %(code)s."), code=code)
    if not staff.may_act_for(office.id):
        raise Forbidden(N_("You work at another office; you cannot see or change its settings."))
    return office


def ref(office: Office) -> OfficeRef:
    return OfficeRef(office.id, office.code, office.name_th, office.name_en)


def _today(now: datetime) -> date:
    return local_now(now).date()


# --- what the pages show ------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    id: int
    weekday: int | None
    day: date | None
    opens: time
    closes: time


@dataclass(frozen=True)
class ClosureRow:
    day: date
    reason_th: str
    reason_en: str


@dataclass(frozen=True)
class ServiceRow:
    id: int
    fields: ServiceFields


@dataclass(frozen=True)
class CounterRow:
    id: int
    fields: CounterFields


@dataclass(frozen=True)
class BookedDay:
    day: date
    channel: Channel
    booked: int
    capacity: int


@dataclass(frozen=True)
class OfficePage:
    """Everything the administration pages of one office show (plain values)."""

    office: OfficeRef
    today: date
    settings: OfficeSettings
    letterhead: Letterhead | None = None
    periods: list[PeriodRow] = field(default_factory=list)
    extra_periods: list[PeriodRow] = field(default_factory=list)
    closures: list[ClosureRow] = field(default_factory=list)
    #: Closures already passed, newest first: they still count for Section 10's working days.
    past_closures: list[ClosureRow] = field(default_factory=list)
    services: list[ServiceRow] = field(default_factory=list)
    counters: list[CounterRow] = field(default_factory=list)
    weekly: dict[tuple[int, Channel], int] = field(default_factory=dict)
    overrides: list[tuple[date, Channel, int]] = field(default_factory=list)
    booked: list[BookedDay] = field(default_factory=list)


def _settings_of(office: Office) -> OfficeSettings:
    notify = db.session.get(OfficeNotificationSettings, office.id)
    return OfficeSettings(
        name_th=office.name_th,
        name_en=office.name_en,
        address_th=office.address_th,
        address_en=office.address_en,
        lat=office.lat,
        lon=office.lon,
        geofence_m=office.geofence_m,
        booking_horizon_days=office.booking_horizon_days,
        web_slot_minutes=office.web_slot_minutes,
        web_slot_capacity=office.web_slot_capacity,
        checkin_early_minutes=office.checkin_early_minutes,
        checkin_late_minutes=office.checkin_late_minutes,
        no_show_after_recalls=office.no_show_after_recalls,
        cross_channel_calls=office.cross_channel_calls,
        near_turn_people=notify.near_turn_people if notify else DEFAULT_NEAR_TURN_PEOPLE,
        near_turn_minutes=notify.near_turn_minutes if notify else 0,
        verification=office.verification,
        hold_minutes=office.hold_minutes,
    )


def _letterhead_of(office: Office) -> Letterhead:
    return Letterhead(
        letter_ref_prefix=office.letter_ref_prefix or "",
        letterhead_th=office.letterhead_th or "",
        letter_signatory_th=office.letter_signatory_th or "",
        letter_contact_th=office.letter_contact_th or "",
        first_notice_review=bool(office.first_notice_review),
    )


def office_page(code: str, staff: StaffMember, *, now: datetime) -> OfficePage:
    reading()
    office = office_for(code, staff)
    today = _today(now)
    booked = [
        BookedDay(r.day, Channel(r.channel), r.used, r.capacity)
        for r in reading().execute(
            select(_quotas.c.day, _quotas.c.channel, _quotas.c.used, _quotas.c.capacity)
            .where(_quotas.c.office_id == office.id, _quotas.c.day >= today, _quotas.c.used > 0)
            .order_by(_quotas.c.day, _quotas.c.channel)
        )
    ]
    return OfficePage(
        office=ref(office),
        today=today,
        settings=_settings_of(office),
        letterhead=_letterhead_of(office),
        periods=[PeriodRow(p.id, p.weekday, None, p.opens, p.closes) for p in office.periods],
        extra_periods=[PeriodRow(e.id, None, e.day, e.opens, e.closes) for e in office.extra_periods if e.day >= today],
        closures=[ClosureRow(c.day, c.reason_th, c.reason_en) for c in office.closures if c.day >= today],
        past_closures=[
            ClosureRow(c.day, c.reason_th, c.reason_en) for c in reversed(office.closures) if c.day < today
        ][:60],
        services=[ServiceRow(s.id, _service_fields(s)) for s in office.services],
        counters=[CounterRow(c.id, _counter_fields(c)) for c in office.counters],
        weekly={(c.weekday, Channel(c.channel)): c.capacity for c in office.capacities},
        overrides=sorted((o.day, Channel(o.channel), o.capacity) for o in office.capacity_overrides if o.day >= today),
        booked=booked,
    )


def _service_fields(s: Service) -> ServiceFields:
    return ServiceFields(
        s.code, s.name_th, s.name_en, s.avg_minutes, s.documents_th, s.documents_en, s.active, s.processing_days,
        s.processing_day_kind or "working",
    )  # fmt: skip


def _counter_fields(c: Counter) -> CounterFields:
    channels = tuple(sorted(c.channel_set))
    return CounterFields(c.number, c.name_th, c.name_en, channels, tuple(sorted(c.service_ids)), c.active)


# --- the office's details -----------------------------------------------------------------


def update_settings(code: str, staff: StaffMember, new: OfficeSettings, *, now: datetime) -> None:
    """Save the details form. A smaller web window capacity is refused when a coming window
    already has more bookings; the window length cannot change while web bookings are coming."""
    today = _today(now)
    with writing():
        office = office_for(code, staff)
        before = _settings_of(office)
        if new.web_slot_minutes != before.web_slot_minutes:
            coming = db.session.scalar(
                select(func.count())
                .select_from(_bookings)
                .where(
                    _bookings.c.office_id == office.id,
                    _bookings.c.day >= today,
                    _bookings.c.channel == Channel.WEB.value,
                    _bookings.c.status.in_(sorted(ACTIVE)),
                )
            )
            if coming:
                raise InvalidField(
                    "web_slot_minutes",
                    N_(
                        "The window length cannot change while %(count)s web bookings are coming; keep %(minutes)s "
                        "minutes, or change it after they are served."
                    ),
                    count=coming,
                    minutes=before.web_slot_minutes,
                )
        if new.web_slot_capacity != before.web_slot_capacity:
            slots = db.session.execute(
                select(_slots.c.day, _slots.c.start, _slots.c.used).where(
                    _slots.c.office_id == office.id, _slots.c.day >= today
                )
            ).all()
            admin_rules.refuse_window_below_booked([(r.day, r.start, r.used) for r in slots], new.web_slot_capacity)
            db.session.execute(
                update(_slots)
                .where(_slots.c.office_id == office.id, _slots.c.day >= today)
                .values(capacity=new.web_slot_capacity)
            )
        for name in (
            "name_th",
            "name_en",
            "address_th",
            "address_en",
            "lat",
            "lon",
            "geofence_m",
            "booking_horizon_days",
            "web_slot_minutes",
            "web_slot_capacity",
            "checkin_early_minutes",
            "checkin_late_minutes",
            "no_show_after_recalls",
            "cross_channel_calls",
            # Switching to "none" leaves open holds to the release_expired_holds job (each ends
            # within hold_minutes, its place going back); switching to "otp" holds new bookings only.
            "verification",
            "hold_minutes",
        ):
            setattr(office, name, getattr(new, name))
        notify = db.session.get(OfficeNotificationSettings, office.id)
        if notify is None:
            notify = OfficeNotificationSettings(office_id=office.id)
            db.session.add(notify)
        notify.near_turn_people, notify.near_turn_minutes = new.near_turn_people, new.near_turn_minutes
        changed = [n for n in new.as_dict() if new.as_dict()[n] != before.as_dict()[n]]
        if changed:
            audit.record(
                staff,
                office.id,
                "office",
                office.code,
                "update",
                now=now,
                before={n: before.as_dict()[n] for n in changed},
                after={n: new.as_dict()[n] for n in changed},
            )


def update_letterhead(code: str, staff: StaffMember, new: Letterhead, *, now: datetime) -> None:
    """The letterhead of the office's Section 10 delay letters (only the fields that changed are audited)."""
    with writing():
        office = office_for(code, staff)
        before = _letterhead_of(office).as_dict()
        after = new.as_dict()
        changed = [n for n in after if after[n] != before[n]]
        for name in changed:
            setattr(office, name, after[name])
        if changed:
            audit.record(
                staff,
                office.id,
                "letterhead",
                office.code,
                "update",
                now=now,
                before={n: before[n] for n in changed},
                after={n: after[n] for n in changed},
            )


# --- opening hours ------------------------------------------------------------------------


def add_weekly_period(code: str, staff: StaffMember, period: tuple[int, time, time], *, now: datetime) -> None:
    weekday, opens, closes = period
    with writing():
        office = office_for(code, staff)
        admin_rules.refuse_overlap([(p.opens, p.closes) for p in office.periods if p.weekday == weekday], opens, closes)
        row = OpeningPeriod(weekday=weekday, opens=opens, closes=closes)
        office.periods.append(row)
        db.session.flush()
        audit.record(
            staff,
            office.id,
            "opening_period",
            row.id,
            "create",
            now=now,
            after={"weekday": weekday, "opens": opens, "closes": closes},
        )


def add_extra_period(code: str, staff: StaffMember, period: tuple[date, time, time], *, now: datetime) -> None:
    """Extended hours on one date: a period added to that date's weekly hours."""
    day, opens, closes = period
    with writing():
        office = office_for(code, staff)
        same_day = [(p.opens, p.closes) for p in office.periods if p.weekday == day.isoweekday()]
        same_day += [(e.opens, e.closes) for e in office.extra_periods if e.day == day]
        admin_rules.refuse_overlap(same_day, opens, closes)
        row = ExtraPeriod(day=day, opens=opens, closes=closes)
        office.extra_periods.append(row)
        db.session.flush()
        audit.record(
            staff,
            office.id,
            "extra_period",
            row.id,
            "create",
            now=now,
            after={"day": day, "opens": opens, "closes": closes},
        )


def remove_period(code: str, staff: StaffMember, period_id: int, *, extra: bool, now: datetime) -> None:
    """Remove a weekly period or a date's extended hours. Bookings already made keep their
    windows (they are never dropped); only new bookings follow the new hours."""
    with writing():
        office = office_for(code, staff)
        rows = office.extra_periods if extra else office.periods
        row = next((p for p in rows if p.id == period_id), None)
        if row is None:
            raise NotFound(N_("This opening period no longer exists."))
        before = {"day": row.day} if extra else {"weekday": row.weekday}
        before.update(opens=row.opens, closes=row.closes)
        rows.remove(row)
        audit.record(
            staff, office.id, "extra_period" if extra else "opening_period", period_id, "delete", now=now, before=before
        )


# --- services and counters ----------------------------------------------------------------


def save_service(code: str, staff: StaffMember, service_id: int | None, fields: ServiceFields, *, now: datetime) -> int:
    """Add a service (``service_id`` None) or change one; return its id."""
    with writing():
        office = office_for(code, staff)
        row = None
        if service_id is not None:
            row = next((s for s in office.services if s.id == service_id), None)
            if row is None:
                raise NotFound(N_("This service no longer exists."))
        if any(s.code == fields.code and s is not row for s in office.services):
            raise InvalidField("code", N_("The service code %(code)s appears twice."), code=fields.code)
        before = _service_fields(row).as_dict() if row else None
        if row is None:
            row = Service(code=fields.code, name_th=fields.name_th, name_en=fields.name_en)
            office.services.append(row)
        for name, value in fields.as_dict().items():
            setattr(row, name, value)
        db.session.flush()
        audit.record(
            staff,
            office.id,
            "service",
            row.id,
            "update" if before else "create",
            now=now,
            before=before,
            after=fields.as_dict(),
        )
        return row.id


def save_counter(code: str, staff: StaffMember, counter_id: int | None, fields: CounterFields, *, now: datetime) -> int:
    """Add a counter or change one: its name, channels, services (none: every service), active."""
    with writing():
        office = office_for(code, staff)
        row = None
        if counter_id is not None:
            row = next((c for c in office.counters if c.id == counter_id), None)
            if row is None:
                raise NotFound(N_("This counter no longer exists."))
        if any(c.number == fields.number and c is not row for c in office.counters):
            raise InvalidField("number", N_("Counter %(number)s appears twice."), number=fields.number)
        known = {s.id for s in office.services}
        if not set(fields.services) <= known:
            raise InvalidField("services", N_("Choose services of this office."))
        before = _counter_fields(row).as_dict() if row else None
        if row is None:
            row = Counter(number=fields.number, name_th=fields.name_th, name_en=fields.name_en)
            office.counters.append(row)
        row.number, row.name_th, row.name_en, row.active = fields.number, fields.name_th, fields.name_en, fields.active
        if {Channel(c.channel) for c in row.channels} != set(fields.channels):
            row.channels = [CounterChannel(channel=c.value) for c in fields.channels]
        if row.service_ids != set(fields.services):
            row.services = [CounterService(service_id=s) for s in fields.services]
        db.session.flush()
        audit.record(
            staff,
            office.id,
            "counter",
            row.id,
            "update" if before else "create",
            now=now,
            before=before,
            after=fields.as_dict(),
        )
        return row.id


# --- capacities ---------------------------------------------------------------------------


def set_weekly_capacity(code: str, staff: StaffMember, grid: dict[tuple[int, Channel], int], *, now: datetime) -> int:
    """Set the week's capacity per channel; return how many figures changed.

    For each figure that goes down, every coming day of that weekday and channel without a
    date's own capacity must have no more bookings than the new figure, or nothing changes.
    """
    today = _today(now)
    with writing():
        office = office_for(code, staff)
        current = {(c.weekday, Channel(c.channel)): c for c in office.capacities}
        overridden = {(o.day, o.channel) for o in office.capacity_overrides}
        changed = {key: n for key, n in grid.items() if (current[key].capacity if key in current else 0) != n}
        if not changed:
            return 0
        counted = db.session.execute(
            select(_quotas.c.day, _quotas.c.channel, _quotas.c.used).where(
                _quotas.c.office_id == office.id, _quotas.c.day >= today
            )
        ).all()
        for (weekday, channel), capacity in sorted(changed.items()):
            days = [
                r.day
                for r in counted
                if r.channel == channel.value and r.day.isoweekday() == weekday and (r.day, r.channel) not in overridden
            ]
            admin_rules.refuse_capacity_below_booked(
                [(r.day, r.used) for r in counted if r.channel == channel.value and r.day in days],
                capacity,
                field=f"cap-{weekday}-{channel.value}",
            )
            if days:
                db.session.execute(
                    update(_quotas)
                    .where(
                        _quotas.c.office_id == office.id, _quotas.c.channel == channel.value, _quotas.c.day.in_(days)
                    )
                    .values(capacity=capacity)
                )
        before = {f"{w}:{c.value}": current[(w, c)].capacity if (w, c) in current else 0 for w, c in changed}
        for (weekday, channel), capacity in changed.items():
            if (weekday, channel) in current:
                current[(weekday, channel)].capacity = capacity
            else:
                office.capacities.append(ChannelCapacity(weekday=weekday, channel=channel.value, capacity=capacity))
        audit.record(
            staff,
            office.id,
            "weekly_capacity",
            office.code,
            "update",
            now=now,
            before=before,
            after={f"{w}:{c.value}": n for (w, c), n in changed.items()},
        )
        return len(changed)


def set_date_capacity(code: str, staff: StaffMember, change: DateCapacity, *, now: datetime) -> None:
    """A date's own capacity for a channel (``capacity`` None: back to the weekday's figure)."""
    with writing():
        office = office_for(code, staff)
        override = next(
            (o for o in office.capacity_overrides if o.day == change.day and o.channel == change.channel.value), None
        )
        weekly = {c.weekday: c.capacity for c in office.capacities if c.channel == change.channel.value}
        new = change.capacity if change.capacity is not None else weekly.get(change.day.isoweekday(), 0)
        used = db.session.execute(
            select(_quotas.c.used).where(
                _quotas.c.office_id == office.id, _quotas.c.day == change.day, _quotas.c.channel == change.channel.value
            )
        ).scalar()
        if used is not None:
            admin_rules.refuse_capacity_below_booked([(change.day, used)], new, field="capacity")
            db.session.execute(
                update(_quotas)
                .where(
                    _quotas.c.office_id == office.id,
                    _quotas.c.day == change.day,
                    _quotas.c.channel == change.channel.value,
                )
                .values(capacity=new)
            )
        before = {"capacity": override.capacity if override else None}
        if change.capacity is None:
            if override is not None:
                office.capacity_overrides.remove(override)
        elif override is None:
            office.capacity_overrides.append(
                CapacityOverride(day=change.day, channel=change.channel.value, capacity=change.capacity)
            )
        else:
            override.capacity = change.capacity
        audit.record(
            staff,
            office.id,
            "date_capacity",
            f"{change.day.isoformat()}:{change.channel.value}",
            "update",
            now=now,
            before=before,
            after={"capacity": change.capacity},
        )


# --- shared with the closures ---------------------------------------------------------------


def active_bookings_on(office_id: int, day: date) -> int:
    """Bookings on ``day`` still waiting to be served (what closing the day would cancel)."""
    return (
        reading()
        .execute(
            select(func.count())
            .select_from(_bookings)
            .where(
                _bookings.c.office_id == office_id,
                _bookings.c.day == day,
                _bookings.c.status.in_(sorted(s.value for s in NOT_YET_CALLED)),
            )
        )
        .scalar_one()
    )


def office_audit(code: str, staff: StaffMember, first: date, last: date) -> tuple[OfficeRef, list[audit.AuditLine]]:
    """The audit of an office from ``first`` to ``last`` (office dates), newest first."""
    reading()
    office = office_for(code, staff)
    return ref(office), audit.audit_lines(office.id, first, last)
