"""Demo data for a newcomer: the offices in ``app.demo_data``, a staff login, kiosk keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import demo_data
from app.domain.office_spec import OfficeSpec
from app.extensions import db
from app.models import Closure, Office, Staff

from . import history
from .auth import register_kiosk
from .offices import create_office

DEMO_STAFF = "demo"
#: Past days of served tickets and survey answers per demo office, so the report has figures.
DEMO_HISTORY_DAYS = 5
DEMO_HISTORY_PER_DAY = 40


@dataclass
class SeedReport:
    staff_username: str
    staff_password: str
    kiosk_keys: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def seed_demo(*, staff_password: str, kiosk_key: Callable[[str], str], today: date | None = None) -> SeedReport:
    """Insert what is missing; keep what exists. One transaction, then (given ``today``) a few
    past open days of each office's history for the reports (days that have tickets are kept)."""
    report = SeedReport(DEMO_STAFF, staff_password)
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
    if today is not None:
        for data in demo_data.OFFICES:
            days = history.open_days_before(data["code"], today, DEMO_HISTORY_DAYS)
            added = history.add_history(data["code"], days, per_day=DEMO_HISTORY_PER_DAY)
            if added:
                report.notes.append(f"added {added} past tickets at {data['code']} (for the reports)")
    return report
