"""Who is calling the API: staff bearer tokens and kiosk keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.errors import N_, Forbidden, InvalidField, Unauthorized
from app.domain.office import OfficeRules
from app.domain.roles import Role, StaffMember
from app.extensions import db
from app.models import Kiosk, Office, Staff, StaffToken

from .transactions import reading

TOKEN_LIFETIME = timedelta(hours=12)  # one working day, evening period included
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def kiosk_key_hash(key: str) -> str:
    """How a kiosk key is kept (the administration issues keys; ``kiosk_for_key`` checks them)."""
    return _sha256(key)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def issue_staff_token(username: str, password: str, *, now: datetime) -> IssuedToken:
    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    valid = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password)
    if staff is None or not valid or not staff.active:
        raise Unauthorized(N_("Wrong username or password."))
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    db.session.add(StaffToken(token_hash=_sha256(token), staff_id=staff.id, expires_at=expires))
    db.session.commit()
    return IssuedToken(token, expires)


def staff_for_token(token: str | None, *, now: datetime) -> Staff:
    if not token:
        raise Unauthorized(N_("Sign in first: this needs a staff token."))
    reading()  # a read: on SQLite, never the write lock (every staff request passes here)
    row = db.session.scalar(select(StaffToken).where(StaffToken.token_hash == _sha256(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.staff.active:
        raise Unauthorized(N_("Your sign-in has expired; please sign in again."))
    return row.staff


def member(staff: Staff) -> StaffMember:
    """The plain value the use cases and the web edge work with."""
    return StaffMember(staff.id, staff.username, staff.display_name, Role(staff.role), staff.office_id)


def staff_member_for_token(token: str | None, *, now: datetime) -> StaffMember:
    """Who presents this bearer token (``unauthorized`` when missing, wrong or expired)."""
    return member(staff_for_token(token, now=now))


def staff_member_by_id(staff_id: object) -> StaffMember | None:
    """A signed-in console user by id (Flask-Login's session), or None when gone or disabled."""
    try:
        staff_id = int(staff_id)
    except (TypeError, ValueError):
        return None
    reading()  # every signed-in page view passes here: a read, never SQLite's write lock
    staff = db.session.get(Staff, staff_id)
    return member(staff) if staff is not None and staff.active else None


def sign_in(username: str, password: str) -> StaffMember:
    """Check a console sign-in; ``unauthorized`` with one message for any wrong part."""
    reading()
    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    valid = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password)
    if staff is None or not valid or not staff.active:
        raise Unauthorized(N_("Wrong username or password."))
    return member(staff)


def kiosk_for_office(key: str | None, office_id: int) -> Kiosk:
    """The kiosk presenting ``key``; it must belong to the office ``office_id``."""
    if not key:
        raise Unauthorized(N_("This kiosk is not registered: the X-Kiosk-Key header is missing."))
    reading()
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.key_hash == _sha256(key)))
    if kiosk is None or not kiosk.active or kiosk.kind != "kiosk":  # a counter tablet's key is not a kiosk's
        raise Unauthorized(N_("This kiosk key is not valid."))
    if kiosk.office_id != office_id:
        raise Forbidden(N_("This kiosk belongs to another office."))
    return kiosk


def register_kiosk(office: Office, name: str, key: str) -> Kiosk:
    """Add a kiosk known by ``key`` (or return the one already known by it). Caller commits."""
    existing = db.session.scalar(select(Kiosk).where(Kiosk.key_hash == _sha256(key)))
    if existing is not None:
        return existing
    kiosk = Kiosk(office_id=office.id, name=name, key_hash=_sha256(key))
    db.session.add(kiosk)
    return kiosk


def create_staff(username: str, password: str, *, display_name: str, role: str, office: OfficeRules | None) -> Staff:
    """Add a staff account; one transaction."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        raise InvalidField("username", N_("A username is 1–64 characters with no spaces."))
    if len(password) < 10:
        raise InvalidField("password", N_("A password needs at least 10 characters."))
    if role not in {r.value for r in Role}:
        raise InvalidField("role", N_("Role must be one of: clerk, head, admin."))
    if Role(role).needs_office and office is None:
        raise InvalidField("office", N_("Clerks and office heads belong to an office."))
    if db.session.scalar(select(Staff).where(Staff.username == username)) is not None:
        raise InvalidField("username", N_("The username %(username)s is taken."), username=username)
    staff = Staff(
        username=username,
        password_hash=generate_password_hash(password),
        display_name=display_name.strip() or username,
        role=role,
        office_id=office.id if office else None,
    )
    db.session.add(staff)
    db.session.commit()
    return staff
