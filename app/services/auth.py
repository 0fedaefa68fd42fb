"""Who is acting for an office: staff sign-in (the pages' server-checked sessions and the
API's bearer tokens), passwords, and kiosk keys.

A browser's sign-in is a ``staff_sessions`` row whose random key only the signed cookie
holds; every request checks it, so signing out, changing or resetting a password,
deactivating an account and "sign out everywhere" end a copied cookie as they revoke the
account's bearer tokens. Every sign-in, failure and sign-out is in the audit (never a
password or a token)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain import staff_access as access
from app.domain.calendar import local_now
from app.domain.errors import N_, Forbidden, InvalidField, Unauthorized
from app.domain.office import OfficeRules
from app.domain.roles import Role, StaffMember
from app.extensions import db
from app.models import AuditEntry, Kiosk, Office, Staff, StaffSession, StaffToken
from notifier.messages import Facts, Kind

from .outbox_writer import Subject, enqueue
from .transactions import reading, writing

TOKEN_LIFETIME = timedelta(hours=12)  # one working day, evening period included
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")
WRONG_PASSWORD = N_("Wrong username or password.")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def kiosk_key_hash(key: str) -> str:
    """How a kiosk key is kept (the administration issues keys; ``kiosk_for_key`` checks them)."""
    return _sha256(key)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def _checked_staff(username: str, password: str) -> Staff:
    """The active account ``username`` whose password is ``password``; ``unauthorized`` with one
    message for any wrong part (no one learns which usernames exist)."""
    reading()
    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    valid = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password)
    if staff is None or not valid or not staff.active:
        raise Unauthorized(WRONG_PASSWORD)
    return staff


def _audit_sign_in(staff: Staff | None, action: str, *, now: datetime, after: dict, entity: str = "sign_in") -> None:
    """A sign-in event in the audit (in the current write). Never the password, never a token;
    an unknown username is not recorded either (it may be a password typed in the wrong box)."""
    db.session.add(
        AuditEntry(
            at=now, staff_id=staff.id if staff else None, office_id=staff.office_id if staff else None,
            entity=entity, entity_id=staff.username if staff else None, action=action, before=None, after=after,
        )
    )  # fmt: skip


def issue_staff_token(username: str, password: str, *, now: datetime, address: str | None = None) -> IssuedToken:
    staff = _checked_staff(username, password)
    if staff.must_change_password:
        raise Forbidden(
            N_("Your password was set by someone else: sign in on the staff pages and choose your own first.")
        )
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    with writing():
        db.session.add(StaffToken(token_hash=_sha256(token), staff_id=staff.id, expires_at=expires))
        _audit_sign_in(staff, "sign_in", now=now, after={"via": "api", "address": address})
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


# --- signed-in browsers (console, administration) -------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """A browser's sign-in: who, the session's key (kept in the signed cookie; only its hash in
    the database) and whether the person must choose a new password first."""

    member: StaffMember
    session_key: str
    must_change_password: bool


def sign_in(username: str, password: str, *, now: datetime, address: str | None = None) -> SignedIn:
    """Check a console sign-in and start a session (audited); ``unauthorized`` with one message
    for any wrong part. The caller records a failure with ``record_failed_sign_in``."""
    staff = _checked_staff(username, password)
    key = secrets.token_urlsafe(32)
    with writing():
        db.session.add(
            StaffSession(key_hash=_sha256(key), staff_id=staff.id, created_at=now, last_seen_at=now,
                         expires_at=access.session_ends_at(now))
        )  # fmt: skip
        _audit_sign_in(staff, "sign_in", now=now, after={"via": "pages", "address": address})
    return SignedIn(member(staff), key, staff.must_change_password)


def record_failed_sign_in(
    username: str, *, now: datetime, address: str | None, failures: int, policy: access.FailurePolicy, via: str
) -> None:
    """Audit a wrong password; when the username's failures (from every address, in the
    window) reach the policy's mark, tell the owner by e-mail through the outbox."""
    reading()
    staff = db.session.scalar(select(Staff).where(Staff.username == username))
    with writing() as connection:
        _audit_sign_in(staff, "failed", now=now, after={"via": via, "address": address})
        if staff is not None and staff.email and policy.tell_owner(failures):
            facts = Facts(
                kind=Kind.SIGN_IN_FAILURES.value, locale="th", number=str(failures), office_th="", office_en="",
                service_th="", service_en="", day=local_now(now).date().isoformat(),
                estimated_at=local_now(now).strftime("%H:%M"), references=staff.username,
            ).to_json()  # fmt: skip
            db.session.flush()
            subject = Subject(f"staff:{staff.id}", {"email": staff.email}, facts)
            enqueue(connection, subject, Kind.SIGN_IN_FAILURES, now=now,
                    key=local_now(now).strftime("%Y-%m-%dT%H"))  # fmt: skip


