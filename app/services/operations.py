"""What the operations endpoints read from the database: readiness and the figures a
monitoring system scrapes (``/readyz``, ``/metrics``; the contract's "Operations").

Each function runs one short read transaction and returns plain values; the web edge turns
them into JSON or Prometheus text.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Date, Integer, String, bindparam, text

from app.domain.calendar import local_now
from app.domain.status import Status
from app.extensions import db
from app.models.types import UTCDateTime, sql_in_list

from .transactions import reading

#: Statuses of people physically waiting for their call (checked in at the office).
WAITING_SQL = sql_in_list((Status.WAITING, Status.CHECKED_IN))


@functools.cache
def latest_revisions(migrations_dir: str) -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", migrations_dir)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str | None = None


def readiness(migrations_dir: str) -> Readiness:
    """Ready when the database answers and its schema is at the latest migration."""
    expected = latest_revisions(migrations_dir)
    try:
        connection = reading()
        current = frozenset(r[0] for r in connection.exec_driver_sql("SELECT version_num FROM alembic_version"))
    except Exception:  # unreachable, refused, or no alembic_version table: not ready
        db.session.rollback()
        try:
            reading().exec_driver_sql("SELECT 1")
        except Exception:
            db.session.rollback()
            return Readiness(False, "database unreachable")
        return Readiness(False, "schema not migrated (run: flask --app app db upgrade)")
    finally:
        db.session.remove()
    if current != expected:
        have = ", ".join(sorted(current)) or "none"
        return Readiness(
            False,
            f"schema at revision {have}, latest is {', '.join(sorted(expected))} (run: flask --app app db upgrade)",
        )
    return Readiness(True)


@dataclass(frozen=True)
class Figures:
    """Gauges read at scrape time."""

    outbox_pending: dict[str, int] = field(default_factory=dict)  # channel → messages not yet sent
    outbox_oldest_pending_seconds: float = 0.0
    dead_letters: dict[str, int] = field(default_factory=dict)  # channel → dead letters
    waiting: dict[tuple[str, str], int] = field(default_factory=dict)  # (office code, channel) → people


def figures(now: datetime) -> Figures:
    """The outbox backlog and its age, dead letters per channel, people waiting today."""
    today = local_now(now).date()
    try:
        connection = reading()
        pending: dict[str, int] = {}
        dead: dict[str, int] = {}
        oldest = None
        for channel, status, count, first in connection.execute(
            text(
                "SELECT channel, status, count(*) AS n, min(created_at) AS first FROM outbox "
                "WHERE status IN ('pending', 'sending', 'dead') GROUP BY channel, status"
            ).columns(channel=String, status=String, n=Integer, first=UTCDateTime)
        ):
            if status == "dead":
                dead[channel] = dead.get(channel, 0) + count
            else:
                pending[channel] = pending.get(channel, 0) + count
                oldest = first if oldest is None or (first is not None and first < oldest) else oldest
        waiting = {
            (code, channel): count
            for code, channel, count in connection.execute(
                text(
                    "SELECT o.code, b.channel, count(*) FROM bookings b JOIN offices o ON o.id = b.office_id "
                    f"WHERE b.day = :day AND b.status IN {WAITING_SQL} GROUP BY o.code, b.channel"
                ).bindparams(bindparam("day", type_=Date)),
                {"day": today},
            )
        }
    finally:
        db.session.remove()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return Figures(pending, age, dead, waiting)


def migrations_directory(root_path: str) -> str:
    return os.path.join(os.path.dirname(root_path), "migrations")
