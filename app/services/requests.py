"""Section 10 request tracking: register an application, move it, send delay notices.

Staff of the office (clerk, head) or an admin write; the citizen reads with the request's
token. Each use case reads, lets ``app.domain.requests`` decide, then writes once in one
short transaction, with the citizen's message in the outbox in the same transaction.
Results are plain ``RequestView`` values; the web edge never sees a row.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.domain import requests as rules
from app.domain.booking import parse_email, parse_name
from app.domain.calendar import BANGKOK, local_now
from app.domain.errors import N_, Forbidden, InvalidField, InvalidState, NotFound
from app.domain.identity import mask_phone, parse_thai_mobile
from app.domain.office import OfficeRules, ServiceInfo
from app.domain.outgoing import check_message_length
from app.domain.requests import RequestStatus, RequestTiming
from app.domain.roles import Role, StaffMember
from app.domain.working_days import DayKind
from app.extensions import db
from app.models import Booking, DelayNotice, LetterCounter, Office, RequestEvent, ServiceRequest, Staff
from notifier.messages import Facts, Kind
from notifier.registry import channels

from . import audit, outgoing
from .office_rules import catalogue, office_rules
from .outbox_writer import Subject, addresses_in, enqueue, subject_addresses
from .transactions import reading, violated_constraint, writing

_requests = ServiceRequest.__table__
_events = RequestEvent.__table__
_notices = DelayNotice.__table__
_bookings = Booking.__table__
_staff = Staff.__table__
_offices = Office.__table__
_letter_counters = LetterCounter.__table__

_UNIQUE_REFERENCE = "uq_service_requests_office_id_reference"  # (office_id, reference)
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class RequestEventView:
    at: datetime
    status: RequestStatus
    note: str | None
    staff_name: str | None = None  # staff pages only


@dataclass(frozen=True)
class NoticeView:
    seq: int
    sent_at: datetime
    reason: str
    channels: tuple[str, ...]
    staff_name: str | None = None
    letter_year: int | None = None  # the office's letter register: year and running number
    letter_number: int | None = None
    pending_review: bool = False  # held for the head's review: not sent yet (staff views only)


@dataclass(frozen=True)
class RequestView:
    """A request as a response shows it: its office, service, dates, steps and notices."""

    token: str
    reference: str
    office: OfficeRules
    service: ServiceInfo
    submitted_on: date
    processing_days: int
    day_kind: DayKind
    status: RequestStatus
    timing: RequestTiming
    events: tuple[RequestEventView, ...]
    notices: tuple[NoticeView, ...]
    booking_token: str | None = None
    # What the applicant gave: shown to staff, never on the citizen's page or API.
    name: str | None = None
    phone_masked: str | None = None
    email: str | None = None
    has_contact: bool = False
    postal_address: str | None = None  # staff only
    paused_days: int = 0  # the days the clock stood still so far (the due date moved by them)

    @property
    def paused_on(self) -> date | None:
        return self.timing.paused_on

    @property
    def due_on(self) -> date:
        return self.timing.due_on

    @property
    def finished(self) -> bool:
        return self.status in rules.FINISHED


@dataclass(frozen=True)
class NewRequest:
    """What a clerk or a back-office system sends to register a request."""

    service: str
    name: str
    submitted_on: date
    reference: str | None = None
    phone: str | None = None
    email: str | None = None
    processing_days: int | None = None
    day_kind: DayKind | None = None
    booking_token: str | None = None
    locale: str = "th"
    postal_address: str | None = None


def read_new_request(body: dict, parse_day) -> NewRequest:
    """The API's (or the page's) fields → a NewRequest; the first fault is a 400 naming its field."""
    service = body.get("service")
    if not isinstance(service, str) or not service.strip():
        raise InvalidField("service", N_("Choose a service."))
    reference = rules.read_reference(body.get("reference"))
    name = parse_name(body.get("name"))
    phone = body.get("phone")
    phone = parse_thai_mobile(phone) if phone not in (None, "") else None
    email = parse_email(body.get("email"))
    submitted_on = parse_day(body.get("submitted_on"), "submitted_on")
    days = body.get("processing_days")
    days = rules.read_processing_days(days) if days not in (None, "") else None
    kind = body.get("day_kind")
    kind = rules.read_day_kind(kind) if kind not in (None, "") else None
    booking_token = body.get("booking_token")
    if booking_token in (None, ""):
        booking_token = None
    elif not isinstance(booking_token, str):
        raise InvalidField("booking_token", N_("No booking has this code."))
    elif not _token_shaped(booking_token):  # no booking has it (and the database is not asked)
        raise NotFound(N_("No booking has this code."), field="booking_token")
    postal_address = rules.read_postal_address(body.get("postal_address"))
    return NewRequest(service.strip(), name, submitted_on, reference, phone, email, days, kind, booking_token,
                      postal_address=postal_address)  # fmt: skip


def _token_shaped(token: object) -> bool:
    return isinstance(token, str) and 16 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def _authorize(staff: StaffMember, office: OfficeRules) -> None:
    if not staff.may_act_for(office.id):
        raise Forbidden(N_("You may act only for your own office."))


# --- reading ------------------------------------------------------------------------------


def _columns():
    r = _requests.c
    booking_token = select(_bookings.c.token).where(_bookings.c.id == r.booking_id).scalar_subquery()
    return [r.id, r.token, r.reference, r.office_id, r.service_id, r.name, r.phone_e164, r.email, r.locale,
            r.submitted_on, r.processing_days, r.day_kind, r.due_on, r.status, r.finished_on, r.booking_id,
            r.paused_on, r.paused_days, r.postal_address, booking_token.label("booking_token")]  # fmt: skip


def _views(rows, *, now: datetime, for_staff: bool) -> list[RequestView]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    connection = reading()
    names = {}
    if for_staff:
        names = dict(connection.execute(select(_staff.c.id, _staff.c.display_name)).all())
    events: dict[int, list[RequestEventView]] = {i: [] for i in ids}
    e = _events.c
    for ev in connection.execute(
        select(e.request_id, e.at, e.status, e.note, e.staff_id).where(e.request_id.in_(ids)).order_by(e.id)
    ):
        events[ev.request_id].append(RequestEventView(ev.at, RequestStatus(ev.status), ev.note, names.get(ev.staff_id)))
    notices: dict[int, list[NoticeView]] = {i: [] for i in ids}
    n = _notices.c
    for nt in connection.execute(
        select(n.request_id, n.seq, n.sent_at, n.reason, n.channels, n.staff_id, n.letter_year, n.letter_number,
               n.pending_review)
        .where(n.request_id.in_(ids))
        .order_by(n.seq)
    ):  # fmt: skip
        if nt.pending_review and not for_staff:
            continue  # not sent: the applicant has not been told it
        channels = tuple(c for c in (nt.channels or "").split(",") if c)
        notices[nt.request_id].append(
            NoticeView(nt.seq, nt.sent_at, nt.reason, channels, names.get(nt.staff_id), nt.letter_year,
                       nt.letter_number, bool(nt.pending_review))
        )  # fmt: skip
    today = local_now(now).date()
    offices = catalogue().by_id
    views = []
    for row in rows:
        office = offices[row.office_id]
        status = RequestStatus(row.status)
        sent = [notice for notice in notices[row.id] if not notice.pending_review]
        last = sent[-1].sent_at.astimezone(BANGKOK).date() if sent else None
        views.append(
            RequestView(
                token=row.token, reference=row.reference, office=office,
                service=office.service_by_id(row.service_id), submitted_on=row.submitted_on,
                processing_days=row.processing_days, day_kind=DayKind(row.day_kind), status=status,
                timing=rules.timing(row.due_on, status, last, today, row.paused_on), events=tuple(events[row.id]),
                notices=tuple(notices[row.id]), booking_token=row.booking_token,
                name=row.name if for_staff else None,
                phone_masked=mask_phone(row.phone_e164) if for_staff and row.phone_e164 else None,
                email=row.email if for_staff else None,
                has_contact=bool(row.phone_e164 or row.email),
                postal_address=row.postal_address if for_staff else None, paused_days=row.paused_days or 0,
            )
        )  # fmt: skip
    return views


def _row_by_token(token: object):
    if not _token_shaped(token):
        return None
    return reading().execute(select(*_columns()).where(_requests.c.token == token)).first()


def _not_found() -> NotFound:
    return NotFound(N_("No request has this code. Check the link you were given."))


def find_request(token: str, *, now: datetime) -> RequestView:
    """A request by its token, as its applicant sees it (no login)."""
    row = _row_by_token(token)
    if row is None:
        raise _not_found()
    return _views([row], now=now, for_staff=False)[0]


def _staff_row(token: str, staff: StaffMember):
    row = _row_by_token(token)
    if row is None:
        raise _not_found()
    _authorize(staff, catalogue().by_id[row.office_id])
    return row


def staff_request(token: str, staff: StaffMember, *, now: datetime) -> RequestView:
    """A request as the office's staff see it (with what the applicant gave)."""
    return _views([_staff_row(token, staff)], now=now, for_staff=True)[0]


