"""Complaints: file one (the public form, the API, or a dissatisfied survey answer), follow it
by its token, and, for the office's staff, list, prioritise, assign, reply and move it along.

Each use case reads, decides with ``app.domain.complaints`` and writes in one short
transaction, with an event (who, when, what) for every change and, when the complainant gave
a phone or an e-mail, the message that tells them, in the outbox of the same transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain import complaints as rules
from app.domain import survey as survey_rules
from app.domain.calendar import BANGKOK, local_now, to_utc
from app.domain.complaints import ComplaintChannel, ComplaintStatus, HistoryLine, Priority, Topic
from app.domain.errors import N_, Forbidden, InvalidState, NotFound
from app.domain.office import OfficeRules
from app.domain.roles import Role, StaffMember
from app.links import complaint_find_url, complaint_status_url, staff_complaints_url
from app.models import (
    Booking,
    BookingEvent,
    Complaint,
    ComplaintEvent,
    ComplaintReply,
    ComplaintTopic,
    OfficeComplaintSettings,
    Staff,
    SurveyAnswer,
    SurveyResponse,
)
from notifier.complaints import (
    COMPLAINT_FEEDBACK,
    COMPLAINT_RECEIVED,
    COMPLAINT_REPLY,
    COMPLAINT_SUMMARY,
    ComplaintFacts,
)

from . import audit, outgoing
from .office_rules import catalogue, office_rules
from .outbox_writer import Subject, enqueue, subject_addresses
from .transactions import reading, writing

_complaints = Complaint.__table__
_replies = ComplaintReply.__table__
_events = ComplaintEvent.__table__
_topics = ComplaintTopic.__table__
_settings = OfficeComplaintSettings.__table__
_staff = Staff.__table__
_bookings = Booking.__table__
_booking_events = BookingEvent.__table__
_responses = SurveyResponse.__table__
_answers = SurveyAnswer.__table__

_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out on the phone
NOT_FOUND = N_("No complaint has this code. Check the link you were given.")


# --- what the web edge gets --------------------------------------------------------------


@dataclass(frozen=True)
class ReplyView:
    at: datetime
    text: str
    internal: bool
    status: ComplaintStatus | None  # the status this reply set, if it set one
    by: str | None  # the staff member's display name (staff views only)


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    action: str
    detail: str | None
    #: The line a person reads ("เจ้าหน้าที่ สมชาย ตอบผู้ร้อง"), translated by the page.
    line: HistoryLine | None = None


@dataclass(frozen=True)
class BookingLink:
    """The visit a complaint is about: what staff need to find the ticket, counter and clerk."""

    number: str
    day: date
    channel: str
    status: str
    service_th: str
    service_en: str
    counter_th: str | None
    counter_en: str | None
    clerk: str | None

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" else self.service_th

    def counter(self, locale: str) -> str | None:
        return self.counter_en if locale == "en" else self.counter_th


@dataclass(frozen=True)
class ComplaintView:
    token: str
    reference: str
    office: OfficeRules
    topic: Topic
    text: str
    status: ComplaintStatus
    priority: Priority
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    sla_breached: bool
    replies: tuple[ReplyView, ...]
    assignee: str | None = None  # username
    assignee_name: str | None = None
    # Staff views only:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    booking: BookingLink | None = None
    from_survey: bool = False
    events: tuple[EventView, ...] = ()
    channel: ComplaintChannel = ComplaintChannel.WEB
    closed_at: datetime | None = None
    #: The complainant's answer about the handling: None until answered.
    handling_satisfied: bool | None = None
    handling_comment: str | None = None  # staff views only
    #: Whether this staff member reads the internal notes (head, admin, assignee).
    reads_notes: bool = False
    #: Until when the head can reopen it (closed complaints, staff views).
    reopen_until: datetime | None = None

    @property
    def confidential(self) -> bool:
        return self.topic.confidential

    @property
    def handling_question_open(self) -> bool:
        return rules.may_answer_handling(self.status, self.handling_satisfied is not None)

    @property
    def open(self) -> bool:
        return self.status in rules.OPEN


@dataclass(frozen=True)
class FlaggedResponse:
    """A survey answer flagged for the head: dissatisfied items and the suggestion."""

    id: int
    day: date
    number: str | None
    service_th: str
    service_en: str
    dissatisfied: tuple[str, ...]  # question ids
    suggestion: str | None
    complaint_token: str | None
    complaint_reference: str | None

    def service(self, locale: str) -> str:
        return self.service_en if locale == "en" else self.service_th


@dataclass(frozen=True)
class StaffChoice:
    username: str
    display_name: str


# --- topics and service levels ------------------------------------------------------------


def _topic_rows(connection: Connection, office_id: int):
    t = _topics.c
    return connection.execute(
        select(t.id, t.code, t.name_th, t.name_en, t.active, t.confidential)
        .where(t.office_id == office_id)
        .order_by(t.position, t.id)
    ).all()


def office_topics(office_code: str) -> tuple[OfficeRules, list[Topic]]:
    """The office and the topics its complaint form offers (the defaults until it sets its own)."""
    office = office_rules(office_code)
    rows = _topic_rows(reading(), office.id)
    if not rows:
        return office, list(rules.DEFAULT_TOPICS)
    return office, [Topic(r.code, r.name_th, r.name_en, bool(r.confidential)) for r in rows if r.active]


def add_default_topics(connection: Connection, office_id: int) -> int:
    """Give an office the default topics it lacks; return how many were added (idempotent)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_topics).on_conflict_do_nothing(index_elements=["office_id", "code"])
    added = 0
    for position, topic in enumerate(rules.DEFAULT_TOPICS):
        added += connection.execute(
            statement.returning(_topics.c.id),
            {"office_id": office_id, "code": topic.code, "name_th": topic.name_th, "name_en": topic.name_en,
             "position": position, "active": True, "confidential": topic.confidential},
        ).first() is not None  # fmt: skip
    return added


