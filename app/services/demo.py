"""Demo data for a newcomer: the offices in ``app.demo_data``, a staff login, kiosk keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import demo_data
from app.domain.channels import Channel
from app.extensions import db
from app.models import (
    ChannelCapacity,
    Closure,
    Counter,
    CounterChannel,
    Office,
    OpeningPeriod,
    Service,
    Staff,
)

from .auth import register_kiosk

DEMO_STAFF = "demo"


@dataclass
class SeedReport:
    staff_username: str
    staff_password: str
    kiosk_keys: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _office_from(data: dict) -> Office:
    office = Office(
        code=data["code"],
        name_th=data["name_th"],
        name_en=data["name_en"],
        address_th=data["address_th"],
        address_en=data["address_en"],
        lat=data["lat"],
        lon=data["lon"],
        geofence_m=data["geofence_m"],
        booking_horizon_days=data["booking_horizon_days"],
        web_slot_minutes=data["web_slot_minutes"],
        web_slot_capacity=data["web_slot_capacity"],
        prefix_walk_in=data["prefixes"]["walk_in"],
        prefix_web=data["prefixes"]["web"],
        prefix_mobile=data["prefixes"]["mobile"],
    )
    office.periods = [
        OpeningPeriod(weekday=day, opens=opens, closes=closes)
        for day, periods in data["hours"].items()
        for opens, closes in periods
    ]
    office.capacities = [
        ChannelCapacity(weekday=day, channel=Channel(channel).value, capacity=capacity)
        for day, per_channel in data["capacity"].items()
        for channel, capacity in per_channel.items()
    ]
    office.services = [
        Service(code=s["code"], name_th=s["name_th"], name_en=s["name_en"], avg_minutes=s["avg_minutes"])
        for s in data["services"]
    ]
    office.counters = [
        Counter(
            number=c["number"],
            name_th=c["name_th"],
            name_en=c["name_en"],
            channels=[CounterChannel(channel=Channel(ch).value) for ch in c["channels"]],
        )
        for c in data["counters"]
    ]
    return office


def seed_demo(*, staff_password: str, kiosk_key: Callable[[str], str]) -> SeedReport:
    """Insert what is missing; keep what exists. One transaction."""
    report = SeedReport(DEMO_STAFF, staff_password)
    for data in demo_data.OFFICES:
        office = db.session.scalar(select(Office).where(Office.code == data["code"]))
        if office is None:
            office = _office_from(data)
            db.session.add(office)
            db.session.flush()
            report.notes.append(f"added office {office.code}")
        known = {c.day for c in office.closures}
        for day, name_th, name_en in demo_data.PUBLIC_HOLIDAYS:
            if day not in known:
                office.closures.append(Closure(day=day, reason_th=name_th, reason_en=name_en))
        key = kiosk_key(office.code)
        register_kiosk(office, f"Demo kiosk {office.code}", key)
        report.kiosk_keys.append((office.code, key))

    staff = db.session.scalar(select(Staff).where(Staff.username == DEMO_STAFF))
    if staff is None:
        db.session.add(
            Staff(
                username=DEMO_STAFF,
                password_hash=generate_password_hash(staff_password),
                display_name="Demo admin",
                role="admin",
            )
        )
    elif not check_password_hash(staff.password_hash, staff_password):
        # The secret key changed since the last seed: keep the printed login true.
        staff.password_hash = generate_password_hash(staff_password)
    db.session.commit()
    return report
