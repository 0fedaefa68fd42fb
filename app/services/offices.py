"""Opening an office: the one way the demo seed, the test factories and admin pages build one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.channels import Channel
from app.domain.errors import N_, InvalidField
from app.domain.office_spec import OfficeSpec
from app.extensions import db
from app.models import ChannelCapacity, Closure, Counter, CounterChannel, Office, OpeningPeriod, Service


def create_office(spec: OfficeSpec, *, commit: bool = True) -> Office:
    """Store a new office with its hours, capacities, services, counters and closed dates.

    The spec was checked when it was built; here only the code can still be wrong, when
    another office has it. One transaction: committed here, unless ``commit=False`` —
    then the rows are flushed and the caller (the demo seed, adding several offices at
    once) commits. Raises InvalidField("code") when the code is taken, having stored nothing.
    """
    if _code_taken(spec.code):
        raise _code_taken_error(spec.code)
    office = _office_from(spec)
    db.session.add(office)
    try:
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except IntegrityError:
        # The unique index on offices.code is the real guard: another request may have
        # taken the code since the check above. The failed transaction cannot go on
        # (PostgreSQL aborts it), so it is rolled back whole, a caller's rows included.
        db.session.rollback()
        if _code_taken(spec.code):
            raise _code_taken_error(spec.code) from None
        raise
    return office


def _code_taken(code: str) -> bool:
    return db.session.scalar(select(Office.id).where(Office.code == code)) is not None


def _code_taken_error(code: str) -> InvalidField:
    return InvalidField("code", N_("The code %(code)s is taken by another office."), code=code)


def _office_from(spec: OfficeSpec) -> Office:
    return Office(
        code=spec.code,
        name_th=spec.name_th,
        name_en=spec.name_en,
        address_th=spec.address_th,
        address_en=spec.address_en,
        lat=spec.lat,
        lon=spec.lon,
        geofence_m=spec.geofence_m,
        booking_horizon_days=spec.booking_horizon_days,
        web_slot_minutes=spec.web_slot_minutes,
        web_slot_capacity=spec.web_slot_capacity,
        prefix_walk_in=spec.prefixes[Channel.WALK_IN],
        prefix_web=spec.prefixes[Channel.WEB],
        prefix_mobile=spec.prefixes[Channel.MOBILE],
        verification=spec.verification,
        hold_minutes=spec.hold_minutes,
        periods=[
            OpeningPeriod(weekday=day, opens=opens, closes=closes)
            for day, periods in spec.hours.items()
            for opens, closes in periods
        ],
        capacities=[
            ChannelCapacity(weekday=day, channel=channel.value, capacity=places)
            for day, per_channel in spec.capacity.items()
            for channel, places in per_channel.items()
        ],
        services=[
            Service(
                code=s.code,
                name_th=s.name_th,
                name_en=s.name_en,
                avg_minutes=s.avg_minutes,
                documents_th=s.documents_th,
                documents_en=s.documents_en,
            )
            for s in spec.services
        ],
        counters=[
            Counter(
                number=c.number,
                name_th=c.name_th,
                name_en=c.name_en,
                channels=[CounterChannel(channel=channel.value) for channel in c.channels],
            )
            for c in spec.counters
        ],
        closures=[Closure(day=day, reason_th=th, reason_en=en) for day, th, en in spec.closures],
    )