def seed_default_topics() -> int:
    """The demo seed: every office gets the default topics it does not have yet."""
    with writing() as connection:
        return sum(add_default_topics(connection, office.id) for office in catalogue().by_id.values())


def _topic_id(connection: Connection, office_id: int, code: str, *, fallback: bool = False) -> int:
    rows = _topic_rows(connection, office_id)
    if not rows:
        add_default_topics(connection, office_id)
        rows = _topic_rows(connection, office_id)
    active = [r for r in rows if r.active]
    found = next((r.id for r in active if r.code == code), None)
    if found is None and fallback and active:
        found = next((r.id for r in active if r.code == "other"), active[-1].id)
    if found is None:
        raise NotFound(N_("This office has no complaint topic %(code)s."), field="topic", code=code[:40])
    return found


def _sla(connection: Connection, office_id: int) -> rules.SlaDays:
    s = _settings.c
    row = connection.execute(
        select(s.sla_urgent_days, s.sla_high_days, s.sla_normal_days).where(s.office_id == office_id)
    ).first()
    return rules.SlaDays(*row) if row else rules.DEFAULT_SLA


def set_office_complaint_settings(
    office_code: str, *, sla: rules.SlaDays | None = None, summary_email: str | object | None = rules.UNCHANGED
) -> None:
    """Set an office's service levels and/or the head's summary address (admin pages, tests)."""
    office = office_rules(office_code, field="office")
    values: dict = {}
    if sla is not None:
        values.update(sla_urgent_days=sla.urgent, sla_high_days=sla.high, sla_normal_days=sla.normal)
    if summary_email is not rules.UNCHANGED:
        values["summary_email"] = summary_email
    with writing() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_settings).values(office_id=office.id, **values)
        if values:
            statement = statement.on_conflict_do_update(index_elements=["office_id"], set_=values)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["office_id"])
        connection.execute(statement)


# --- filing -------------------------------------------------------------------------------


def _new_reference(connection: Connection) -> str:
    while True:
        reference = "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        taken = connection.execute(select(_complaints.c.id).where(_complaints.c.reference == reference)).first()
        if taken is None:
            return reference


def _booking_of(token: str, office: OfficeRules) -> int:
    b = _bookings.c
    found = None
    if _TOKEN_SHAPE.fullmatch(token):
        found = reading().execute(select(b.id, b.office_id).where(b.token == token)).first()
    if found is None or found.office_id != office.id:
        raise NotFound(N_("No booking at this office has this code."), field="booking_token")
    return found.id


def file_complaint(
    submission: rules.ComplaintSubmission, *, now: datetime, locale: str = "th", actor: str = "citizen"
) -> ComplaintView:
    """Record a complaint with the office's default priority and its due time; tell the
    complainant its reference when they gave a phone or an e-mail."""
    office = office_rules(submission.office, field="office")
    booking_id = _booking_of(submission.booking_token, office) if submission.booking_token else None
    token = secrets.token_urlsafe(24)  # 192 bits
    with writing() as connection:
        topic_id = _topic_id(connection, office.id, submission.topic)
        complaint_id = _insert_complaint(
            connection, office, topic_id, submission.text, now=now, token=token, actor=actor,
            name=submission.name, phone_e164=submission.phone, email=submission.email,
            locale=locale if locale in ("th", "en") else "th", booking_id=booking_id,
            channel=submission.channel.value,
        )  # fmt: skip
        if submission.has_contact:
            _notify(connection, complaint_id, COMPLAINT_RECEIVED, now=now)
    return complaint_for_citizen(token, now=now)