def office_requests(
    office_code: str,
    staff: StaffMember,
    *,
    now: datetime,
    overdue: bool | None = None,
    status: RequestStatus | None = None,
) -> list[RequestView]:
    """The office's requests: the overdue first, the latest first among them; then by due date."""
    office = office_rules(office_code)
    _authorize(staff, office)
    r = _requests.c
    query = select(*_columns()).where(r.office_id == office.id)
    if status is not None:
        query = query.where(r.status == status.value)
    if overdue is not None:
        today = local_now(now).date()
        running = r.status.not_in([s.value for s in rules.FINISHED | rules.PAUSED])  # waiting: clock stopped
        late = running & (r.due_on < today)
        query = query.where(late if overdue else ~late)
    views = _views(reading().execute(query.order_by(r.due_on, r.id)).all(), now=now, for_staff=True)
    return sorted(views, key=lambda v: (not v.timing.overdue, -v.timing.days_late, v.due_on, v.reference))


def requests_of_booking(booking_token: str, *, now: datetime) -> list[RequestView]:
    """The requests filed after a Khiw booking (shown on that booking's status page)."""
    if not _token_shaped(booking_token):
        return []
    booking_id = select(_bookings.c.id).where(_bookings.c.token == booking_token).scalar_subquery()
    rows = reading().execute(select(*_columns()).where(_requests.c.booking_id == booking_id)).all()
    return _views(rows, now=now, for_staff=False)


