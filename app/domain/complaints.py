"""Complaints with a service level (seed 001, PMQA 3.4; seed 004's complaint-handling flow).

A complaint is received, assigned to a person responsible, worked on, resolved, and closed:

    received ──▶ assigned ──▶ in_progress ──▶ resolved ──▶ closed
        └──────────┴──────────────┴──────────────▲  │
                 (any open step may resolve or close)  └──▶ in_progress (reopened)

Each complaint has a priority (urgent / high / normal) and the office's service level for it
in working days (defaults 1 / 3 / 15): it is due that many working days after it was received,
at the same time of day (counted from the day after, skipping weekends and the office's closed
days). It breaches its service level when it is not resolved by then. Plain rules: the caller
passes ``now`` and the office's closed days.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .booking import parse_email, parse_name
from .calendar import BANGKOK
from .errors import N_, InvalidField, InvalidRequest, InvalidState, NotFound
from .identity import parse_thai_mobile
from .outgoing import check_message_length
from .text import showable, tidy
from .transitions import TransitionTable
from .working_days import DayKind, add_days


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ComplaintChannel(StrEnum):
    """How a complaint reached the office (GECC 9.1, PMQA 3.4: every channel is recorded)."""

    WEB = "web"  # the public form, its QR code, or the API
    PHONE = "phone"
    LETTER = "letter"
    WALK_IN = "walk_in"
    HOTLINE_1111 = "hotline_1111"  # the government's 1111 hotline, passed on to the office
    SURVEY = "survey"  # a dissatisfied survey answer turned into a complaint


#: The channels staff record a complaint from (the others are filed by the system).
STAFF_INTAKE_CHANNELS = (
    ComplaintChannel.PHONE, ComplaintChannel.LETTER, ComplaintChannel.WALK_IN, ComplaintChannel.HOTLINE_1111,
)  # fmt: skip

CHANNEL_LABELS: dict[ComplaintChannel, str] = {
    ComplaintChannel.WEB: N_("Online form"),
    ComplaintChannel.PHONE: N_("Telephone"),
    ComplaintChannel.LETTER: N_("Letter"),
    ComplaintChannel.WALK_IN: N_("In person at the office"),
    ComplaintChannel.HOTLINE_1111: N_("1111 hotline"),
    ComplaintChannel.SURVEY: N_("Satisfaction survey"),
}


def parse_intake_channel(raw: object, field: str = "channel") -> ComplaintChannel:
    """The channel a staff member records a complaint from: phone, letter, walk_in or hotline_1111."""
    try:
        channel = ComplaintChannel(raw)
    except (ValueError, TypeError):
        channel = None
    if channel not in STAFF_INTAKE_CHANNELS:
        raise InvalidField(field, N_("Channel must be one of: phone, letter, walk_in, hotline_1111."))
    return channel


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


#: New complaints get the office's default priority.
DEFAULT_PRIORITY = Priority.NORMAL

#: Statuses in which the complaint still waits for an answer (its service level runs).
OPEN = frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.IN_PROGRESS})
#: Statuses in which the matter is settled: the time to resolve is measured to the first of them.
FINISHED = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED})

STATUS_LABELS: dict[ComplaintStatus, str] = {
    ComplaintStatus.RECEIVED: N_("Received"),
    ComplaintStatus.ASSIGNED: N_("Assigned"),
    ComplaintStatus.IN_PROGRESS: N_("In progress"),
    ComplaintStatus.RESOLVED: N_("Resolved"),
    ComplaintStatus.CLOSED: N_("Closed"),
}
PRIORITY_LABELS: dict[Priority, str] = {
    Priority.URGENT: N_("Urgent"),
    Priority.HIGH: N_("High"),
    Priority.NORMAL: N_("Normal"),
}

_ALLOWED: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    ComplaintStatus.RECEIVED: frozenset(
        {ComplaintStatus.ASSIGNED, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED}
    ),
    ComplaintStatus.ASSIGNED: frozenset(
        {ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED}
    ),
    ComplaintStatus.IN_PROGRESS: frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED}),
    ComplaintStatus.RESOLVED: frozenset({ComplaintStatus.CLOSED, ComplaintStatus.IN_PROGRESS}),
    ComplaintStatus.CLOSED: frozenset(),  # filed; only the head reopens it, with a reason (check_reopen)
}


#: The complaint's moves, checked by the one helper every aggregate uses.
TRANSITIONS = TransitionTable(
    _ALLOWED,
    N_("This complaint is “%(complaint_status)s”, so it cannot become “%(complaint_target)s”."),
    ("complaint_status", "complaint_target"),
)


def can_move(current: ComplaintStatus, target: ComplaintStatus) -> bool:
    return TRANSITIONS.can_move(current, target)


def check_move(current: ComplaintStatus, target: ComplaintStatus) -> None:
    """Raise InvalidState unless a complaint in ``current`` may move to ``target``."""
    TRANSITIONS.check(current, target)


def check_open_for_changes(current: ComplaintStatus) -> None:
    """A closed complaint is filed: nothing about it changes, unless the head reopens it."""
    if current is ComplaintStatus.CLOSED:
        raise InvalidState(N_("This complaint is closed; it can no longer be changed."))


# --- who moves a complaint, who reads it ------------------------------------------------------


def check_move_by(role: str, current: ComplaintStatus, target: ComplaintStatus) -> None:
    """Issue 21: only the head (or an admin) closes a complaint, or reopens a closed one; a
    clerk may propose "resolved" (the head then closes it). So nobody closes a complaint about
    themselves and buries it."""
    head = role in ("head", "admin")
    if target is ComplaintStatus.CLOSED and not head:
        raise InvalidState(
            N_("Only the office head closes a complaint. Mark it “resolved”; the head will close it.")
        )
    if current is ComplaintStatus.CLOSED and not head:
        raise InvalidState(N_("This complaint is closed; only the office head can reopen it."))
    check_move(current, target)


def reopen_deadline(
    closed_at: datetime, priority: Priority | str, sla: SlaDays, closed: Collection[date] | Callable[[date], bool] = ()
) -> datetime:
    """A closed complaint can be reopened within its service level period after closing
    (the priority's working days, counted as for the due time)."""
    return due_at(closed_at, priority, sla, closed)


def check_reopen(closed_at: datetime | None, deadline: datetime | None, now: datetime) -> None:
    if closed_at is not None and deadline is not None and now > deadline:
        raise InvalidState(
            N_("This complaint was closed too long ago to reopen (the service level period has passed)."),
        )


def may_read(role: str, staff_id: int, assignee_id: int | None, confidential: bool) -> bool:
    """A confidential topic's complaint (by default staff conduct and corruption) is read only by
    the office head, admins and the person the head assigned; any other of the office's."""
    return not confidential or role in ("head", "admin") or (assignee_id is not None and assignee_id == staff_id)


def may_read_notes(role: str, staff_id: int, assignee_id: int | None) -> bool:
    """Internal notes are read only by the head, admins and the assignee."""
    return role in ("head", "admin") or (assignee_id is not None and assignee_id == staff_id)


# --- the history, written for people ----------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    """One line of a complaint's history as a person reads it: a message with its values."""

    message: str
    values: Mapping[str, str]


def history_line(action: str, actor_name: str | None, detail: str | None, *, citizen: bool) -> HistoryLine:
    """"เจ้าหน้าที่ สมชาย ตอบผู้ร้อง", "สถานะ: แก้ไขแล้ว": the caller translates the message and
    the status/priority/channel words it names (``status_label`` etc. in ``values``)."""
    who = actor_name or ""
    if action == "received":
        return HistoryLine(
            N_("Received from the complainant") if citizen else N_("Recorded by %(who)s"), {"who": who}
        )
    if action == "reply":
        return HistoryLine(N_("Staff member %(who)s replied to the complainant"), {"who": who})
    if action == "note":
        return HistoryLine(N_("Staff member %(who)s wrote an internal note"), {"who": who})
    if action == "status":
        return HistoryLine(N_("Status: %(status)s"), {"status": detail or ""})
    if action == "priority":
        return HistoryLine(N_("Urgency: %(priority)s"), {"priority": detail or ""})
    if action == "assignee":
        if not detail:
            return HistoryLine(N_("No one is responsible any more"), {})
        return HistoryLine(N_("%(who)s made %(assignee)s responsible"), {"who": who, "assignee": detail})
    if action == "from_survey":
        return HistoryLine(N_("Made from a satisfaction survey answer by %(who)s"), {"who": who})
    if action == "reopened":
        return HistoryLine(N_("%(who)s reopened the complaint: %(reason)s"), {"who": who, "reason": detail or ""})
    if action == "feedback":
        return HistoryLine(N_("The complainant answered the question about the handling"), {})
    return HistoryLine(N_("%(action)s by %(who)s"), {"action": action, "who": who})


# --- the service level ------------------------------------------------------------------


@dataclass(frozen=True)
class SlaDays:
    """An office's service level per priority, in working days."""

    urgent: int = 1
    high: int = 3
    normal: int = 15

    def for_priority(self, priority: Priority | str) -> int:
        return getattr(self, Priority(priority).value)


DEFAULT_SLA = SlaDays()
SLA_DAYS_MAX = 365


def due_at(
    received_at: datetime,
    priority: Priority | str,
    sla: SlaDays,
    closed: Collection[date] | Callable[[date], bool] = (),
) -> datetime:
    """When a complaint received at ``received_at`` must be resolved: that many working days
    later (in Bangkok), at the same time of day. Returned in the zone ``received_at`` is in."""
    local = received_at.astimezone(BANGKOK)
    day = add_days(local.date(), sla.for_priority(priority), DayKind.WORKING, closed)
    return datetime.combine(day, local.timetz()).astimezone(received_at.tzinfo)


def sla_breached(due: datetime, resolved_at: datetime | None, now: datetime) -> bool:
    """Not resolved by its due time: resolved late, or still open after it."""
    return (resolved_at if resolved_at is not None else now) > due


def resolved_within_sla(due: datetime, resolved_at: datetime | None) -> bool:
    return resolved_at is not None and resolved_at <= due


@dataclass(frozen=True)
class Figures:
    received: int
    resolved: int
    resolved_within_sla_pct: float | None
    median_hours_to_resolve: float | None

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "resolved": self.resolved,
            "resolved_within_sla_pct": self.resolved_within_sla_pct,
            "median_hours_to_resolve": self.median_hours_to_resolve,
        }