def record_complaint(
    submission: rules.ComplaintSubmission, staff: StaffMember, *, now: datetime, locale: str = "th"
) -> ComplaintView:
    """A staff member records a complaint the office received by phone, letter, in person or
    from the 1111 hotline, with its channel (GECC 9.1: every channel is recorded and counted)."""
    office = office_rules(submission.office, field="office")
    _authorize(staff, office.id)
    view = file_complaint(submission, now=now, locale=locale, actor=staff.actor)
    return _staff_view(view.token, staff, now=now)


def _insert_complaint(connection, office: OfficeRules, topic_id: int, text: str, *, now, token, actor, **values) -> int:
    due = rules.due_at(now, rules.DEFAULT_PRIORITY, _sla(connection, office.id), office.closures)
    complaint_id = connection.execute(
        insert(_complaints).returning(_complaints.c.id),
        {"token": token, "reference": _new_reference(connection), "office_id": office.id, "topic_id": topic_id,
         "text": text, "priority": rules.DEFAULT_PRIORITY.value, "status": ComplaintStatus.RECEIVED.value,
         "received_at": now, "due_at": due, "updated_at": now, **values},
    ).scalar_one()  # fmt: skip
    _event(connection, complaint_id, now, actor, "received")
    return complaint_id


def _event(connection: Connection, complaint_id: int, at: datetime, actor: str, action: str, detail=None) -> None:
    connection.execute(
        insert(_events),
        {"complaint_id": complaint_id, "at": at, "actor": actor[:100], "action": action,
         "detail": None if detail is None else str(detail)[:200]},
    )  # fmt: skip


# --- reading ------------------------------------------------------------------------------

_c = _complaints.c
_COLUMNS = (
    _c.id, _c.token, _c.reference, _c.office_id, _c.topic_id, _c.text, _c.name, _c.phone_e164, _c.email,
    _c.locale, _c.booking_id, _c.survey_response_id, _c.priority, _c.status, _c.assignee_id, _c.received_at,
    _c.due_at, _c.resolved_at, _c.channel, _c.closed_at, _c.handling_satisfied, _c.handling_comment,
    _topics.c.code.label("topic_code"), _topics.c.name_th.label("topic_th"), _topics.c.name_en.label("topic_en"),
    _topics.c.confidential.label("confidential"),
    _staff.c.username.label("assignee"), _staff.c.display_name.label("assignee_name"),
)  # fmt: skip
_FROM = _complaints.join(_topics, _topics.c.id == _c.topic_id).outerjoin(_staff, _staff.c.id == _c.assignee_id)


def _row(token: object, connection: Connection | None = None):
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return (connection or reading()).execute(select(*_COLUMNS).select_from(_FROM).where(_c.token == token)).first()


def _replies_of(ids: list[int], *, internal: bool) -> dict[int, list[ReplyView]]:
    if not ids:
        return {}
    r = _replies.c
    query = (
        select(r.complaint_id, r.at, r.text, r.internal, r.status, _staff.c.display_name)
        .select_from(_replies.outerjoin(_staff, _staff.c.id == r.staff_id))
        .where(r.complaint_id.in_(ids))
        .order_by(r.at, r.id)
    )
    if not internal:
        query = query.where(r.internal.is_(False))
    found: dict[int, list[ReplyView]] = {}
    for row in reading().execute(query):
        found.setdefault(row.complaint_id, []).append(
            ReplyView(row.at, row.text, bool(row.internal), ComplaintStatus(row.status) if row.status else None,
                      row.display_name if internal else None)
        )  # fmt: skip
    return found


def _view(row, *, now: datetime, replies: list[ReplyView], staff_view: bool, **extra) -> ComplaintView:
    office = catalogue().by_id[row.office_id]
    contact = (
        {"name": row.name, "phone": row.phone_e164, "email": row.email, "handling_comment": row.handling_comment}
        if staff_view
        else {}
    )
    return ComplaintView(
        token=row.token,
        reference=row.reference,
        office=office,
        topic=Topic(row.topic_code, row.topic_th, row.topic_en, bool(row.confidential)),
        text=row.text,
        status=ComplaintStatus(row.status),
        priority=Priority(row.priority),
        received_at=row.received_at,
        due_at=row.due_at,
        resolved_at=row.resolved_at,
        sla_breached=rules.sla_breached(row.due_at, row.resolved_at, now),
        replies=tuple(replies),
        assignee=row.assignee if staff_view else None,
        assignee_name=row.assignee_name if staff_view else None,
        from_survey=row.survey_response_id is not None,
        channel=ComplaintChannel(row.channel),
        closed_at=row.closed_at,
        handling_satisfied=row.handling_satisfied,
        **contact,
        **extra,
    )


def complaint_for_citizen(token: str, *, now: datetime) -> ComplaintView:
    """The complaint as its complainant follows it: status, due time and the public replies."""
    row = _row(token)
    if row is None:
        raise NotFound(NOT_FOUND)
    return _view(row, now=now, replies=_replies_of([row.id], internal=False).get(row.id, []), staff_view=False)


