"""Staff accounts and kiosk keys of an office.

A head creates clerks of their office, resets their passwords and deactivates them; only an
administrator manages heads and administrators (``admin_rules.refuse_unless_manages``). A
reset or a deactivation also ends the person's signed-in sessions and API tokens, and after
a reset the person chooses their own password at the next sign-in. A kiosk key is shown once,
when it is made: only its SHA-256 is kept, so a lost key is revoked and replaced.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain import admin_rules, staff_access
from app.domain.admin_rules import NewStaff
from app.domain.errors import N_, Forbidden, InvalidField, NotFound
from app.domain.roles import Role, StaffMember
from app.extensions import db
from app.models import Kiosk, Staff

from . import audit
from .admin import office_for
from .auth import end_access, kiosk_key_hash
from .transactions import reading, writing


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    email: str | None = None


@dataclass(frozen=True)
class KioskRow:
    id: int
    name: str
    active: bool
    created_at: datetime
    counter: int | None = None  # a counter's satisfaction tablet: the counter's number


def staff_of(code: str, staff: StaffMember) -> list[StaffRow]:
    reading()
    office = office_for(code, staff)
    rows = db.session.scalars(select(Staff).where(Staff.office_id == office.id).order_by(Staff.role, Staff.username))
    return [StaffRow(s.id, s.username, s.display_name, Role(s.role), s.active, s.email) for s in rows]


def create_staff_member(code: str, staff: StaffMember, new: NewStaff, *, now: datetime) -> StaffRow:
    office = office_for(code, staff)
    admin_rules.refuse_unless_manages(staff, new.role, office.id)
    password_hash = generate_password_hash(new.password)  # slow on purpose: before the write lock
    with writing():
        if db.session.scalar(select(Staff.id).where(Staff.username == new.username)) is not None:
            raise InvalidField("username", N_("The username %(username)s is taken."), username=new.username)
        row = Staff(
            username=new.username,
            password_hash=password_hash,
            display_name=new.display_name,
            role=new.role.value,
            office_id=None if new.role is Role.ADMIN else office.id,
            email=new.email,
            must_change_password=True,  # the head typed it: the person chooses their own first
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            staff,
            office.id,
            "staff",
            row.username,
            "create",
            now=now,
            after={
                "display_name": row.display_name,
                "role": row.role,
                "active": True,
                "email": row.email,
                "must_change_password": True,
            },
        )
    return StaffRow(row.id, row.username, row.display_name, new.role, True, row.email)


def _member_of(office_id: int, staff: StaffMember, staff_id: int) -> Staff:
    row = db.session.get(Staff, staff_id)
    if row is None or row.office_id != office_id:
        raise NotFound(N_("There is no such staff account at this office."))
    admin_rules.refuse_unless_manages(staff, Role(row.role), row.office_id)
    return row


def staff_member_of(code: str, staff: StaffMember, staff_id: int) -> StaffRow:
    """One account of the office that ``staff`` manages (403/404 otherwise)."""
    reading()
    office = office_for(code, staff)
    s = _member_of(office.id, staff, staff_id)
    return StaffRow(s.id, s.username, s.display_name, Role(s.role), s.active, s.email)


def suggest_password() -> str:
    """A temporary password a head can read out: 4 groups of 4 letters and digits (about 80 bits)."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def reset_password(code: str, staff: StaffMember, staff_id: int, password: str, *, now: datetime) -> None:
    """A head (their clerks) or an administrator sets a temporary password: every session and
    API token of the account ends, and the person must choose their own at the next sign-in."""
    office = office_for(code, staff)
    target = _member_of(office.id, staff, staff_id)
    staff_access.check_new_password(password, username=target.username)
    password_hash = generate_password_hash(password)
    with writing():
        row = _member_of(office.id, staff, staff_id)
        row.password_hash = password_hash
        row.must_change_password = row.id != staff.id  # one's own: the head chose it themselves
        row.password_changed_at = now
        end_access(row.id, "reset", now=now)
        audit.record(staff, office.id, "staff", row.username, "reset_password", now=now,
                     after={"password": "reset", "must_change_password": row.must_change_password})  # fmt: skip


def set_staff_email(code: str, staff: StaffMember, staff_id: int, email: str | None, *, now: datetime) -> None:
    """A staff member's e-mail (``None``: none). A head sets their clerks' and their own; the
    Section 10 morning reminder goes to the heads' addresses."""
    with writing():
        office = office_for(code, staff)
        # Anyone may set their own; otherwise whom they manage (a head: their clerks).
        row = db.session.get(Staff, staff_id) if staff_id == staff.id else _member_of(office.id, staff, staff_id)
        if row is None or (row.office_id != office.id and row.id != staff.id):
            raise NotFound(N_("There is no such staff account at this office."))
        before = row.email
        if before == email:
            return
        row.email = email
        audit.record(
            staff, office.id, "staff", row.username, "update", now=now, before={"email": before}, after={"email": email}
        )


def set_staff_active(code: str, staff: StaffMember, staff_id: int, active: bool, *, now: datetime) -> None:
    with writing():
        office = office_for(code, staff)
        row = _member_of(office.id, staff, staff_id)
        if row.id == staff.id:
            raise Forbidden(N_("You cannot deactivate your own account."))
        before = row.active
        row.active = active
        if not active:
            end_access(row.id, "deactivated", now=now)  # a copied cookie or token ends too
        audit.record(
            staff,
            office.id,
            "staff",
            row.username,
            "activate" if active else "deactivate",
            now=now,
            before={"active": before},
            after={"active": active},
        )


def kiosks_of(code: str, staff: StaffMember) -> list[KioskRow]:
    reading()
    office = office_for(code, staff)
    rows = db.session.scalars(select(Kiosk).where(Kiosk.office_id == office.id).order_by(Kiosk.id))
    numbers = {c.id: c.number for c in office.counters}
    return [KioskRow(k.id, k.name, k.active, k.created_at, numbers.get(k.counter_id)) for k in rows]


def create_kiosk(
    code: str, staff: StaffMember, name: str, *, now: datetime, counter_number: int | None = None
) -> tuple[KioskRow, str]:
    """A new kiosk, or a counter's satisfaction tablet (``counter_number``), and its key
    (shown once; only its hash is kept). Each key works only for its own kind of device."""
    key = secrets.token_urlsafe(24)
    with writing():
        office = office_for(code, staff)
        counter = None
        if counter_number is not None:
            counter = next((c for c in office.counters if c.number == counter_number and c.active), None)
            if counter is None:
                raise InvalidField("device", N_("Choose a kiosk or a counter's satisfaction tablet."))
        row = Kiosk(office_id=office.id, name=name, key_hash=kiosk_key_hash(key), active=True,
                    kind="rating" if counter else "kiosk", counter_id=counter.id if counter else None)  # fmt: skip
        db.session.add(row)
        db.session.flush()
        after = {"name": name, "active": True, **({"counter": counter.number} if counter else {})}
        audit.record(staff, office.id, "kiosk", row.id, "create", now=now, after=after)
    return KioskRow(row.id, row.name, True, now, counter.number if counter else None), key


def revoke_kiosk(code: str, staff: StaffMember, kiosk_id: int, *, now: datetime) -> None:
    with writing():
        office = office_for(code, staff)
        row = db.session.get(Kiosk, kiosk_id)
        if row is None or row.office_id != office.id:
            raise NotFound(N_("There is no such kiosk at this office."))
        before = row.active
        row.active = False
        audit.record(
            staff,
            office.id,
            "kiosk",
            row.id,
            "revoke",
            now=now,
            before={"name": row.name, "active": before},
            after={"name": row.name, "active": False},
        )
