"""An office's complaint settings: its topics, its service level per priority, and where the
head's daily summary goes.

Topics are addressed by their code. An office that has never set its own topics offers the
defaults (``app.domain.complaints.DEFAULT_TOPICS``); its first change writes them as its own
rows, then applies. A topic is never deleted (complaints keep pointing at it): it is renamed,
or no longer offered on the form (``active`` off), and at least one stays offered.

None of this is in the offices' rules every worker caches (``office_rules``): the complaint
pages read topics and service levels from the database each time, so nothing needs reloading.
Each change writes its audit row (before → after) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain.admin_rules import TopicFields, refuse_no_active_topic
from app.domain.complaints import DEFAULT_SLA, DEFAULT_TOPICS, SlaDays
from app.domain.errors import N_, InvalidField, NotFound
from app.domain.roles import StaffMember
from app.extensions import db
from app.models import Complaint, ComplaintTopic, OfficeComplaintSettings

from . import audit
from .admin import OfficeRef, office_for, ref
from .complaints import add_default_topics
from .transactions import reading, writing


@dataclass(frozen=True)
class TopicRow:
    code: str
    name_th: str
    name_en: str
    active: bool
    complaints: int  # how many complaints are filed under it
    confidential: bool = False


@dataclass(frozen=True)
class ComplaintSettingsPage:
    office: OfficeRef
    topics: list[TopicRow]
    sla: SlaDays
    summary_email: str | None


def complaint_settings(code: str, staff: StaffMember) -> ComplaintSettingsPage:
    reading()
    office = office_for(code, staff)
    counts = dict(
        db.session.execute(
            select(Complaint.topic_id, func.count())
            .where(Complaint.office_id == office.id)
            .group_by(Complaint.topic_id)
        ).all()
    )
    rows = db.session.scalars(
        select(ComplaintTopic)
        .where(ComplaintTopic.office_id == office.id)
        .order_by(ComplaintTopic.position, ComplaintTopic.id)
    ).all()
    if rows:
        topics = [TopicRow(t.code, t.name_th, t.name_en, t.active, counts.get(t.id, 0), t.confidential) for t in rows]
    else:
        topics = [TopicRow(t.code, t.name_th, t.name_en, True, 0, t.confidential) for t in DEFAULT_TOPICS]
    settings = db.session.get(OfficeComplaintSettings, office.id)
    sla = (
        SlaDays(settings.sla_urgent_days, settings.sla_high_days, settings.sla_normal_days) if settings else DEFAULT_SLA
    )
    return ComplaintSettingsPage(ref(office), topics, sla, settings.summary_email if settings else None)


def _own_topics(connection, office_id: int) -> list[ComplaintTopic]:
    if not _has_topics(office_id):
        add_default_topics(connection, office_id)
    return list(
        db.session.scalars(
            select(ComplaintTopic).where(ComplaintTopic.office_id == office_id).order_by(ComplaintTopic.position)
        )
    )


def _has_topics(office_id: int) -> bool:
    return (
        db.session.scalar(select(ComplaintTopic.id).where(ComplaintTopic.office_id == office_id).limit(1)) is not None
    )


def add_topic(code: str, staff: StaffMember, topic_code: str, fields: TopicFields, *, now: datetime) -> None:
    with writing() as connection:
        office = office_for(code, staff)
        topics = _own_topics(connection, office.id)
        if any(t.code == topic_code for t in topics):
            raise InvalidField("code", N_("The topic code %(code)s is taken."), code=topic_code)
        position = max((t.position for t in topics), default=-1) + 1
        db.session.add(
            ComplaintTopic(
                office_id=office.id, code=topic_code, name_th=fields.name_th, name_en=fields.name_en,
                position=position, active=True, confidential=fields.confidential,
            )
        )  # fmt: skip
        audit.record(
            staff, office.id, "complaint_topic", topic_code, "create", now=now,
            after={"name_th": fields.name_th, "name_en": fields.name_en, "active": True,
                   "confidential": fields.confidential},
        )  # fmt: skip


def save_topic(code: str, staff: StaffMember, topic_code: str, fields: TopicFields, *, now: datetime) -> None:
    """Rename a topic, offer it or not on the complaint form, make its complaints confidential."""
    with writing() as connection:
        office = office_for(code, staff)
        topics = _own_topics(connection, office.id)
        row = next((t for t in topics if t.code == topic_code), None)
        if row is None:
            raise NotFound(N_("This office has no complaint topic %(code)s."), code=topic_code[:40])
        refuse_no_active_topic(sum(1 for t in topics if t.active and t is not row) + fields.active)
        before = {"name_th": row.name_th, "name_en": row.name_en, "active": row.active,
                  "confidential": row.confidential}
        after = {"name_th": fields.name_th, "name_en": fields.name_en, "active": fields.active,
                 "confidential": fields.confidential}  # fmt: skip
        changed = [n for n in after if after[n] != before[n]]
        if not changed:
            return
        row.name_th, row.name_en, row.active = fields.name_th, fields.name_en, fields.active
        row.confidential = fields.confidential
        audit.record(
            staff, office.id, "complaint_topic", topic_code, "update", now=now,
            before={n: before[n] for n in changed}, after={n: after[n] for n in changed},
        )  # fmt: skip


def _settings_row(office_id: int) -> OfficeComplaintSettings:
    row = db.session.get(OfficeComplaintSettings, office_id)
    if row is None:
        row = OfficeComplaintSettings(
            office_id=office_id,
            sla_urgent_days=DEFAULT_SLA.urgent,
            sla_high_days=DEFAULT_SLA.high,
            sla_normal_days=DEFAULT_SLA.normal,
        )
        db.session.add(row)
    return row


def set_sla(code: str, staff: StaffMember, sla: SlaDays, *, now: datetime) -> None:
    """The working days to finish a complaint, per priority. Complaints already received keep
    the due time they were given; new ones (and a change of priority) use the new figures."""
    with writing():
        office = office_for(code, staff)
        row = _settings_row(office.id)
        before = {"urgent": row.sla_urgent_days, "high": row.sla_high_days, "normal": row.sla_normal_days}
        after = {"urgent": sla.urgent, "high": sla.high, "normal": sla.normal}
        changed = [n for n in after if after[n] != before[n]]
        if not changed:
            return
        row.sla_urgent_days, row.sla_high_days, row.sla_normal_days = sla.urgent, sla.high, sla.normal
        audit.record(
            staff, office.id, "complaint_settings", office.code, "update", now=now,
            before={f"sla_{n}_days": before[n] for n in changed}, after={f"sla_{n}_days": after[n] for n in changed},
        )  # fmt: skip


def set_summary_email(code: str, staff: StaffMember, email: str | None, *, now: datetime) -> None:
    """Where the daily summary of overdue complaints goes (``None``: no summary)."""
    with writing():
        office = office_for(code, staff)
        row = _settings_row(office.id)
        before = row.summary_email
        if before == email:
            return
        row.summary_email = email
        audit.record(
            staff, office.id, "complaint_settings", office.code, "update", now=now,
            before={"summary_email": before}, after={"summary_email": email},
        )  # fmt: skip