def _authorize(staff: StaffMember, office_id: int) -> None:
    if not staff.may_act_for(office_id):
        raise Forbidden(N_("This complaint belongs to another office."))


def _staff_row(token: str, staff: StaffMember, connection: Connection | None = None):
    """The complaint if this staff member may read it. A confidential one the clerk may not read
    answers as if it did not exist (404), so its text, complainant and notes never show."""
    row = _row(token, connection)
    if row is None:
        raise NotFound(NOT_FOUND)
    _authorize(staff, row.office_id)
    if not rules.may_read(staff.role.value, staff.id, row.assignee_id, bool(row.confidential)):
        raise NotFound(NOT_FOUND)
    return row


def _reads_notes(staff: StaffMember, row) -> bool:
    return rules.may_read_notes(staff.role.value, staff.id, row.assignee_id)


def complaint_for_staff(token: str, staff: StaffMember, *, now: datetime) -> ComplaintView:
    """Everything staff see: contact, internal notes (head, admins, the assignee), the history
    as sentences, and the visit it is about."""
    row = _staff_row(token, staff)
    notes = _reads_notes(staff, row)
    e = _events.c
    rows = reading().execute(
        select(e.at, e.actor, e.action, e.detail).where(e.complaint_id == row.id).order_by(e.at, e.id)
    ).all()
    names = _display_names(r.actor for r in rows)
    events = tuple(
        EventView(r.at, r.actor, r.action, r.detail,
                  rules.history_line(r.action, names.get(r.actor), r.detail, citizen=r.actor == "citizen"))
        for r in rows
        if notes or r.action != "note"
    )  # fmt: skip
    return _view(
        row, now=now, replies=_replies_of([row.id], internal=notes).get(row.id, []), staff_view=True,
        booking=_booking_link(row.booking_id), events=events, reads_notes=notes,
        reopen_until=_reopen_until(row),
    )  # fmt: skip


def _display_names(actors: Iterable[str]) -> dict[str, str]:
    """``staff:somchai`` → the staff member's display name (the history names people)."""
    usernames = {a.split(":", 1)[1] for a in actors if a.startswith("staff:")}
    if not usernames:
        return {}
    s = _staff.c
    found = reading().execute(select(s.username, s.display_name).where(s.username.in_(sorted(usernames)))).all()
    names = {f"staff:{r.username}": r.display_name for r in found}
    return {f"staff:{u}": names.get(f"staff:{u}", u) for u in usernames}


def _reopen_until(row) -> datetime | None:
    if row.status != ComplaintStatus.CLOSED.value or row.closed_at is None:
        return None
    office = catalogue().by_id[row.office_id]
    return rules.reopen_deadline(row.closed_at, row.priority, _sla(reading(), office.id), office.closures)


def _staff_view(token: str, staff: StaffMember, *, now: datetime) -> ComplaintView:
    row = _row(token)
    notes = _reads_notes(staff, row)
    return _view(row, now=now, replies=_replies_of([row.id], internal=notes).get(row.id, []), staff_view=True,
                 reads_notes=notes)  # fmt: skip


def _booking_link(booking_id: int | None) -> BookingLink | None:
    if booking_id is None:
        return None
    b = _bookings.c
    row = (
        reading()
        .execute(
            select(b.number, b.day, b.channel, b.status, b.office_id, b.service_id, b.counter_id).where(
                b.id == booking_id
            )
        )
        .first()
    )
    if row is None:
        return None
    office = catalogue().by_id[row.office_id]
    service = office.service_by_id(row.service_id)
    counter = office.counter_by_id(row.counter_id)
    return BookingLink(
        number=row.number, day=row.day, channel=row.channel, status=row.status,
        service_th=service.name_th if service else "", service_en=service.name_en if service else "",
        counter_th=counter.name_th if counter else None, counter_en=counter.name_en if counter else None,
        clerk=_clerk_of(booking_id),
    )  # fmt: skip


def _clerk_of(booking_id: int) -> str | None:
    """Who served the visit: the last staff member in its history (display name)."""
    e = _booking_events.c
    actors = (
        reading()
        .execute(select(e.actor).where(e.booking_id == booking_id, e.actor.like("staff:%")).order_by(e.id.desc()))
        .scalars()
    )
    for actor in actors:
        name = (
            reading().execute(select(_staff.c.display_name).where(_staff.c.username == actor.split(":", 1)[1])).scalar()
        )
        if name is not None:
            return name
    return None


