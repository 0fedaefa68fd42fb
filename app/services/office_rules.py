"""Offices' rules, read once per change and kept in each process's memory.

Every request reads one row (``cache_versions``) to learn whether its copy is still
current; any write to office settings stamps a new version in the same transaction
(``app.models.cache``), so an administrator's change is seen at once by every worker. Each
office also has a version of its own: when the shared one moves, a worker reads the offices'
versions (one small query) and reloads only the offices whose version changed, so one head's
edit does not make every worker reload hundreds of offices.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.channels import Channel
from app.domain.errors import N_, NotFound
from app.domain.office import ClosureInfo, CounterInfo, OfficeRules, ServiceInfo
from app.extensions import db
from app.models import CacheVersion, Office
from app.models.cache import ALL_OFFICES, OFFICE_PREFIX, OFFICES, RULES_RELATIONSHIPS

from .transactions import reading

# Plain SQL with no parameters: the same text on every engine, nothing to compile per request.
_VERSION = f"SELECT version FROM {CacheVersion.__tablename__} WHERE name = '{OFFICES}'"
# Names from "office:" up to (not including) "office;", the next character: the primary key's
# range, and no '%' for a driver to read as a placeholder.
_OFFICE_VERSIONS = (
    f"SELECT name, version FROM {CacheVersion.__tablename__} "
    f"WHERE name >= '{OFFICE_PREFIX}' AND name < '{OFFICE_PREFIX[:-1]};'"
)


@dataclass(frozen=True)
class OfficeCatalogue:
    """Every office's rules as of one version."""

    version: str | None
    by_code: dict[str, OfficeRules]
    by_id: dict[int, OfficeRules]
    #: What the web edge renders from this version once and reuses (e.g. the office list).
    rendered: dict = field(default_factory=dict, compare=False)
    #: Each office's own version (``office:<id>``, and ``office:*``) as of this copy.
    office_versions: dict[str, str] = field(default_factory=dict, compare=False)

    def active(self) -> list[OfficeRules]:
        return sorted((o for o in self.by_code.values() if o.active), key=lambda o: o.code)


_catalogues: dict[str, OfficeCatalogue] = {}  # per database, by URL
_reload = threading.Lock()


def catalogue() -> OfficeCatalogue:
    """The current rules of every office: one small read when nothing changed."""
    connection = reading()
    version = connection.exec_driver_sql(_VERSION).scalar()
    key = str(connection.engine.url)
    current = _catalogues.get(key)
    if current is not None and current.version == version:
        return current
    with _reload:
        current = _catalogues.get(key)
        if current is None or current.version != version:
            current = _refresh(current, version, connection)
            _catalogues[key] = current
    return current


def _refresh(current: OfficeCatalogue | None, version: str | None, connection) -> OfficeCatalogue:
    """A new copy as of ``version``: only the offices whose own version moved are read again."""
    versions = dict(connection.exec_driver_sql(_OFFICE_VERSIONS).all())
    if current is None or versions.get(ALL_OFFICES) != current.office_versions.get(ALL_OFFICES):
        return _load(version, versions)
    changed = {
        int(name[len(OFFICE_PREFIX) :])
        for name in set(versions) | set(current.office_versions)
        if name != ALL_OFFICES and versions.get(name) != current.office_versions.get(name)
    }
    by_id = dict(current.by_id)
    for office_id in changed:
        by_id.pop(office_id, None)
    if changed:
        by_id.update((o.id, o) for o in _rules(Office.id.in_(sorted(changed))))
    return OfficeCatalogue(version, {o.code: o for o in by_id.values()}, by_id, office_versions=versions)


def office_rules(code: str, *, field: str | None = None) -> OfficeRules:
    """The active office with ``code``; NotFound (naming ``field`` when the code came in one) otherwise."""
    office = catalogue().by_code.get(code) if isinstance(code, str) else None
    if office is None or not office.active:
        raise NotFound(N_("There is no office with code %(code)s."), field=field, code=code)
    return office


def _load(version: str | None, versions: dict[str, str]) -> OfficeCatalogue:
    rules = _rules()
    return OfficeCatalogue(version, {o.code: o for o in rules}, {o.id: o for o in rules}, office_versions=versions)


def _loader_options() -> list:
    """``selectinload`` of every relationship in ``RULES_RELATIONSHIPS`` (the stamping's list)."""
    options = []
    for path in RULES_RELATIONSHIPS:
        entity, option = Office, None
        for name in path:
            attribute = getattr(entity, name)
            option = selectinload(attribute) if option is None else option.selectinload(attribute)
            entity = attribute.property.mapper.class_
        options.append(option)
    return options


def _rules(*where) -> list[OfficeRules]:
    """The rules of every office (or of those ``where`` picks), read with their settings."""
    offices = db.session.scalars(select(Office).where(*where).options(*_loader_options())).all()
    return [rules_of(o) for o in offices]


def rules_of(office: Office) -> OfficeRules:
    """The plain snapshot of an office's rows."""
    weekly: dict[Channel, dict[int, int]] = {channel: {} for channel in Channel}
    for c in office.capacities:
        weekly[Channel(c.channel)][c.weekday] = c.capacity
    return OfficeRules(
        id=office.id,
        code=office.code,
        name_th=office.name_th,
        name_en=office.name_en,
        address_th=office.address_th,
        address_en=office.address_en,
        lat=office.lat,
        lon=office.lon,
        geofence_m=office.geofence_m,
        booking_horizon_days=office.booking_horizon_days,
        web_slot_minutes=office.web_slot_minutes,
        web_slot_capacity=office.web_slot_capacity,
        prefixes={channel: office.prefix(channel) for channel in Channel},
        calendar=office.calendar(),
        weekly_capacity=weekly,
        capacity_overrides={(Channel(o.channel), o.day): o.capacity for o in office.capacity_overrides},
        closures={c.day: ClosureInfo(c.day, c.reason_th, c.reason_en) for c in office.closures},
        services=tuple(
            ServiceInfo(
                s.id, s.code, s.name_th, s.name_en, s.avg_minutes, s.active, s.documents_th, s.documents_en,
                s.processing_days, s.processing_day_kind or "working",
            )
            for s in office.services
        ),
        counters=tuple(
            CounterInfo(c.id, c.number, c.name_th, c.name_en, frozenset(c.channel_set), c.active, c.service_ids)
            for c in office.counters
        ),
        active=office.active,
        checkin_early_minutes=office.checkin_early_minutes,
        checkin_late_minutes=office.checkin_late_minutes,
        no_show_after_recalls=office.no_show_after_recalls,
        cross_channel_calls=office.cross_channel_calls,
        verification=office.verification,
        hold_minutes=office.hold_minutes,
    )