def find_my_request(reference: str, last4: str) -> str | None:
    """The token of the request with this reference whose phone ends in ``last4``; None otherwise.

    The caller answers a miss the same way whatever the reason, so nobody learns whether a
    reference exists."""
    rows = (
        reading()
        .execute(
            select(_requests.c.token, _requests.c.phone_e164).where(
                _requests.c.reference.in_(rules.reference_candidates(reference))
            )
        )
        .all()
    )
    found = None
    for row in rows:  # every row is checked, in constant time: no timing tells a near miss
        if rules.same_last_digits(last4, row.phone_e164) and found is None:
            found = row.token
    return found


# --- writing ------------------------------------------------------------------------------


def register_request(
    office_code: str, new: NewRequest, staff: StaffMember, *, now: datetime, locale: str = "th"
) -> RequestView:
    """Register an application the citizen filed; the due date follows the citizen's manual."""
    office = office_rules(office_code)
    _authorize(staff, office)
    service = office.service(new.service)
    if service is None:
        raise NotFound(N_("This office has no service %(code)s."), field="service", code=new.service[:40])
    days = new.processing_days if new.processing_days is not None else service.processing_days
    if days is None:
        raise InvalidField(
            "processing_days",
            N_("This service has no processing time from the citizen's manual yet: give processing_days."),
        )
    kind = new.day_kind or DayKind(service.processing_day_kind or "working")
    rules.check_submitted_on(new.submitted_on, local_now(now).date())
    due = rules.due_on(new.submitted_on, days, kind, office.closures)
    booking_id = None
    if new.booking_token:
        found = (
            reading()
            .execute(select(_bookings.c.id, _bookings.c.office_id).where(_bookings.c.token == new.booking_token))
            .first()
        )
        if found is None or found.office_id != office.id:
            raise NotFound(N_("No booking at this office has this code."), field="booking_token")
        booking_id = found.id
    token = secrets.token_urlsafe(24)  # 192 bits
    for _attempt in range(5):
        reference = new.reference or _new_reference(office.code)
        try:
            with writing() as connection:
                request_id = connection.execute(
                    insert(_requests).returning(_requests.c.id),
                    {"token": token, "office_id": office.id, "service_id": service.id, "reference": reference,
                     "name": new.name, "phone_e164": new.phone, "email": new.email,
                     "postal_address": new.postal_address,
                     "locale": locale if locale in ("th", "en") else "th", "submitted_on": new.submitted_on,
                     "processing_days": days, "day_kind": kind.value, "due_on": due,
                     "status": RequestStatus.RECEIVED.value, "booking_id": booking_id,
                     "created_at": now, "updated_at": now},
                ).scalar_one()  # fmt: skip
                connection.execute(
                    insert(_events),
                    {"request_id": request_id, "at": now, "status": RequestStatus.RECEIVED.value, "note": None,
                     "staff_id": staff.id},
                )  # fmt: skip
        except IntegrityError as error:
            if violated_constraint(error) != _UNIQUE_REFERENCE:
                raise
            if new.reference:
                raise InvalidState(  # 409: the body is well formed, the office's state refuses it
                    N_("This office already has a request %(reference)s."), field="reference", reference=reference
                ) from None
            continue  # two clerks took the same number at once: take the next
        return staff_request(token, staff, now=now)
    raise InvalidState(N_("Could not number the request; please try again."))