def office_complaints(
    office_code: str, staff: StaffMember, *, now: datetime, status: ComplaintStatus | None = None,
    overdue: bool | None = None,
) -> list[ComplaintView]:  # fmt: skip
    """The office's complaints for its staff, those past their service level first, then by due time.

    ``overdue``: still open after the due time (True) or not (False)."""
    office = office_rules(office_code)
    _authorize(staff, office.id)
    query = select(*_COLUMNS).select_from(_FROM).where(_c.office_id == office.id)
    if staff.role is Role.CLERK:  # a confidential complaint only when the head made them responsible
        query = query.where(_topics.c.confidential.is_(False) | (_c.assignee_id == staff.id))
    if status is not None:
        query = query.where(_c.status == status.value)
    open_values = sorted(s.value for s in rules.OPEN)
    late = _c.status.in_(open_values) & (_c.due_at < now)
    if overdue is True:
        query = query.where(late)
    elif overdue is False:
        query = query.where(~late)
    rows = reading().execute(query.order_by(_c.due_at, _c.id).limit(500)).all()
    rows = [r for r in rows if rules.may_read(staff.role.value, staff.id, r.assignee_id, bool(r.confidential))]
    replies = _replies_of([r.id for r in rows], internal=True)
    views = []
    for r in rows:
        notes = _reads_notes(staff, r)
        shown = [reply for reply in replies.get(r.id, []) if notes or not reply.internal]
        views.append(_view(r, now=now, replies=shown, staff_view=True, reads_notes=notes))
    views.sort(key=lambda v: (not (v.sla_breached and v.open), not v.open, v.due_at))
    return views


def assignable_staff(office_code: str, staff: StaffMember) -> list[StaffChoice]:
    """The office's active clerks and heads, whom the head may make responsible."""
    office = office_rules(office_code)
    _authorize(staff, office.id)
    s = _staff.c
    rows = (
        reading()
        .execute(
            select(s.username, s.display_name)
            .where(s.office_id == office.id, s.active.is_(True), s.role.in_((Role.CLERK.value, Role.HEAD.value)))
            .order_by(s.display_name)
        )
        .all()
    )
    return [StaffChoice(r.username, r.display_name) for r in rows]


# --- the head's and staff's changes ---------------------------------------------------------


def _require_head(staff: StaffMember) -> None:
    if staff.role not in (Role.HEAD, Role.ADMIN):
        raise Forbidden(N_("Only the office head sets a complaint's priority and the person responsible."))


def change_complaint(token: str, staff: StaffMember, change: rules.Change, *, now: datetime) -> ComplaintView:
    """The head sets the priority (the due time follows the office's service level) and/or the
    person responsible (a clerk or head of the office); a received complaint becomes assigned."""
    row = _staff_row(token, staff)
    _require_head(staff)
    current = ComplaintStatus(row.status)
    rules.check_open_for_changes(current)
    office = catalogue().by_id[row.office_id]
    values: dict = {}
    events: list[tuple[str, str | None]] = []
    with writing() as connection:
        if change.priority is not None and change.priority.value != row.priority:
            values["priority"] = change.priority.value
            values["due_at"] = rules.due_at(row.received_at, change.priority, _sla(connection, office.id),
                                            office.closures)  # fmt: skip
            events.append(("priority", change.priority.value))
        if change.assignee is not rules.UNCHANGED:
            assignee_id = None if change.assignee is None else _assignee_id(connection, office.id, change.assignee)
            if assignee_id != row.assignee_id:
                values["assignee_id"] = assignee_id
                name = None
                if assignee_id is not None:  # the history names the person, not the username
                    name = connection.execute(select(_staff.c.display_name).where(_staff.c.id == assignee_id)).scalar()
                events.append(("assignee", name or change.assignee))
                if assignee_id is not None and current is ComplaintStatus.RECEIVED:
                    values["status"] = ComplaintStatus.ASSIGNED.value
                    events.append(("status", ComplaintStatus.ASSIGNED.value))
        if values:
            moved = connection.execute(
                update(_complaints).where(_c.id == row.id, _c.status == row.status).values(updated_at=now, **values)
            ).rowcount
            if not moved:
                raise InvalidState(N_("The complaint was changed meanwhile; reload it and try again."))
            for action, detail in events:
                _event(connection, row.id, now, staff.actor, action, detail)
    return _staff_view(token, staff, now=now)


def _assignee_id(connection: Connection, office_id: int, username: str) -> int:
    s = _staff.c
    found = connection.execute(
        select(s.id).where(
            s.username == username, s.office_id == office_id, s.active.is_(True),
            s.role.in_((Role.CLERK.value, Role.HEAD.value)),
        )
    ).scalar()  # fmt: skip
    if found is None:
        raise NotFound(N_("%(username)s is not a staff member of this office."), field="assignee", username=username)
    return found


