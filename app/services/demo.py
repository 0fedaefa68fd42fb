"""Demo data for a newcomer: the offices in ``app.demo_data``, a staff login, kiosk keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import demo_data
from app.domain.office_spec import OfficeSpec
from app.extensions import db
from app.models import Closure, Office, Staff

from .auth import register_kiosk
from .offices import create_office

DEMO_STAFF = "demo"


@dataclass
class SeedReport:
    staff_username: str
    staff_password: str
    kiosk_keys: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def seed_demo(*, staff_password: str | None, kiosk_key: Callable[[str], str]) -> SeedReport:
    """Insert what is missing; keep what exists. One transaction. Without a staff password
    (production) no demo login is made: an administrator is created with create-staff."""
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

    staff = db.session.scalar(select(Staff).where(Staff.username == DEMO_STAFF))
    if staff_password is None:
        pass
    elif staff is None:
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