@dataclass(frozen=True)
class SessionMember:
    member: StaffMember
    must_change_password: bool


def session_member(key: object, *, now: datetime) -> SessionMember | None:
    """Who a browser's session is, or None when it was ended (signed out, password changed or
    reset, account deactivated, "sign out everywhere"), its working day is over, it stayed
    idle too long, or the account is inactive. Checked on every signed-in request."""
    if not isinstance(key, str) or not key:
        return None
    reading()  # every signed-in page view passes here: a read, never SQLite's write lock
    row = db.session.scalar(select(StaffSession).where(StaffSession.key_hash == _sha256(key)))
    if row is None:
        return None
    alive = access.session_alive(
        expires_at=row.expires_at, last_seen_at=row.last_seen_at, ended=row.ended_at is not None, now=now
    )
    staff = db.session.get(Staff, row.staff_id)
    if not alive or staff is None or not staff.active:
        return None
    if access.needs_seen_update(row.last_seen_at, now):
        with writing() as connection:
            s = StaffSession.__table__.c
            connection.execute(update(StaffSession.__table__).where(s.id == row.id).values(last_seen_at=now))
    return SessionMember(member(staff), staff.must_change_password)


def _end_sessions(staff_id: int, why: str, *, now: datetime, keep_key: str | None = None) -> None:
    """End every open session of the account (but the one ``keep_key`` names), in the current write."""
    s = StaffSession.__table__.c
    statement = update(StaffSession.__table__).where(s.staff_id == staff_id, s.ended_at.is_(None))
    if keep_key:
        statement = statement.where(s.key_hash != _sha256(keep_key))
    db.session.execute(statement.values(ended_at=now, ended_why=why))


def _revoke_tokens(staff_id: int, now: datetime) -> None:
    t = StaffToken.__table__.c
    db.session.execute(
        update(StaffToken.__table__).where(t.staff_id == staff_id, t.revoked_at.is_(None)).values(revoked_at=now)
    )


def end_access(staff_id: int, why: str, *, now: datetime, keep_key: str | None = None) -> None:
    """End the account's sessions and revoke its API tokens (in the caller's write): a password
    change or reset, a deactivation, "sign out everywhere"."""
    _end_sessions(staff_id, why, now=now, keep_key=keep_key)
    _revoke_tokens(staff_id, now)


def sign_out(key: object, staff: StaffMember, *, now: datetime) -> None:
    """End this browser's session (a copy of its cookie is refused from now on); audited."""
    if not isinstance(key, str) or not key:
        return
    with writing():
        s = StaffSession.__table__.c
        db.session.execute(
            update(StaffSession.__table__)
            .where(s.key_hash == _sha256(key), s.ended_at.is_(None))
            .values(ended_at=now, ended_why="sign_out")
        )
        row = db.session.get(Staff, staff.id)
        _audit_sign_in(row, "sign_out", now=now, after={"via": "pages"})


def sign_out_everywhere(staff: StaffMember, *, now: datetime) -> None:
    """End every session of the account and revoke its API tokens; audited."""
    with writing():
        row = db.session.get(Staff, staff.id)
        end_access(staff.id, "sign_out_all", now=now)
        _audit_sign_in(row, "sign_out_all", now=now, after={"via": "pages"})


def change_own_password(
    staff: StaffMember, current: str, new: str, *, now: datetime, keep_key: str | None
) -> None:
    """A staff member changes their own password: the current one is checked, the new one
    follows the policy; every other session and every API token ends; audited."""
    reading()
    row = db.session.get(Staff, staff.id)
    if row is None or not check_password_hash(row.password_hash, current or ""):
        raise InvalidField("current_password", N_("The current password is not right."))
    access.check_new_password(new, username=row.username, field="new_password")
    if check_password_hash(row.password_hash, new):
        raise InvalidField("new_password", N_("Choose a password different from the current one."))
    password_hash = generate_password_hash(new)  # slow on purpose: before the write lock
    with writing():
        row = db.session.get(Staff, staff.id)
        row.password_hash = password_hash
        row.must_change_password = False
        row.password_changed_at = now
        end_access(row.id, "password", now=now, keep_key=keep_key)
        _audit_sign_in(row, "change_password", now=now, after={"password": "changed"}, entity="staff")


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
    access.check_new_password(password, username=username)
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