def reply_to_complaint(token: str, staff: StaffMember, reply: rules.Reply, *, now: datetime) -> ComplaintView:
    """A staff member of the office answers (the complainant is told through the outbox) or
    writes an internal note, and may move the complaint along in the same step."""
    row = _staff_row(token, staff)
    current = ComplaintStatus(row.status)
    rules.check_open_for_changes(current)
    target = reply.status if reply.status is not None and reply.status is not current else None
    if target is not None:
        rules.check_move_by(staff.role.value, current, target)
    if not reply.internal:
        outgoing.check_daily_cap(staff, now=now)
    with writing() as connection:
        values: dict = {"updated_at": now}
        if target is not None:
            values["status"] = target.value
            if target in rules.FINISHED and row.resolved_at is None:
                values["resolved_at"] = now
            elif target in rules.OPEN:
                values["resolved_at"] = None  # reopened: the clock runs again
            if target is ComplaintStatus.CLOSED:
                values["closed_at"] = now
        moved = connection.execute(
            update(_complaints).where(_c.id == row.id, _c.status == row.status).values(**values)
        ).rowcount
        if not moved:
            raise InvalidState(N_("The complaint was changed meanwhile; reload it and try again."))
        reply_id = connection.execute(
            insert(_replies).returning(_replies.c.id),
            {"complaint_id": row.id, "at": now, "staff_id": staff.id, "text": reply.text, "internal": reply.internal,
             "status": target.value if target else None},
        ).scalar_one()  # fmt: skip
        _event(connection, row.id, now, staff.actor, "note" if reply.internal else "reply")
        if target is not None:
            _event(connection, row.id, now, staff.actor, "status", target.value)
        if not reply.internal:
            _notify(connection, row.id, COMPLAINT_REPLY, now=now, reply_id=reply_id, reply=reply.text)
        if target in rules.FINISHED and row.handling_satisfied is None:
            # PMQA 3.4: ask the complainant one question about the handling (once: the outbox key).
            _notify(connection, row.id, COMPLAINT_FEEDBACK, now=now)
    return _staff_view(token, staff, now=now)


def reopen_complaint(token: str, staff: StaffMember, reason: str, *, now: datetime) -> ComplaintView:
    """The head (or an admin) reopens a closed complaint within its service level period after
    closing, with a reason; the history and the audit log keep who, when and why."""
    row = _staff_row(token, staff)
    if staff.role not in (Role.HEAD, Role.ADMIN):
        raise Forbidden(N_("Only the office head can reopen a closed complaint."))
    current = ComplaintStatus(row.status)
    if current is not ComplaintStatus.CLOSED:
        raise InvalidState(N_("Only a closed complaint is reopened; this one is still open."))
    rules.check_reopen(row.closed_at, _reopen_until(row), now)
    with writing() as connection:
        moved = connection.execute(
            update(_complaints).where(_c.id == row.id, _c.status == row.status).values(
                status=ComplaintStatus.IN_PROGRESS.value, resolved_at=None, closed_at=None, updated_at=now
            )
        ).rowcount
        if not moved:
            raise InvalidState(N_("The complaint was changed meanwhile; reload it and try again."))
        _event(connection, row.id, now, staff.actor, "reopened", reason)
        _event(connection, row.id, now, staff.actor, "status", ComplaintStatus.IN_PROGRESS.value)
        audit.record(
            staff, row.office_id, "complaint", row.reference, "reopen", now=now,
            before={"status": current.value}, after={"status": ComplaintStatus.IN_PROGRESS.value, "reason": reason},
        )  # fmt: skip
    return _staff_view(token, staff, now=now)


def answer_handling(token: str, answer: rules.HandlingAnswer, *, now: datetime) -> ComplaintView:
    """The complainant answers the one question about how their complaint was handled."""
    row = _row(token)
    if row is None:
        raise NotFound(NOT_FOUND)
    if not rules.may_answer_handling(ComplaintStatus(row.status), row.handling_satisfied is not None):
        raise InvalidState(N_("This question is asked once, after the complaint is resolved."))
    with writing() as connection:
        moved = connection.execute(
            update(_complaints).where(_c.id == row.id, _c.handling_satisfied.is_(None)).values(
                handling_satisfied=answer.satisfied, handling_comment=answer.comment, handling_answered_at=now
            )
        ).rowcount
        if not moved:
            raise InvalidState(N_("This question is asked once, after the complaint is resolved."))
        _event(connection, row.id, now, "citizen", "feedback")
    return complaint_for_citizen(token, now=now)


# --- messages -----------------------------------------------------------------------------


def _local_stamp(instant: datetime) -> str:
    return instant.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")


def _notify(connection: Connection, complaint_id: int, kind: str, *, now: datetime, reply_id: int = 0,
            reply: str = "") -> int:  # fmt: skip
    """Tell the complainant (by the first channel they can be reached on); 0 when they gave none."""
    row = connection.execute(select(*_COLUMNS).select_from(_FROM).where(_c.id == complaint_id)).one()
    office = catalogue().by_id[row.office_id]
    facts = ComplaintFacts(
        kind=kind, locale=row.locale or "th", office_th=office.name_th, office_en=office.name_en,
        reference=row.reference, topic_th=row.topic_th, topic_en=row.topic_en, status=row.status,
        status_label=rules.STATUS_LABELS[ComplaintStatus(row.status)], reply=reply, due=_local_stamp(row.due_at),
    ).to_json()  # fmt: skip
    facts["complaint_token"] = row.token  # the link is built when sending; the purge erases it
    ref = f"complaint:{complaint_id}"  # its addresses: every column a registered channel names
    subject = Subject(ref, subject_addresses(connection, ref), facts)
    return enqueue(connection, subject, kind, now=now, key=f"{kind}:{reply_id}")