def _new_reference(office_code: str) -> str:
    """An unguessable reference (the office's code and 8 random characters); a clash with an
    existing one (about 1 in 10¹¹) is caught by the unique index and drawn again."""
    random_part = "".join(secrets.choice(rules.REFERENCE_ALPHABET) for _ in range(rules.REFERENCE_RANDOM_LENGTH))
    return rules.new_reference(office_code, random_part)


def move_request(
    token: str, target: RequestStatus, staff: StaffMember, *, now: datetime, note: str | None = None
) -> RequestView:
    """Record a step; finishing (completed/rejected) tells the applicant at once."""
    row = _staff_row(token, staff)
    current = RequestStatus(row.status)
    rules.check_move(current, target)
    finished = target in rules.FINISHED
    today = local_now(now).date()
    with writing() as connection:
        values = {"status": target.value, "updated_at": now}
        if finished:
            values["finished_on"] = today
        if target in rules.PAUSED and current not in rules.PAUSED:
            values["paused_on"] = today  # the clock stops: no longer overdue, no notice owed
        elif current in rules.PAUSED and target not in rules.PAUSED:
            # The documents arrived: the due date moves by the days the clock stood still.
            office = catalogue().by_id[row.office_id]
            paused = (row.paused_days or 0) + rules.paused_days(row.paused_on or today, today, row.day_kind,
                                                               office.closures)  # fmt: skip
            values.update(paused_on=None, paused_days=paused, due_on=rules.due_on_after_pauses(
                row.submitted_on, row.processing_days, row.day_kind, paused, office.closures))  # fmt: skip
        moved = connection.execute(
            update(_requests).where(_requests.c.id == row.id, _requests.c.status == current.value).values(**values)
        ).rowcount
        if not moved:  # someone else moved it meanwhile: compare-and-set
            raise InvalidState(N_("This request changed meanwhile; please look again."))
        connection.execute(
            insert(_events), {"request_id": row.id, "at": now, "status": target.value, "note": note,
                              "staff_id": staff.id}
        )  # fmt: skip
        if finished:
            kind = Kind.REQUEST_COMPLETED if target is RequestStatus.COMPLETED else Kind.REQUEST_REJECTED
            _enqueue(connection, row, kind, now=now, key_part="finished", reason=note)
    return staff_request(token, staff, now=now)


