"""Demo data for a newcomer: the offices in ``app.demo_data``, a staff login, kiosk keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import demo_data
from app.domain.office_spec import OfficeSpec
from app.domain.staff_access import check_new_password
from app.extensions import db
from app.models import Closure, Office, ServiceRequest, Staff

from . import history
from .auth import register_kiosk
from .offices import create_office

DEMO_STAFF = "demo"
#: The demo's office head: runs Pa Sang at /admin/ (and only Pa Sang).
DEMO_HEAD = "head-pa-sang"
DEMO_HEAD_OFFICE = "pa-sang"
#: Past days of served tickets and survey answers per demo office, so the report has figures.
DEMO_HISTORY_DAYS = 5
DEMO_HISTORY_PER_DAY = 40


@dataclass
class SeedReport:
    staff_username: str
    staff_password: str
    kiosk_keys: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Further logins printed as ``staff:`` lines (the office head).
    more_staff: list[tuple[str, str]] = field(default_factory=list)


def seed_demo(
    *,
    staff_password: str | None,
    kiosk_key: Callable[[str], str],
    head_password: str | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> SeedReport:
    """Insert what is missing; keep what exists. One transaction, then (given ``today``) a few
    past open days of each office's history for the reports (days that have tickets are kept),
    and the Section 10 demo request. Without a staff password (production) no demo login is
    made: an administrator is created with create-staff."""
    report = SeedReport(DEMO_STAFF if staff_password else "", staff_password or "")
    for data in demo_data.OFFICES:
        office = db.session.scalar(select(Office).where(Office.code == data["code"]))
        if office is None:
            spec = OfficeSpec.from_mapping({**data, "closures": demo_data.PUBLIC_HOLIDAYS})
            office = create_office(spec, commit=False)  # committed below, with the rest
            report.notes.append(f"added office {office.code}")
        else:
            known = {c.day for c in office.closures}
            for day, name_th, name_en in demo_data.PUBLIC_HOLIDAYS:
                if day not in known:
                    office.closures.append(Closure(day=day, reason_th=name_th, reason_en=name_en))
        key = kiosk_key(office.code)
        register_kiosk(office, f"Demo kiosk {office.code}", key)
        report.kiosk_keys.append((office.code, key))

    if staff_password is not None:
        _login(DEMO_STAFF, staff_password, "Demo admin", "admin", None)
    if head_password is not None:
        head_office = db.session.scalar(select(Office).where(Office.code == DEMO_HEAD_OFFICE))
        _login(DEMO_HEAD, head_password, "หัวหน้าสำนักงาน ป่าซาง", "head", head_office.id)
        report.more_staff.append((DEMO_HEAD, head_password))
    db.session.commit()
    report.notes.extend(seed_demo_requests(now=now or datetime.now(UTC)))
    from .complaints import seed_default_topics

    added = seed_default_topics()
    if added:
        report.notes.append(f"added {added} complaint topics")
    if today is not None:
        for data in demo_data.OFFICES:
            days = history.open_days_before(data["code"], today, DEMO_HISTORY_DAYS)
            added = history.add_history(data["code"], days, per_day=DEMO_HISTORY_PER_DAY)
            if added:
                report.notes.append(f"added {added} past tickets at {data['code']} (for the reports)")
    return report


def _login(username: str, password: str, display_name: str, role: str, office_id: int | None) -> None:
    check_new_password(password, username=username)  # demo logins follow the password policy too
    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        db.session.add(
            Staff(
                username=username,
                password_hash=generate_password_hash(password),
                display_name=display_name,
                role=role,
                office_id=office_id,
            )
        )
    elif not check_password_hash(staff.password_hash, password):
        # The secret key changed since the last seed: keep the printed login true.
        staff.password_hash = generate_password_hash(password)


#: Section 10 processing times of the demo services (days, as a citizen's manual states them).
DEMO_PROCESSING_DAYS = {"id-card": 1, "change-address": 1, "house-reg-copy": 1, "birth-death-reg": 1,
                        "marriage-reg": 1, "name-change": 3, "commercial-reg": 1}  # fmt: skip
DEMO_REQUEST_REFERENCE = "ลพ 0318/DEMO-1"


def seed_demo_requests(*, now: datetime) -> list[str]:
    """Processing times and a letterhead for the demo offices, and one overdue request at
    Pa Sang so the overdue list is not empty. Idempotent."""
    from app.domain.working_days import DayKind

    from .auth import member
    from .office_rules import office_rules
    from .requests import NewRequest, register_request

    notes = []
    for office in db.session.scalars(select(Office)):
        for service in office.services:
            if service.processing_days is None and service.code in DEMO_PROCESSING_DAYS:
                service.processing_days = DEMO_PROCESSING_DAYS[service.code]
        if not office.letterhead_th:
            office.letterhead_th = f"{office.name_th}\n{office.address_th}"
            office.letter_signatory_th = f"นาย{office.name_th.removeprefix('ที่ว่าการ')}"
    db.session.commit()
    pa_sang = db.session.scalar(select(Office).where(Office.code == "pa-sang"))
    admin = db.session.scalar(select(Staff).where(Staff.username == DEMO_STAFF))
    exists = db.session.scalar(select(ServiceRequest.id).where(ServiceRequest.reference == DEMO_REQUEST_REFERENCE))
    if pa_sang is None or admin is None or exists is not None:
        return notes
    service = office_rules("pa-sang").services[-1]
    filed = now.date() - timedelta(days=40)
    register_request(
        "pa-sang",
        NewRequest(
            service.code,
            "สมศรี มีสุข",
            filed,
            DEMO_REQUEST_REFERENCE,
            phone="+66812345678",
            processing_days=15,
            day_kind=DayKind.WORKING,
        ),
        member(admin),
        now=now,
    )
    notes.append("added an overdue Section 10 request at pa-sang")
    return notes