def share_pct(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in % to one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def figures(complaints: Iterable[tuple[datetime, datetime | None, datetime]]) -> Figures:
    """Report figures of complaints given as (received_at, resolved_at or None, due_at).

    ``resolved_within_sla_pct``: of the resolved ones, the share resolved by their due time
    (the GECC indicator asks for 80 % or more); None when none was resolved.
    """
    received, durations, on_time = 0, [], 0
    for received_at, resolved_at, due in complaints:
        received += 1
        if resolved_at is None:
            continue
        durations.append((resolved_at - received_at).total_seconds() / 3600)
        on_time += resolved_within_sla(due, resolved_at)
    resolved = len(durations)
    return Figures(
        received=received,
        resolved=resolved,
        resolved_within_sla_pct=round(100 * on_time / resolved, 1) if resolved else None,
        median_hours_to_resolve=round(statistics.median(durations), 1) if durations else None,
    )


# --- topics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    code: str
    name_th: str
    name_en: str
    confidential: bool = False

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th


#: The topics an office offers until it sets its own.
DEFAULT_TOPICS: tuple[Topic, ...] = (
    Topic("service_delay", "ความล่าช้าในการให้บริการ", "Service delay"),
    Topic("staff_conduct", "พฤติกรรมการให้บริการของเจ้าหน้าที่", "Staff conduct", confidential=True),
    Topic("facilities", "สถานที่และสิ่งอำนวยความสะดวก", "Facilities"),
    Topic("corruption", "การทุจริตหรือประพฤติมิชอบ", "Corruption or misconduct", confidential=True),
    Topic("other", "เรื่องอื่น ๆ", "Other"),
)

#: A dissatisfied survey group → the complaint topic it is filed under.
SURVEY_GROUP_TOPICS = {
    "process": "service_delay",
    "service_quality": "service_delay",
    "staff": "staff_conduct",
    "facilities": "facilities",
    "confidence": "other",
}


def survey_topic(dissatisfied_groups: Iterable[str], group_order: Iterable[str]) -> str:
    """The topic of a complaint made from a survey: its first dissatisfied group's, else other."""
    groups = set(dissatisfied_groups)
    for group in group_order:
        if group in groups:
            return SURVEY_GROUP_TOPICS.get(group, "other")
    return "other"


# --- reading what a complainant or staff member sends ---------------------------------------

TEXT_MAX = 4000
REPLY_MAX = 4000


def parse_text(raw: object, field: str, *, maximum: int, missing: str) -> str:
    """Free text (``app.domain.text``): NFC, trimmed, at most ``maximum`` characters as sent, no
    control or invisible characters."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField(field, missing)
    if not showable(raw):
        raise InvalidField(field, N_("The text holds characters that cannot be shown; type it again."))
    if len(raw) > maximum:
        raise InvalidField(field, N_("Please keep the text under %(max)s characters."), max=maximum)
    return tidy(raw)


@dataclass(frozen=True)
class ComplaintSubmission:
    office: str
    topic: str
    text: str
    name: str | None = None
    phone: str | None = None  # E.164
    email: str | None = None
    booking_token: str | None = None
    channel: ComplaintChannel = ComplaintChannel.WEB

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email)


def _code(payload: Mapping, field: str, missing: str) -> str:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, missing)
    value = value.strip()
    if len(value) > 64:
        raise InvalidField(field, missing)
    return value  # a code no office or topic has (unprintable ones included) is not found later


def read_complaint(payload: object) -> ComplaintSubmission:
    """Check a complaint as sent (API JSON or the public form); raise InvalidField naming the field."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    office = _code(payload, "office", N_("Choose the office the complaint is about."))
    topic = _code(payload, "topic", N_("Choose what the complaint is about."))
    text = parse_text(payload.get("text"), "text", maximum=TEXT_MAX, missing=N_("Tell us what happened."))
    name_raw = payload.get("name")
    name = parse_name(name_raw) if name_raw not in (None, "") else None
    phone_raw = payload.get("phone")
    phone = parse_thai_mobile(phone_raw) if phone_raw not in (None, "") else None
    email = parse_email(payload.get("email"))
    token = payload.get("booking_token")
    if token in (None, ""):
        token = None
    elif not isinstance(token, str):
        raise InvalidField("booking_token", N_("No booking has this code."))
    return ComplaintSubmission(office, topic, text, name, phone, email, token)


def read_staff_complaint(payload: object, office: str) -> ComplaintSubmission:
    """A complaint a staff member records for the office from a call, a letter, a visit or the
    1111 hotline: the same fields as the public form, with its ``channel``."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    channel = parse_intake_channel(payload.get("channel"))
    submission = read_complaint({**payload, "office": office})
    return ComplaintSubmission(
        office, submission.topic, submission.text, submission.name, submission.phone, submission.email,
        submission.booking_token, channel,
    )  # fmt: skip


@dataclass(frozen=True)
class HandlingAnswer:
    """The complainant's one answer once the complaint is resolved: satisfied or not, and why."""

    satisfied: bool
    comment: str | None = None


HANDLING_COMMENT_MAX = 1000


def read_handling_answer(payload: object) -> HandlingAnswer:
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    raw = payload.get("satisfied")
    if raw in ("yes", "true"):
        raw = True
    elif raw in ("no", "false"):
        raw = False
    if not isinstance(raw, bool):
        raise InvalidField("satisfied", N_("Say whether you are satisfied with how the complaint was handled."))
    comment = payload.get("comment")
    if comment in (None, "") or (isinstance(comment, str) and not comment.strip()):
        return HandlingAnswer(raw)
    return HandlingAnswer(raw, parse_text(comment, "comment", maximum=HANDLING_COMMENT_MAX, missing=""))


def may_answer_handling(status: ComplaintStatus, answered: bool) -> bool:
    """The question is open once the complaint is resolved (or closed), and answered once."""
    return status in FINISHED and not answered


@dataclass(frozen=True)
class Reply:
    text: str
    status: ComplaintStatus | None = None
    internal: bool = False


def parse_status(raw: object, field: str = "status") -> ComplaintStatus:
    try:
        return ComplaintStatus(raw)
    except (ValueError, TypeError):
        raise InvalidField(
            field, N_("Status must be one of: received, assigned, in_progress, resolved, closed.")
        ) from None


def parse_priority(raw: object, field: str = "priority") -> Priority:
    try:
        return Priority(raw)
    except (ValueError, TypeError):
        raise InvalidField(field, N_("Priority must be urgent, high or normal.")) from None


def read_reply(payload: object) -> Reply:
    """A staff reply: text, an optional new status, and ``internal`` for a note the
    complainant never sees."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    text = parse_text(payload.get("text"), "text", maximum=REPLY_MAX, missing=N_("Write the reply."))
    status = payload.get("status")
    internal = payload.get("internal", False)
    if not isinstance(internal, bool):
        raise InvalidField("internal", N_("internal must be true or false."))
    if not internal:  # it goes to the complainant by SMS or e-mail (issue 21: a few SMS at most)
        check_message_length(text, "text")
    return Reply(text, None if status in (None, "") else parse_status(status), internal)


#: "Leave as it is" for a field a change does not mention (None means "clear" for the assignee).
UNCHANGED = object()


@dataclass(frozen=True)
class Change:
    priority: Priority | None = None
    assignee: object = UNCHANGED  # a username, None to clear, or UNCHANGED


def read_change(payload: object) -> Change:
    """What the head changes: ``priority`` and/or ``assignee`` (a staff username, or null)."""
    if not isinstance(payload, Mapping):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    if "priority" not in payload and "assignee" not in payload:
        raise InvalidField("priority", N_("Send a priority or an assignee to change."))
    priority = parse_priority(payload["priority"]) if "priority" in payload else None
    assignee: object = UNCHANGED
    if "assignee" in payload:
        raw = payload["assignee"]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            assignee = None
        elif not isinstance(raw, str):
            raise InvalidField("assignee", N_("The assignee is a staff member's username of this office."))
        elif len(raw) > 64 or not raw.strip().isprintable():  # no username is: no one has it
            raise NotFound(N_("The assignee is a staff member's username of this office."), field="assignee")
        else:
            assignee = raw.strip()
    return Change(priority, assignee)


def parse_sla_days(raw: object, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= SLA_DAYS_MAX:
        raise InvalidField(field, N_("A service level is 1 to %(max)s working days."), max=SLA_DAYS_MAX)
    return raw
