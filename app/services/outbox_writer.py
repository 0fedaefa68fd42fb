"""The one outbox writer: ``enqueue(connection, subject, kind, now=…)``.

Every message Khiw owes someone is written here, inside the transaction of the change that
causes it (a booking, a call at the counter, a request finished, a complaint answered, a
job's reminder): a transaction rolled back takes its messages with it. The subject says who
the message is about (a booking, a request, a complaint, an office's head) and what it says
(its facts); the registry of channels (``notifier.registry``) picks the channel(s) from the
addresses the subject has, in the kind's order, and after a permanent failure ``fall_back``
writes the message again for the next channel. Each row is keyed
``<subject>:<key>:<channel>`` with ``ON CONFLICT DO NOTHING``: a retried request, a double
click or a job run twice never enqueues a message twice. On PostgreSQL an urgent message also
sends a NOTIFY, delivered at commit, so a dispatcher wakes at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, text
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Booking, Complaint, OutboxMessage, ServiceRequest
from notifier.kinds import is_urgent
from notifier.registry import channels

_outbox = OutboxMessage.__table__

#: The PostgreSQL channel dispatchers LISTEN on.
WAKE_CHANNEL = "khiw_outbox"

#: Subjects whose addresses live in a row (``<name>:<id>``): read again for a fallback.
SUBJECT_TABLES = {"booking": Booking.__table__, "request": ServiceRequest.__table__, "complaint": Complaint.__table__}


@dataclass(frozen=True)
class Subject:
    """Who a message is about and for: ``ref`` names it (``booking:12``, ``request:5``,
    ``complaint:7``, or e.g. ``notice-reminder:3`` for an office head), ``addresses`` are its
    addresses by field (``phone_e164``, ``email``, … — ``Channel.address_field``), ``facts``
    what the message says (``notifier.messages.Facts`` / ``ComplaintFacts`` as JSON, plus the
    tokens its links are built from when sending)."""

    ref: str
    addresses: Mapping[str, str | None]
    facts: dict
    booking_id: int | None = None


def address_columns(table) -> list:
    """The columns of ``table`` holding an address of a registered channel."""
    return [table.c[name] for name in channels().address_fields() if name in table.c]


def addresses_in(row) -> dict[str, str | None]:
    """A row's (or mapping's) addresses by field, for ``channels().route``."""
    values = row._mapping if hasattr(row, "_mapping") else row
    return {name: values.get(name) for name in channels().address_fields()}


def subject_addresses(connection: Connection, ref: str | None) -> dict[str, str | None]:
    """The current addresses of the row ``ref`` names (empty for a subject with no row)."""
    name, _, ident = (ref or "").partition(":")
    table = SUBJECT_TABLES.get(name)
    if table is None or not ident.isdigit():
        return {}
    found = connection.execute(select(*address_columns(table)).where(table.c.id == int(ident))).first()
    return addresses_in(found) if found else {}


def enqueue(connection: Connection, subject: Subject, kind: str, *, now: datetime, key: str | None = None) -> int:
    """Write ``kind``'s message about ``subject`` into the outbox; return how many rows are new.

    ``key`` tells apart messages of one kind about one subject (a code sent again, the n-th
    delay notice); by default the kind. Call it inside the use case's write transaction."""
    kind = str(kind)
    routes = channels().route(kind, subject.addresses)
    rows = [
        _row(f"{subject.ref}:{key or kind}:{channel.name}", subject, kind, channel.name, address, now=now)
        for channel, address in routes
    ]
    return _insert(connection, rows)


def fall_back(connection: Connection, message, *, now: datetime) -> int:
    """``message`` (an outbox row: key, kind, channel, subject, facts, booking_id, urgent) can
    never be delivered by its channel: write it for the next channel its subject has, if any."""
    kind = message.facts.get("kind", message.kind)
    addresses = subject_addresses(connection, message.subject)
    following = channels().fallback(kind, message.channel, addresses)
    if following is None:
        return 0
    channel, address = following
    subject = Subject(message.subject, addresses, message.facts, message.booking_id)
    row = _row(f"{message.key}:{channel.name}-fallback"[:120], subject, kind, channel.name, address, now=now)
    row["urgent"] = message.urgent
    return _insert(connection, [row])


def _row(key: str, subject: Subject, kind: str, channel: str, address: str, *, now: datetime) -> dict:
    return {
        "key": key, "subject": subject.ref, "booking_id": subject.booking_id, "kind": kind, "channel": channel,
        "recipient": address, "facts": subject.facts, "urgent": is_urgent(kind), "status": "pending", "attempts": 0,
        "next_attempt_at": now, "created_at": now,
    }  # fmt: skip


def _insert(connection: Connection, rows: list[dict]) -> int:
    """Insert outbox rows, skipping any whose key is already there; wake the dispatchers."""
    if not rows:
        return 0
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_outbox).on_conflict_do_nothing(index_elements=["key"]).returning(_outbox.c.id)
    # Counted from RETURNING: a driver's rowcount is not reliable for ON CONFLICT DO NOTHING.
    added = sum(len(connection.execute(statement, row).all()) for row in rows)
    if added and any(row["urgent"] for row in rows) and connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
    return added
