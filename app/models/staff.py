"""People and devices that act for an office: staff accounts, their API tokens, kiosks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.roles import Role
from app.extensions import db

from .office import Office
from .types import UTCDateTime, sql_in_list, utcnow


class Staff(db.Model):
    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(f"role IN {sql_in_list(Role)}", name="role_known"),
        # Everyone but an admin belongs to one office.
        CheckConstraint("role = 'admin' OR office_id IS NOT NULL", name="office_unless_admin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10), default=Role.CLERK.value)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the office's reminders reach a head (Section 10 notices falling due); optional.
    email: Mapped[str | None] = mapped_column(String(254))
    # Set when a head or an administrator resets the password: the person chooses their own
    # at the next sign-in before anything else (docs/admin.md).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office | None] = relationship()


class StaffSession(db.Model):
    """A signed-in browser (console, administration): the cookie holds a random key, only its
    SHA-256 is kept. Checked on every request, so signing out, a password change or reset,
    a deactivation or "sign out everywhere" ends a copied cookie too (issue 21)."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A working day at most, and ended by an idle spell (app/domain/staff_access.py).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it ended: sign_out, sign_out_all, password, reset, deactivated.
    ended_why: Mapped[str | None] = mapped_column(String(20))


class StaffToken(db.Model):
    """A bearer token for the staff API; only its SHA-256 is kept."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[Staff] = relationship()


class Kiosk(db.Model):
    """A device paired with a key, known by the key's SHA-256: a ticket kiosk of an office
    (``kind`` "kiosk", header X-Kiosk-Key), or a counter's satisfaction tablet (``kind``
    "rating", bound to its counter, header X-Rate-Key). A key works only for its own kind."""

    __tablename__ = "kiosks"
    __table_args__ = (
        CheckConstraint("kind IN ('kiosk', 'rating')", name="kind_known"),
        CheckConstraint("kind = 'kiosk' OR counter_id IS NOT NULL", name="rating_has_counter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="kiosk", server_default="kiosk")
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship()
