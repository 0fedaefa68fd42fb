"""Column types shared by the models, and CHECK lists derived from the domain's enums."""

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant: stored as UTC, always returned timezone-aware.

    SQLite has no time zones and hands back naive values; this makes both engines
    behave the same, and refuses naive datetimes so local times never sneak in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Row timestamps (created_at/updated_at) only; business rules take ``now`` as an argument."""
    return datetime.now(UTC)


def sql_in_list(values: Iterable[StrEnum]) -> str:
    """``('walk_in', 'web', 'mobile')``: a CHECK's list, from the enum that owns the words."""
    return "(" + ", ".join(f"'{v.value}'" for v in values) + ")"
