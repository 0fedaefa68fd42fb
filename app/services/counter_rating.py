"""The counter's satisfaction tablet: which visit it shows, and the face tapped on it.

The tablet is paired once with its own key (``kiosks`` of kind "rating", bound to one
counter); it never acts with a clerk's session, and never sees a citizen's token: it names a
visit by its id, which the server accepts only for a visit finished at that tablet's counter
moments ago. A tap is stored as a survey response with no booking (so the visit's own full
survey stays open) and one answer to the overall item, against the visit's office, service,
counter and the clerk who finished it; ``counter_taps`` keeps which visit and which tablet
(one tap per visit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import counter_rating as rules
from app.domain.errors import N_, Forbidden, InvalidState, NotFound, Unauthorized
from app.domain.office import CounterInfo, OfficeRules, ServiceInfo
from app.domain.status import Status
from app.models import Booking, BookingEvent, CounterTap, Kiosk, Staff, SurveyAnswer, SurveyResponse

from .office_rules import office_rules
from .transactions import reading, writing

_b = Booking.__table__.c
_e = BookingEvent.__table__.c
_taps = CounterTap.__table__
_kiosks = Kiosk.__table__


@dataclass(frozen=True)
class Tablet:
    id: int
    office: OfficeRules
    counter: CounterInfo


@dataclass(frozen=True)
class VisitToRate:
    """What the tablet shows: the visit's number and service (no name, no token)."""

    id: int
    number: str
    service: ServiceInfo
    done_at: datetime


def counter_of(code: str, number: int) -> tuple[OfficeRules, CounterInfo]:
    office = office_rules(code)
    counter = next((c for c in office.counters if c.number == number and c.active), None)
    if counter is None:
        raise NotFound(N_("There is no counter %(id)s."), id=number)
    return office, counter


def tablet_for(code: str, number: int, key: str | None) -> Tablet:
    """The tablet presenting ``key``: a rating tablet of this office's counter ``number``."""
    office, counter = counter_of(code, number)
    if not key:
        raise Unauthorized(N_("This tablet is not paired yet: a staff member types its key once."))
    found = reading().execute(
        select(_kiosks.c.id, _kiosks.c.office_id, _kiosks.c.counter_id, _kiosks.c.active, _kiosks.c.kind).where(
            _kiosks.c.key_hash == hashlib.sha256(key.encode()).hexdigest()
        )
    ).first()
    if found is None or not found.active or found.kind != "rating":
        raise Unauthorized(N_("This tablet key is not valid."))
    if found.office_id != office.id or found.counter_id != counter.id:
        raise Forbidden(N_("This tablet belongs to another counter."))
    return Tablet(found.id, office, counter)


def _last_done(tablet: Tablet):
    tapped = select(func.count()).select_from(_taps).where(_taps.c.booking_id == _b.id).scalar_subquery()
    return reading().execute(
        select(_b.id, _b.number, _b.service_id, _b.status, _b.done_at, _b.token, tapped.label("tapped"))
        .where(_b.counter_id == tablet.counter.id, _b.status == Status.DONE.value, _b.done_at.is_not(None))
        .order_by(_b.done_at.desc(), _b.id.desc())
        .limit(1)
    ).first()


def visit_to_rate(tablet: Tablet, *, now: datetime) -> VisitToRate | None:
    """The visit the clerk has just finished at the tablet's counter, not yet rated here."""
    found = _last_done(tablet)
    if found is None or found.tapped or not rules.shows_visit(found.done_at, now):
        return None
    return VisitToRate(found.id, found.number, tablet.office.service_by_id(found.service_id), found.done_at)


def _visit(tablet: Tablet, visit_id: object):
    if isinstance(visit_id, bool) or not isinstance(visit_id, int):
        raise NotFound(N_("No ticket has this code."), field="visit")
    tapped = select(func.count()).select_from(_taps).where(_taps.c.booking_id == _b.id).scalar_subquery()
    found = reading().execute(
        select(_b.id, _b.token, _b.office_id, _b.service_id, _b.counter_id, _b.channel, _b.day, _b.status,
               _b.done_at, tapped.label("tapped")).where(_b.id == visit_id)
    ).first()  # fmt: skip
    if found is None or found.counter_id != tablet.counter.id:
        raise NotFound(N_("No ticket has this code."), field="visit")
    return found


def _finisher(booking_id: int) -> int | None:
    """The staff member who pressed "done" on the visit."""
    actor = reading().execute(
        select(_e.actor).where(_e.booking_id == booking_id, _e.to_status == Status.DONE.value).order_by(_e.id.desc())
    ).scalar()
    if not actor or not actor.startswith("staff:"):
        return None
    return reading().execute(select(Staff.__table__.c.id).where(Staff.__table__.c.username == actor[6:])).scalar()


def record_tap(tablet: Tablet, visit_id: object, rating: object, *, now: datetime) -> None:
    """Store the face tapped for a visit just finished at the tablet's counter (once)."""
    face = rules.read_face(rating)
    visit = _visit(tablet, visit_id)
    rules.check_tap(done=visit.status == Status.DONE.value, done_at=visit.done_at, tapped=bool(visit.tapped), now=now)
    staff_id = _finisher(visit.id)
    responses, answers = SurveyResponse.__table__, SurveyAnswer.__table__
    try:
        with writing() as connection:
            response_id = connection.execute(
                insert(responses).returning(responses.c.id),
                {"booking_id": None, "office_id": visit.office_id, "service_id": visit.service_id,
                 "counter_id": visit.counter_id, "staff_id": staff_id, "channel": visit.channel, "day": visit.day,
                 "submitted_at": now, "needs_follow_up": face == "dissatisfied"},
            ).scalar_one()  # fmt: skip
            connection.execute(
                insert(answers),
                {"response_id": response_id, "question_id": rules.OVERALL_ITEM,
                 "question_group": rules.OVERALL_GROUP, "rating": face},
            )  # fmt: skip
            connection.execute(
                insert(_taps), {"booking_id": visit.id, "response_id": response_id, "tablet_id": tablet.id, "at": now}
            )
    except IntegrityError:
        raise InvalidState(N_("This visit was already rated here. Thank you!")) from None


def visit_token(tablet: Tablet, visit_id: object, *, now: datetime) -> str:
    """The token of a visit just finished at the tablet's counter, to open its full survey on
    the tablet or the citizen's phone (through a short-lived link the web edge signs)."""
    visit = _visit(tablet, visit_id)
    rules.check_tap(done=visit.status == Status.DONE.value, done_at=visit.done_at, tapped=False, now=now)
    return visit.token


def survey_token(visit_id: object) -> str | None:
    """The token behind a per-visit survey link (already checked and signed): the visit, done."""
    if isinstance(visit_id, bool) or not isinstance(visit_id, int):
        return None
    found = reading().execute(select(_b.token, _b.status).where(_b.id == visit_id)).first()
    return found.token if found is not None and found.status == Status.DONE.value else None