def complaint_facts(stored: dict, base_url: str) -> ComplaintFacts:
    """The outbox's stored facts of a complaint message, with its links (built when sending)."""
    links = {}
    if stored.get("complaint_token"):
        links["status_url"] = complaint_status_url(base_url, stored["complaint_token"])
        links["find_url"] = complaint_find_url(base_url)
    if stored.get("office_code"):
        links["list_url"] = staff_complaints_url(base_url, stored["office_code"])
    return ComplaintFacts.from_json({**stored, **links})


def send_daily_summaries(*, now: datetime) -> int:
    """The head's daily e-mail: each office with a summary address and complaints past their
    service level gets one (once a day: the outbox key). Returns how many were enqueued."""
    s = _settings.c
    today = local_now(now).date()
    open_values = sorted(v.value for v in rules.OPEN)
    added = 0
    with writing() as connection:
        offices = connection.execute(select(s.office_id, s.summary_email).where(s.summary_email.is_not(None))).all()
        for office_id, address in offices:
            office = catalogue().by_id.get(office_id)
            if office is None or not office.active or not address:
                continue
            rows = connection.execute(
                select(*_COLUMNS).select_from(_FROM).where(_c.office_id == office_id, _c.status.in_(open_values))
                .order_by(_c.due_at)
            ).all()  # fmt: skip
            breaches = [
                {"reference": r.reference, "topic_th": r.topic_th, "topic_en": r.topic_en, "priority": r.priority,
                 "priority_label": rules.PRIORITY_LABELS[Priority(r.priority)],
                 "due": _local_stamp(r.due_at), "hours_late": int((now - r.due_at).total_seconds() // 3600),
                 "assignee": r.assignee_name}
                for r in rows if r.due_at < now
            ]  # fmt: skip
            if not breaches:
                continue
            facts = ComplaintFacts(
                kind=COMPLAINT_SUMMARY, locale="th", office_th=office.name_th, office_en=office.name_en,
                day=today.isoformat(), breaches=breaches, open_count=len(rows),
            ).to_json()  # fmt: skip
            facts["office_code"] = office.code
            subject = Subject(f"complaint-summary:{office_id}", {"email": address}, facts)
            added += enqueue(connection, subject, COMPLAINT_SUMMARY, now=now, key=today.isoformat())
    return added


# --- survey answers that become complaints -----------------------------------------------------


def flagged_survey_responses(office_code: str, staff: StaffMember, *, limit: int = 50) -> list[FlaggedResponse]:
    """The office's survey answers flagged for follow-up (a dissatisfied rating or a
    suggestion), newest first, with the complaint each became, if any."""
    office = office_rules(office_code)
    _authorize(staff, office.id)
    r, a = _responses.c, _answers.c
    rows = (
        reading()
        .execute(
            select(r.id, r.day, r.service_id, r.suggestion, _bookings.c.number, _c.token, _c.reference)
            .select_from(
                _responses.outerjoin(_bookings, _bookings.c.id == r.booking_id).outerjoin(
                    _complaints, _c.survey_response_id == r.id
                )
            )
            .where(r.office_id == office.id, r.needs_follow_up.is_(True))
            .order_by(r.submitted_at.desc(), r.id.desc())
            .limit(limit)
        )
        .all()
    )
    ids = [row.id for row in rows]
    dissatisfied: dict[int, list[str]] = {}
    if ids:
        for response_id, question_id in reading().execute(
            select(a.response_id, a.question_id).where(a.response_id.in_(ids), a.rating == "dissatisfied")
        ):
            dissatisfied.setdefault(response_id, []).append(question_id)
    result = []
    for row in rows:
        service = office.service_by_id(row.service_id)
        result.append(
            FlaggedResponse(
                id=row.id,
                day=row.day,
                number=row.number,
                service_th=service.name_th if service else "",
                service_en=service.name_en if service else "",
                dissatisfied=tuple(sorted(dissatisfied.get(row.id, []), key=_question_order)),
                suggestion=row.suggestion,
                complaint_token=row.token,
                complaint_reference=row.reference,
            )
        )
    return result


def _question_order(question_id: str) -> int:
    ids = [q.id for q in survey_rules.QUESTIONS]
    return ids.index(question_id) if question_id in ids else len(ids)


def complaint_from_survey(
    response_id: int, staff: StaffMember, *, now: datetime,
    describe: Callable[[Iterable[str], str | None], str] | None = None,
) -> ComplaintView:  # fmt: skip
    """Turn a flagged survey answer into a complaint about the same visit, in one action.

    ``describe(question ids, suggestion)`` writes the complaint's text in the staff member's
    language (the web edge translates); the survey stays anonymous: no contact is copied."""
    r, a = _responses.c, _answers.c
    response = (
        reading()
        .execute(select(r.id, r.office_id, r.booking_id, r.suggestion, r.needs_follow_up).where(r.id == response_id))
        .first()
    )
    if response is None or not response.needs_follow_up:
        raise NotFound(N_("There is no flagged survey answer with this number."))
    _authorize(staff, response.office_id)
    question_ids = [
        q for q in reading().execute(
            select(a.question_id).where(a.response_id == response_id, a.rating == "dissatisfied")
        ).scalars()
    ]  # fmt: skip
    question_ids.sort(key=_question_order)
    groups = [survey_rules.QUESTION_BY_ID[q].group for q in question_ids if q in survey_rules.QUESTION_BY_ID]
    topic = rules.survey_topic(groups, survey_rules.GROUPS)
    text = (describe or _describe_in_english)(question_ids, response.suggestion)
    office = catalogue().by_id[response.office_id]
    token = secrets.token_urlsafe(24)
    with writing() as connection:
        exists = connection.execute(select(_c.reference).where(_c.survey_response_id == response_id)).scalar()
        if exists is not None:
            raise InvalidState(N_("This survey answer is already complaint %(reference)s."), reference=exists)
        topic_id = _topic_id(connection, office.id, topic, fallback=True)
        complaint_id = _insert_complaint(
            connection, office, topic_id, text, now=now, token=token, actor=staff.actor,
            booking_id=response.booking_id, survey_response_id=response_id, channel=ComplaintChannel.SURVEY.value,
        )  # fmt: skip
        _event(connection, complaint_id, now, staff.actor, "from_survey", str(response_id))
        connection.execute(update(_responses).where(r.id == response_id).values(followed_up_at=now))
    return _staff_view(token, staff, now=now)


def _describe_in_english(question_ids: Iterable[str], suggestion: str | None) -> str:
    items = [survey_rules.QUESTION_BY_ID[q].text for q in question_ids if q in survey_rules.QUESTION_BY_ID]
    lines = ["From the satisfaction survey. Dissatisfied with:"] + [f"- {item}" for item in items]
    if suggestion:
        lines.append(f"Suggestion: {suggestion}")
    return "\n".join(lines)[: rules.TEXT_MAX]


# --- the report's figures ---------------------------------------------------------------------


def complaint_figures(office_ids: Iterable[int], date_from: date, date_to: date) -> dict:
    """Complaints received at ``office_ids`` between two days (inclusive, Bangkok): how many,
    how many resolved, the share resolved within the service level (%), and the median hours
    to resolve. For the report: ``{"received","resolved","resolved_within_sla_pct",
    "median_hours_to_resolve"}``."""
    ids = list(office_ids)
    start = to_utc(date_from, datetime.min.time())
    end = to_utc(date_to + timedelta(days=1), datetime.min.time())
    rows = (
        reading()
        .execute(
            select(_c.received_at, _c.resolved_at, _c.due_at).where(
                _c.office_id.in_(ids), _c.received_at >= start, _c.received_at < end
            )
        )
        .all()
    )
    return {
        **rules.figures((r.received_at, r.resolved_at, r.due_at) for r in rows).as_dict(),
        "by_channel": complaint_channel_figures(ids, start, end),
        **complaint_handling_figures(ids, start, end),
    }


def complaint_channel_figures(office_ids: list[int], start: datetime, end: datetime) -> dict[str, int]:
    """Complaints received per channel (GECC 9.1, PMQA 3.4): every channel, 0 when none."""
    rows = reading().execute(
        select(_c.channel, func.count())
        .where(_c.office_id.in_(office_ids), _c.received_at >= start, _c.received_at < end)
        .group_by(_c.channel)
    ).all()
    counted = dict(rows)
    return {channel.value: counted.get(channel.value, 0) for channel in ComplaintChannel}


def complaint_handling_figures(office_ids: list[int], start: datetime, end: datetime) -> dict:
    """The complainants' answers about the handling (PMQA 3.4 Advance): how many answered and
    the share satisfied (%), None when none answered."""
    answered, satisfied = reading().execute(
        select(func.count(_c.handling_satisfied), func.count(_c.handling_satisfied).filter(_c.handling_satisfied))
        .where(_c.office_id.in_(office_ids), _c.received_at >= start, _c.received_at < end)
    ).one()
    return {
        "handling_answers": answered,
        "handling_satisfied_pct": rules.share_pct(satisfied, answered),
    }
