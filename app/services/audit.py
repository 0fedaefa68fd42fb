"""The audit log: every administration change, who made it, before → after.

``record`` is called by the administration use cases inside their write transaction, so the
change and its record commit together. Values are stored as plain JSON (dates and times as
ISO text). Nothing about citizens is ever recorded: a closed day says how many bookings it
cancelled, never whose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum

from sqlalchemy import select

from app.domain import audit_sentences as sentences_rules
from app.domain.calendar import BANGKOK, to_utc
from app.domain.roles import StaffMember
from app.domain.survey_forms import ALL_ITEMS
from app.extensions import db
from app.models import AuditEntry, Counter, Service, Staff

from .transactions import reading

#: The most rows one audit page shows (newest first); narrow the dates to see older ones.
PAGE_ROWS = 500


def plain(value: object) -> object:
    """A value as JSON can hold it."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def record(
    staff: StaffMember,
    office_id: int | None,
    entity: str,
    entity_id: object,
    action: str,
    *,
    now: datetime,
    before: Mapping | None = None,
    after: Mapping | None = None,
) -> None:
    """Add one audit row to the current write transaction."""
    db.session.add(
        AuditEntry(
            at=now,
            staff_id=staff.id,
            office_id=office_id,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id)[:64],
            action=action,
            before=plain(before) if before is not None else None,
            after=plain(after) if after is not None else None,
        )
    )


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    username: str
    entity: str
    entity_id: str | None
    action: str
    before: dict | None
    after: dict | None
    display_name: str | None = None  # who, as they are called (the raw record keeps the username)
    names: sentences_rules.Names = field(default_factory=sentences_rules.Names, compare=False, repr=False)

    @property
    def who(self) -> str:
        return self.display_name or self.username

    def sentences(self) -> list[sentences_rules.Sentence]:
        """The record as sentences for a head (``app.domain.audit_sentences``)."""
        return sentences_rules.sentences(self.entity, self.entity_id, self.action, self.before, self.after, self.names)

    @property
    def local(self) -> datetime:
        """When, on the office's clock."""
        return self.at.astimezone(BANGKOK)

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that differs."""
        before, after = self.before or {}, self.after or {}
        names = list(dict.fromkeys([*before, *after]))
        return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def audit_lines(office_id: int, first: date, last: date) -> list[AuditLine]:
    """An office's audit rows from ``first`` to ``last`` (office dates), newest first."""
    a = AuditEntry.__table__.c
    s = Staff.__table__.c
    names = _names(office_id)
    rows = (
        reading()
        .execute(
            select(a.at, s.username, s.display_name, a.entity, a.entity_id, a.action, a.before, a.after)
            .select_from(AuditEntry.__table__.outerjoin(Staff.__table__, s.id == a.staff_id))
            .where(
                a.office_id == office_id,
                a.at >= to_utc(first, time(0)),
                a.at < to_utc(last + timedelta(days=1), time(0)),
            )
            .order_by(a.at.desc(), a.id.desc())
            .limit(PAGE_ROWS)
        )
        .all()
    )
    return [
        AuditLine(
            at=row.at,
            username=row.username or "—",
            entity=row.entity,
            entity_id=row.entity_id,
            action=row.action,
            before=row.before,
            after=row.after,
            display_name=row.display_name,
            names=names,
        )
        for row in rows
    ]


def _names(office_id: int) -> sentences_rules.Names:
    """What the sentences name things by: counters by number, services and accounts by name."""
    connection = reading()
    k, v, s = Counter.__table__.c, Service.__table__.c, Staff.__table__.c
    counters = {str(i): n for i, n in connection.execute(select(k.id, k.number).where(k.office_id == office_id))}
    services = {str(i): n for i, n in connection.execute(select(v.id, v.name_th).where(v.office_id == office_id))}
    people = dict(connection.execute(select(s.username, s.display_name).where(s.office_id == office_id)).all())
    return sentences_rules.Names(
        counter_number=counters.get,
        service_name=services.get,
        staff_name=people.get,
        item_text=lambda item: ALL_ITEMS[item].text if item in ALL_ITEMS else None,
    )
