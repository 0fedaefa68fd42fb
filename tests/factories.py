"""Valid defaults, so a test states only what it is about."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import UTC, date, datetime, time

from app.domain.calendar import BANGKOK
from app.domain.office_spec import CounterSpec, OfficeSpec, ServiceSpec
from app.extensions import db
from app.models import Office, Staff, StaffSession, StaffToken
from app.services.offices import create_office

# Pa Sang District Office, Lamphun (real coordinates, see app/demo_data.py).
PA_SANG = (18.525833, 98.939167)

# A national ID with a valid check digit, and a few more for "other people".
VALID_IDS = ["1101700230708", "3100600445566", "1234567890121", "5100899011223", "8100400123457"]

_codes = itertools.count(1)


def valid_national_id(serial: int) -> str:
    """A distinct valid ID for each serial (for many bookers in one test)."""
    from app.domain.identity import thai_id_check_digit

    first12 = f"1{serial:011d}"
    return first12 + str(thai_id_check_digit(first12))


def thai_mobile(serial: int) -> str:
    return f"081{serial:07d}"


def bangkok(year, month, day, hour=10, minute=0) -> datetime:
    """An instant given as Bangkok wall-clock time, returned in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


def make_office(
    *,
    code: str | None = None,
    lat: float = PA_SANG[0],
    lon: float = PA_SANG[1],
    geofence_m: int = 1500,
    hours: dict[int, list[tuple[time, time]]] | None = None,
    capacity: dict[str, int] | None = None,
    web_slot_minutes: int = 30,
    web_slot_capacity: int = 4,
    horizon_days: int = 30,
    closures: list[date] = (),
    counters: dict[int, list[str]] | None = None,
    verification: str = "none",
    hold_minutes: int = 10,
) -> Office:
    """An office open Mon–Fri 08:30–16:30 (and Sat 09:00–12:00), one service, one counter per channel."""
    if hours is None:
        weekday = [(time(8, 30), time(16, 30))]
        hours = {1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [(time(9, 0), time(12, 0))]}
    capacity = capacity or {"walk_in": 100, "web": 40, "mobile": 20}
    counters = counters or {1: ["walk_in"], 2: ["web"], 3: ["mobile"]}
    spec = OfficeSpec(
        code=code or f"office-{next(_codes)}",
        name_th="ที่ว่าการอำเภอทดสอบ",
        name_en="Test District Office",
        address_th="ถนนทดสอบ",
        address_en="Test Road",
        lat=lat,
        lon=lon,
        geofence_m=geofence_m,
        booking_horizon_days=horizon_days,
        web_slot_minutes=web_slot_minutes,
        web_slot_capacity=web_slot_capacity,
        hours=hours,
        capacity={day: capacity for day in hours},
        services=(ServiceSpec("id-card", "ทำบัตรประจำตัวประชาชน", "National ID card", avg_minutes=10),),
        counters=tuple(CounterSpec(n, f"ช่องบริการ {n}", f"Counter {n}", chans) for n, chans in counters.items()),
        closures=tuple((d, "วันหยุด", "Holiday") for d in closures),
        verification=verification,
        hold_minutes=hold_minutes,
    )
    return create_office(spec)


def web_booking(office: str, *, date: str, slot: str = "09:00", serial: int = 0, **extra) -> dict:
    body = {
        "office": office,
        "service": "id-card",
        "channel": "web",
        "name": "สมชาย ใจดี",
        "national_id": valid_national_id(serial),
        "date": date,
        "slot": slot,
    }
    body.update(extra)
    return body


def mobile_booking(
    office: str, *, lat: float = PA_SANG[0], lon: float = PA_SANG[1], accuracy_m: float = 20, serial: int = 0, **extra
) -> dict:
    body = {
        "office": office,
        "service": "id-card",
        "channel": "mobile",
        "name": "สมหญิง รักดี",
        "phone": thai_mobile(serial),
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy_m,
    }
    body.update(extra)
    return body


def add_clerk(username: str, office_id: int, role: str = "clerk") -> dict:
    """A staff member with a bearer token, written directly (hashing a password per test
    would cost a second; signing in is tested in test_cli.py)."""
    token = secrets.token_urlsafe(16)
    staff = Staff(username=username, password_hash="-", display_name=username, role=role, office_id=office_id)
    db.session.add(staff)
    db.session.flush()
    db.session.add(StaffToken(token_hash=hashlib.sha256(token.encode()).hexdigest(), staff_id=staff.id,
                              expires_at=datetime(2100, 1, 1, tzinfo=UTC)))  # fmt: skip
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def sign_in_as(client, username: str) -> None:
    """A browser signed in as ``username`` (a server-side session, as the sign-in page starts
    one), without typing a password: hashing one per test would cost a second."""
    from flask import current_app

    from app.domain.staff_access import session_ends_at

    staff = db.session.query(Staff).filter_by(username=username).one()
    now = current_app.config["CLOCK"]() if current_app.config.get("CLOCK") else datetime.now(UTC)
    key = secrets.token_urlsafe(16)
    db.session.add(StaffSession(key_hash=hashlib.sha256(key.encode()).hexdigest(), staff_id=staff.id, created_at=now,
                                last_seen_at=now, expires_at=session_ends_at(now)))  # fmt: skip
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(staff.id)
        session["_fresh"] = True
        session["staff_session"] = key
