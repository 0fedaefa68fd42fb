"""Version stamps of slow-changing data that every process keeps in memory.

Each web worker keeps the offices' rules (hours, capacities, services, counters) in memory
and, on each request, reads one row here to see whether they are still current. Any write to
office settings stamps a new random version in the same transaction — that row, and the
changed office's own row — so a change made by an administrator is seen at once by every
worker on every machine, and each worker reloads only the offices whose own version moved.
"""

from __future__ import annotations

import secrets

from sqlalchemy import String, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db


class CacheVersion(db.Model):
    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


#: The version row stamped on every change to any office's settings: the one row each request
#: reads to learn whether anything changed.
OFFICES = "offices"
#: Each office's own version row (``office:<id>``): which offices a change touched, so a worker
#: reloads those offices' rules only, not every office's (hundreds in a province).
OFFICE_PREFIX = "office:"
#: Stamped when a change's office cannot be told (a counter's row deleted with its counter):
#: every worker then reloads every office, as before per-office versions.
ALL_OFFICES = "office:*"

#: What ``app.services.office_rules`` loads of an office: these relationships of ``Office``
#: (a pair: a relationship of that relationship's rows). The one list: the loader's
#: ``selectinload`` options and the tables that stamp a version are both derived from it, so a
#: table the rules are read from cannot be left off the stamping (tests/unit/test_cache_versions.py
#: also checks that every table holding an office's settings is one of them or named as not).
RULES_RELATIONSHIPS: tuple[tuple[str, ...], ...] = (
    ("periods",),
    ("closures",),
    ("capacities",),
    ("capacity_overrides",),
    ("extra_periods",),
    ("services",),
    ("counters", "channels"),
    ("counters", "services"),
)


def office_version_name(office_id: int) -> str:
    return f"{OFFICE_PREFIX}{office_id}"


def stamp_new_version(connection, name: str) -> None:
    """Give ``name`` a new random version (a counter could repeat after a restore)."""
    version = secrets.token_hex(8)
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        insert(CacheVersion.__table__)
        .values(name=name, version=version)
        .on_conflict_do_update(index_elements=["name"], set_={"version": version})
    )


def rules_types() -> tuple[type, ...]:
    """``Office`` and every class reached through ``RULES_RELATIONSHIPS``: the rows office rules
    are made of, so the rows whose change stamps a version."""
    from sqlalchemy import inspect

    from .office import Office

    kinds: list[type] = [Office]
    for path in RULES_RELATIONSHIPS:
        mapper = inspect(Office)
        for name in path:
            mapper = mapper.relationships[name].mapper
            if mapper.class_ not in kinds:
                kinds.append(mapper.class_)
    return tuple(kinds)


_RULES_TYPES: tuple[type, ...] | None = None


def _office_settings_types() -> tuple[type, ...]:
    global _RULES_TYPES
    if _RULES_TYPES is None:
        _RULES_TYPES = rules_types()
    return _RULES_TYPES


def _office_id(session: Session, obj) -> int | None:
    """The office a settings row belongs to (None when it cannot be told)."""
    from .office import Office

    if isinstance(obj, Office):
        return obj.id
    office_id = getattr(obj, "office_id", None)
    if office_id is not None:
        return office_id
    counter_id = getattr(obj, "counter_id", None)
    if counter_id is not None:
        row = session.connection().execute(
            text("SELECT office_id FROM counters WHERE id = :id"), {"id": counter_id}
        ).first()
        return row[0] if row else None
    return None


@event.listens_for(Session, "after_flush")
def _stamp_office_changes(session: Session, _context) -> None:
    """Whatever writes office settings through the ORM — admin pages, the seed, a script —
    stamps a new version in its own transaction, so no writer can forget to: the office's
    own version and the one every request reads."""
    kinds = _office_settings_types()
    changed = [obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, kinds)]
    if not changed:
        return
    connection = session.connection()
    offices = {_office_id(session, obj) for obj in changed}
    for office_id in sorted(offices, key=lambda o: (o is None, o or 0)):
        stamp_new_version(connection, ALL_OFFICES if office_id is None else office_version_name(office_id))
    stamp_new_version(connection, OFFICES)
