"""Version stamps of slow-changing data that every process keeps in memory.

Each web worker keeps the offices' rules (hours, capacities, services, counters) in memory
and, on each request, reads one row here to see whether they are still current. Any write to
office settings stamps a new random version in the same transaction, so a change made by an
administrator is seen at once by every worker on every machine.
"""

from __future__ import annotations

import secrets

from sqlalchemy import String, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db


class CacheVersion(db.Model):
    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


#: The name of the version row of office settings.
OFFICES = "offices"


def stamp_new_version(connection, name: str) -> None:
    """Give ``name`` a new random version (a counter could repeat after a restore)."""
    version = secrets.token_hex(8)
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        insert(CacheVersion.__table__)
        .values(name=name, version=version)
        .on_conflict_do_update(index_elements=["name"], set_={"version": version})
    )


def _office_settings_types() -> tuple[type, ...]:
    from .office import (
        CapacityOverride,
        ChannelCapacity,
        Closure,
        Counter,
        CounterChannel,
        CounterService,
        ExtraPeriod,
        Office,
        OpeningPeriod,
        Service,
    )

    return (
        Office, OpeningPeriod, ExtraPeriod, Closure, Service, Counter, CounterChannel, CounterService,
        ChannelCapacity, CapacityOverride,
    )  # fmt: skip


@event.listens_for(Session, "after_flush")
def _stamp_office_changes(session: Session, _context) -> None:
    """Whatever writes office settings through the ORM — admin pages, the seed, a script —
    stamps a new version in its own transaction, so no writer can forget to."""
    kinds = _office_settings_types()
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, kinds) for obj in changed):
        stamp_new_version(session.connection(), OFFICES)