def send_delay_notice(token: str, reason: str, staff: StaffMember, *, now: datetime) -> RequestView:
    """Record a Section 10 delay notice with its reason and send it by SMS and/or e-mail."""
    row = _staff_row(token, staff)
    view = _views([row], now=now, for_staff=True)[0]
    if any(n.pending_review for n in view.notices):
        raise InvalidState(N_("The first notice waits for the office head's review; it is sent once approved."))
    rules.check_notice_allowed(view.timing)  # overdue, not paused, 7 days after the last one
    check_message_length(reason, "reason")  # it goes by SMS: a few parts at most
    outgoing.check_daily_cap(staff, now=now)
    seq = len(view.notices) + 1
    review = seq == 1 and staff.role is Role.CLERK and _reviews_first_notice(row.office_id)
    try:
        with writing() as connection:
            if review:  # held for the head: nothing is sent and no letter number is taken yet
                connection.execute(
                    insert(_notices),
                    {"request_id": row.id, "seq": seq, "sent_at": now, "reason": reason, "channels": "",
                     "staff_id": staff.id, "pending_review": True},
                )  # fmt: skip
            else:
                connection.execute(insert(_notices), {"request_id": row.id, "seq": seq, "sent_at": now,
                                                      "reason": reason, "staff_id": staff.id})  # fmt: skip
                _send_notice(connection, row, seq, reason, now=now)
    except IntegrityError:
        raise InvalidState(N_("Another notice was just recorded; please look again.")) from None
    return staff_request(token, staff, now=now)


def _reviews_first_notice(office_id: int) -> bool:
    found = reading().execute(select(_offices.c.first_notice_review).where(_offices.c.id == office_id)).scalar()
    return bool(found)


def _send_notice(connection, row, seq: int, reason: str, *, now: datetime) -> None:
    """Send notice ``seq``: its letter number, its channels, the message in the outbox."""
    addresses = subject_addresses(connection, f"request:{row.id}")
    sent_by = [channel.name for channel, _ in channels().route(Kind.DELAY_NOTICE, addresses)]
    year = local_now(now).year
    number = _take_letter_number(connection, row.office_id, year)
    connection.execute(
        update(_notices).where(_notices.c.request_id == row.id, _notices.c.seq == seq).values(
            sent_at=now, channels=",".join(sent_by), letter_year=year, letter_number=number, pending_review=False
        )
    )
    _enqueue(connection, row, Kind.DELAY_NOTICE, now=now, key_part=f"notice{seq}", reason=reason)


def approve_notice(token: str, seq: int, staff: StaffMember, *, now: datetime) -> RequestView:
    """The head approves a clerk's first notice held for review: it is sent now (audited)."""
    row = _staff_row(token, staff)
    if staff.role not in (Role.HEAD, Role.ADMIN):
        raise Forbidden(N_("Only the office head reviews a delay notice."))
    n = _notices.c
    notice = reading().execute(
        select(n.reason, n.pending_review).where(n.request_id == row.id, n.seq == seq)
    ).first()
    if notice is None:
        raise NotFound(N_("This request has no notice number %(seq)s."), seq=seq)
    if not notice.pending_review:
        raise InvalidState(N_("This notice was already sent."))
    with writing() as connection:
        moved = connection.execute(
            update(_notices).where(n.request_id == row.id, n.seq == seq, n.pending_review.is_(True)).values(
                pending_review=False
            )
        ).rowcount
        if not moved:
            raise InvalidState(N_("This notice was already sent."))
        _send_notice(connection, row, seq, notice.reason, now=now)
        audit.record(staff, row.office_id, "delay_notice", f"{row.reference}#{seq}", "approve", now=now,
                     after={"reason": notice.reason})  # fmt: skip
    return staff_request(token, staff, now=now)


def _take_letter_number(connection, office_id: int, year: int) -> int:
    """The office's next running letter number of ``year``: one atomic upsert, so two clerks
    sending at once never get the same number (the row lock holds the second until the first
    commits)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_letter_counters).values(office_id=office_id, year=year, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["office_id", "year"], set_={"last": _letter_counters.c.last + 1}
    ).returning(_letter_counters.c.last)
    return connection.execute(statement).scalar_one()


def recompute_due_dates(office_id: int, closed: set[date], staff: StaffMember, *, now: datetime) -> int:
    """The office's calendar changed (a closure or holiday added or removed, past ones too):
    move each open request's due date to what the calendar now says, and audit each change.
    Runs inside the caller's write transaction; returns how many moved."""
    r = _requests.c
    connection = db.session.connection()
    rows = connection.execute(
        select(r.id, r.reference, r.submitted_on, r.processing_days, r.day_kind, r.paused_days, r.due_on).where(
            r.office_id == office_id, r.status.not_in([s.value for s in rules.FINISHED]),
            r.day_kind == DayKind.WORKING.value,
        )
    ).all()  # fmt: skip
    moved = 0
    for row in rows:
        due = rules.due_on_after_pauses(row.submitted_on, row.processing_days, row.day_kind, row.paused_days or 0,
                                        closed)  # fmt: skip
        if due == row.due_on:
            continue
        connection.execute(update(_requests).where(r.id == row.id).values(due_on=due, updated_at=now))
        audit.record(staff, office_id, "request", row.reference, "due_date", now=now,
                     before={"due_on": row.due_on}, after={"due_on": due, "why": "calendar"})  # fmt: skip
        moved += 1
    return moved


def _facts(row, kind: Kind, *, reason: str | None) -> dict:
    office = catalogue().by_id[row.office_id]
    service = office.service_by_id(row.service_id)
    facts = Facts(
        kind=kind.value, locale=row.locale if row.locale in ("th", "en") else "th", number=row.reference,
        office_th=office.name_th, office_en=office.name_en,
        service_th=service.name_th if service else "", service_en=service.name_en if service else "",
        day=row.submitted_on.isoformat(), reason=reason, due_on=row.due_on.isoformat(),
    ).to_json()  # fmt: skip
    facts["request_token"] = row.token  # the link is built when sending; the purge erases it
    return facts


def _enqueue(connection, row, kind: Kind, *, now: datetime, key_part: str, reason: str | None) -> int:
    ref = f"request:{row.id}"  # its addresses: every column a registered channel names
    subject = Subject(ref, subject_addresses(connection, ref), _facts(row, kind, reason=reason))
    return enqueue(connection, subject, kind, now=now, key=key_part)


# --- the letter, the export ---------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    ref_prefix: str  # what follows "ที่": the prefix and the running number, e.g. ลพ 0318/๑๒๓
    sender_lines: tuple[str, ...]
    signatory: str
    contact_lines: tuple[str, ...]


@dataclass(frozen=True)
class DelayLetter:
    request: RequestView
    notice: NoticeView
    letterhead: Letterhead

    @property
    def signatory(self) -> rules.Signatory:
        return rules.read_signatory(self.letterhead.signatory)


def delay_letter(token: str, seq: int, staff: StaffMember, *, now: datetime) -> DelayLetter:
    """What the printed Section 10 letter of notice ``seq`` says."""
    view = staff_request(token, staff, now=now)
    notice = next((n for n in view.notices if n.seq == seq), None)
    if notice is None:
        raise NotFound(N_("This request has no notice number %(seq)s."), seq=seq)
    o = _offices.c
    office = (
        reading()
        .execute(
            select(o.letter_ref_prefix, o.letterhead_th, o.letter_signatory_th, o.letter_contact_th).where(
                o.id == view.office.id
            )
        )
        .first()
    )
    sender = [line.strip() for line in (office.letterhead_th or "").splitlines() if line.strip()]
    if not sender:
        sender = [view.office.name_th, *[p.strip() for p in view.office.address_th.split("\n") if p.strip()]]
    letterhead = Letterhead(
        ref_prefix=rules.letter_number_text(office.letter_ref_prefix or "", notice.letter_number),
        sender_lines=tuple(sender),
        signatory=office.letter_signatory_th or "",
        contact_lines=tuple(line.strip() for line in (office.letter_contact_th or "").splitlines() if line.strip()),
    )
    return DelayLetter(view, notice, letterhead)


def delayed_requests(office_code: str, staff: StaffMember, *, now: datetime) -> list[RequestView]:
    """Every request of the office that ever ran late (overdue now, or finished after its due
    date, or with a notice): the copy Section 10 asks the office to send on. Applicants' names
    only for the head and administrators (``rules.export_shows_names``)."""
    views = office_requests(office_code, staff, now=now)
    names = rules.export_shows_names(staff.role)
    return [
        v if names else replace(v, name=None)
        for v in views
        if v.timing.overdue or v.notices or (v.finished and _finished_on(v) and _finished_on(v) > v.due_on)
    ]


def _finished_on(view: RequestView) -> date | None:
    last = view.events[-1] if view.events else None
    return last.at.astimezone(BANGKOK).date() if last and last.status in rules.FINISHED else None


# --- the scheduler ------------------------------------------------------------------------


def remind_notices_due(*, now: datetime) -> int:
    """E-mail each office's head(s) the requests whose delay notice is due today and not sent.

    One reminder per office per day (the outbox key). Khiw never writes a reason itself:
    the notice is sent only when staff have written one."""
    today = local_now(now).date()
    r = _requests.c
    rows = (
        reading()
        .execute(select(*_columns()).where(r.status.not_in([s.value for s in rules.FINISHED]), r.due_on < today))
        .all()
    )
    due_by_office: dict[int, list[str]] = {}
    for view, row in zip(_views(rows, now=now, for_staff=False), rows, strict=True):
        if view.timing.notice_due:
            due_by_office.setdefault(row.office_id, []).append(view.reference)
    if not due_by_office:
        return 0
    s = _staff.c
    heads = (
        reading()
        .execute(
            select(s.id, s.office_id, s.email).where(
                s.role == Role.HEAD.value,
                s.active.is_(True),
                s.email.is_not(None),
                s.office_id.in_(list(due_by_office)),
            )
        )
        .all()
    )
    added = 0
    with writing() as connection:
        for head in heads:
            office = catalogue().by_id[head.office_id]
            references = sorted(due_by_office[head.office_id])
            facts = Facts(
                kind=Kind.NOTICE_REMINDER.value, locale="th", number=str(len(references)),
                office_th=office.name_th, office_en=office.name_en, service_th="", service_en="",
                day=today.isoformat(), references=", ".join(references),
            ).to_json()  # fmt: skip
            subject = Subject(f"notice-reminder:{head.office_id}", addresses_in(head), facts)
            added += enqueue(connection, subject, Kind.NOTICE_REMINDER, now=now, key=f"{today.isoformat()}:{head.id}")
    return added


# --- report figures -----------------------------------------------------------------------


def request_figures(office_ids: list[int] | None, date_from: date, date_to: date) -> dict:
    """Section 10 figures for the report (issue 9's report plugs this in).

    ``registered``: requests filed between the dates (inclusive); of those, ``completed``
    and the share completed on or before their due date (``completed_on_time_pct``, None
    when none completed); ``overdue``: of those, still unfinished and past their due date as
    of ``date_to``; ``notices_sent``: delay notices sent between the dates. ``office_ids``
    None means every office. ``overdue`` (the Section 10 box) is every open request overdue
    today, whenever it was filed: a report's range must not hide an old late request."""
    r, n = _requests.c, _notices.c
    query = select(r.status, r.due_on, r.finished_on).where(r.submitted_on >= date_from, r.submitted_on <= date_to)
    if office_ids is not None:
        query = query.where(r.office_id.in_(list(office_ids)))
    rows = reading().execute(query).all()
    completed = [row for row in rows if row.status == RequestStatus.COMPLETED.value]
    on_time = sum(1 for row in completed if row.finished_on is not None and row.finished_on <= row.due_on)
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=BANGKOK)
    end = datetime.combine(date_to, datetime.max.time(), tzinfo=BANGKOK)
    notices = (
        select(func.count())
        .select_from(_notices.join(_requests, n.request_id == r.id))
        .where(n.sent_at >= start, n.sent_at <= end, n.pending_review.is_(False))
    )
    if office_ids is not None:
        notices = notices.where(r.office_id.in_(list(office_ids)))
    return {
        "registered": len(rows),
        "completed": len(completed),
        "completed_on_time_pct": round(100 * on_time / len(completed), 1) if completed else None,
        "overdue": overdue_now(office_ids, report_today.get() or date_to),
        "notices_sent": reading().execute(notices).scalar_one(),
    }


#: The day "now" is for the report's ``overdue`` count (set by the report for its request; the
#: sections' signature has no clock). Unset (a direct call): the range's last day.
report_today: ContextVar[date | None] = ContextVar("report_today", default=None)


def overdue_now(office_ids: list[int] | None, today: date) -> int:
    """Every open request (not finished, not waiting for the applicant) past its due date on
    ``today``, whenever it was filed."""
    r = _requests.c
    query = select(func.count()).where(
        r.status.not_in([s.value for s in rules.FINISHED | rules.PAUSED]), r.due_on < today
    )
    if office_ids is not None:
        query = query.where(r.office_id.in_(list(office_ids)))
    return reading().execute(query).scalar_one()
