"""What a booking request must contain, and when a place may be booked.

Web: an open day within the office's booking horizon, in a listed window that has
not started. Mobile: today, while the office is open, from inside the geofence.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from .calendar import OfficeCalendar, Slot
from .channels import Channel
from .errors import N_, Closed, InvalidField, InvalidState, KhiwError
from .geofence import Position, check_inside_fence, check_unused_position, parse_position
from .identity import parse_national_id, parse_thai_mobile
from .office import OfficeRules, ServiceInfo
from .text import has_letter, hidden_character

NAME_MAX = 100
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")


@dataclass(frozen=True)
class BookingRequest:
    office: str
    service: str
    channel: Channel
    name: str
    national_id: str | None
    phone: str | None
    email: str | None
    day: date | None = None
    slot: time | None = None
    position: Position | None = None


#: Reads a number as its entry point sends it (a JSON number, a form's text); raises
#: ValueError, TypeError or OverflowError when it is not one.
NumberReader = Callable[[object], float]


def read_booking_request(fields: Mapping[str, object], read_number: NumberReader) -> BookingRequest:
    """Check a citizen's booking request; raise InvalidField for the first fault.

    ``fields`` holds what the person sent, by field name, whatever the wire format; only
    numbers differ between formats (a JSON number, a form's text), so the entry point says
    how to read them. The first fault is reported in the order a form is filled in, so the
    message names the field the person is looking at.
    """
    office = _required_text(fields, "office", N_("Choose an office."))
    service = _required_text(fields, "service", N_("Choose a service."))
    channel = Channel.parse(fields.get("channel"))
    if channel not in (Channel.WEB, Channel.MOBILE):
        raise InvalidField(
            "channel",
            N_('Channel must be "web" or "mobile"; walk-in tickets come from the office kiosk.'),
        )
    name = parse_name(fields.get("name"))
    national_id = phone = None
    if fields.get("national_id") not in (None, ""):
        national_id = parse_national_id(fields["national_id"])
    if fields.get("phone") not in (None, ""):
        phone = parse_thai_mobile(fields["phone"])
    if national_id is None and phone is None:
        raise InvalidField("national_id", N_("Give your national ID number or your mobile number (or both)."))
    email = parse_email(fields.get("email"))
    if channel is Channel.WEB:
        check_unused_position(fields, read_number)
        day = parse_date(fields.get("date"))
        slot = parse_time(fields.get("slot"), "slot")
        return BookingRequest(office, service, channel, name, national_id, phone, email, day, slot)
    if fields.get("slot") not in (None, ""):
        raise InvalidField("slot", N_("Mobile bookings join today's queue; leave out the time window."))
    day = parse_date(fields["date"]) if fields.get("date") not in (None, "") else None
    return BookingRequest(
        office, service, channel, name, national_id, phone, email, day, position=parse_position(fields, read_number)
    )


def request_fingerprint(fields: Mapping[str, object]) -> str:
    """SHA-256 of the request as canonical JSON (keys sorted, no spaces): what an
    Idempotency-Key is stored with, so the same key with another request is told apart."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _required_text(payload: Mapping, field: str, message: str) -> str:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, message)
    return value.strip()


def parse_name(raw: object) -> str:
    """A person's name as written on the ID card: NFC, spaces tidied, at most NAME_MAX.

    Refused: control characters (NUL, escape sequences), invisible format characters
    (bidirectional overrides, zero-width spaces), broken characters, and a name with no
    letter at all — none of these is a name, and each can mislead whoever reads it.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidField("name", N_("Enter your name as on your ID card."))
    # As sent: the one rule of hidden characters (app.domain.text), stated in the API's document.
    name = " ".join(unicodedata.normalize("NFC", raw).split()) if _encodable(raw) else None
    if name is None or hidden_character(raw):
        raise InvalidField("name", N_("The name holds characters that are not part of a name; type it again."))
    if not has_letter(name):
        raise InvalidField("name", N_("Enter your name as on your ID card."))
    if len(raw) > NAME_MAX:  # as sent, so that the API's document can state the limit exactly
        raise InvalidField("name", N_("The name is too long: at most %(max)s characters."), max=NAME_MAX)
    return name


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone UTF-16 surrogate
        return False
    return True


def parse_email(raw: object) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise InvalidField("email", N_("This e-mail address is not valid."))
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidField("email", N_("This e-mail address is not valid.")) from None


def parse_date(raw: object, field: str = "date") -> date:
    """A Gregorian date as YYYY-MM-DD (the pages may show Buddhist Era; the API does not)."""
    if raw in (None, ""):
        raise InvalidField(field, N_("Choose a date."))
    if not isinstance(raw, str) or not _DATE.match(raw):
        raise InvalidField(field, N_("Dates are written YYYY-MM-DD (Gregorian), e.g. 2026-12-01."))
    # Before parsing: a Buddhist Era 29 February (2567-02-29) is a real day, but not in
    # Gregorian year 2567, and deserves the same hint as any other BE date.
    if int(raw[:4]) >= 2400:
        raise InvalidField(field, N_("Use the Gregorian year (Buddhist Era minus 543), e.g. 2026 for 2569."))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidField(field, N_("%(value)s is not a real date."), value=raw) from None


def parse_time(raw: object, field: str) -> time:
    if raw in (None, ""):
        raise InvalidField(field, N_("Choose a time window."))
    if not isinstance(raw, str) or not _TIME.match(raw):
        raise InvalidField(field, N_("Times are written HH:MM, e.g. 09:30."))
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise InvalidField(field, N_("%(value)s is not a real time of day."), value=raw) from None


def web_day_refusal(day: date, now_local: datetime, horizon_days: int, calendar: OfficeCalendar) -> KhiwError | None:
    """Why no web booking may be made for ``day`` now (passed, beyond the horizon, closed), or None."""
    today = now_local.date()
    if day < today:
        return Closed(N_("%(date)s has passed; choose today or a later day."), field="date", date=day.isoformat())
    last = today + timedelta(days=horizon_days)
    if day > last:
        return Closed(
            N_("Bookings open %(days)s days ahead: choose a date up to %(last)s."),
            field="date",
            days=horizon_days,
            last=last.isoformat(),
        )
    if not calendar.is_open_on(day):
        return Closed(N_("The office is closed on %(date)s. Choose another day."), field="date", date=day.isoformat())
    return None


class DayState(StrEnum):
    """How a day reads on the booking calendar."""

    OPEN = "open"  # places left in a window that can still be booked
    FULL = "full"  # open, but every window is full or has started
    HOLIDAY = "holiday"  # a public holiday or an announced closure
    CLOSED = "closed"  # the office does not open on that weekday
    PAST = "past"
    BEYOND = "beyond"  # after the booking horizon


def web_day_state(
    day: date, now_local: datetime, horizon_days: int, calendar: OfficeCalendar, places_left: int
) -> DayState:
    """The calendar's reading of ``day``: the same refusal booking gives, then the places left
    in the windows that could still be booked."""
    if web_day_refusal(day, now_local, horizon_days, calendar) is None:
        return DayState.OPEN if places_left > 0 else DayState.FULL
    if day < now_local.date():
        return DayState.PAST
    if day in calendar.closures:
        return DayState.HOLIDAY
    if not calendar.is_open_on(day):
        return DayState.CLOSED
    return DayState.BEYOND


def nearest_windows(slots: Sequence[Slot], wanted: time, count: int = 3) -> list[Slot]:
    """The ``count`` windows closest in time to ``wanted``, earliest first: what a page offers
    when the window a person chose filled up meanwhile."""
    minutes = wanted.hour * 60 + wanted.minute
    closest = sorted(slots, key=lambda s: (abs(s.start.hour * 60 + s.start.minute - minutes), s.start))
    return sorted(closest[:count], key=lambda s: s.start)


def matches_last_digits(last4: str, phone_e164: str | None, nid_tail_matches: bool) -> bool:
    """"Find my booking" asks for the last 4 digits of the phone or of the national ID.
    Compared in constant time, so how long a miss takes tells nothing about the digits."""
    tail = (phone_e164 or "")[-4:].rjust(4, "-")  # no phone: compared anyway, never equal
    same = hmac.compare_digest(tail.encode(), last4.encode()) and phone_e164 is not None
    return nid_tail_matches or same


def parse_last_digits(raw: object, field: str = "last4") -> str:
    if not isinstance(raw, str) or not re.fullmatch(r"\d{4}", raw.strip()):
        raise InvalidField(field, N_("Enter the last 4 digits of your mobile number or national ID."))
    return raw.strip()


def parse_ticket_number(raw: object, field: str = "number") -> str:
    """A ticket number as printed (W001, w 001, M012), normalised to upper case without spaces."""
    text = "".join(raw.split()).upper() if isinstance(raw, str) else ""
    if not re.fullmatch(r"[A-Z]{1,2}\d{3,5}", text):
        raise InvalidField(field, N_("Enter the queue number as printed, e.g. W012."))
    return text


def web_window_refusal(
    day: date,
    slot_start: time,
    now_local: datetime,
    horizon_days: int,
    calendar: OfficeCalendar,
    slots: list[Slot],
) -> KhiwError | None:
    """Why a web booking may not take the ``slot_start`` window on ``day`` now, or None.

    The one place this rule lives: booking raises the refusal, availability shows a window
    as bookable only when there is none, so a page never offers a window booking refuses.
    """
    refusal = web_day_refusal(day, now_local, horizon_days, calendar)
    if refusal is not None:
        return refusal
    if not any(s.start == slot_start for s in slots):
        return InvalidField(
            "slot",
            N_("There is no %(slot)s booking window on %(date)s; choose one of the listed windows."),
            slot=slot_start.strftime("%H:%M"),
            date=day.isoformat(),
        )
    if day == now_local.date() and slot_start <= now_local.time():
        return Closed(
            N_("The %(slot)s window has already started; choose a later one."),
            field="slot",
            slot=slot_start.strftime("%H:%M"),
        )
    return None


def check_web_window(
    day: date,
    slot_start: time,
    now_local: datetime,
    horizon_days: int,
    calendar: OfficeCalendar,
    slots: list[Slot],
) -> Slot:
    """Return the chosen slot if a web booking may take it now; raise Closed/InvalidField."""
    refusal = web_window_refusal(day, slot_start, now_local, horizon_days, calendar, slots)
    if refusal is not None:
        raise refusal
    return next(s for s in slots if s.start == slot_start)


def check_mobile_window(now_local: datetime, calendar: OfficeCalendar) -> None:
    """Mobile bookings join today's queue, and only while the office is open."""
    if calendar.is_open_at(now_local):
        return
    periods = calendar.periods_on(now_local.date())
    if not periods:
        raise Closed(N_("The office is closed today; mobile booking opens when the office is open."))
    hours = ", ".join(f"{p.opens:%H:%M}–{p.closes:%H:%M}" for p in periods)
    raise Closed(
        N_("Mobile booking is open only while the office is open. Today's hours: %(hours)s."),
        hours=hours,
    )


def format_ticket_number(prefix: str, seq: int) -> str:
    """A001 … A999, then A1000: the prefix names the channel, the digits the order of issue."""
    return f"{prefix}{seq:03d}"


def check_mobile_day(requested: date | None, today: date) -> None:
    """A phone booking is for today's queue; a request for another day is a mistake."""
    if requested is not None and requested != today:
        raise InvalidField("date", N_("Mobile bookings are for today only; book on the web for another day."))


@dataclass(frozen=True)
class Placement:
    """Where a new ticket goes, as decided from the request, the office and the time."""

    channel: Channel
    day: date
    slot: Slot | None = None
    distance_m: int | None = None  # mobile: how far from the office when booking


def decide_web(request: BookingRequest, office: OfficeRules, now_local: datetime) -> Placement:
    """A web booking takes a listed window of an open day within the horizon, not yet started."""
    if request.day is None or request.slot is None:
        raise InvalidField("date", N_("Choose a date."))
    day = request.day
    slot = check_web_window(
        day, request.slot, now_local, office.booking_horizon_days, office.calendar, office.web_slots(day)
    )
    return Placement(Channel.WEB, day, slot)


def decide_mobile(
    request: BookingRequest, office: OfficeRules, now_local: datetime, max_accuracy_m: float
) -> Placement:
    """A phone booking joins today's queue while the office is open, from inside the fence."""
    today = now_local.date()
    check_mobile_day(request.day, today)
    check_mobile_window(now_local, office.calendar)
    if request.position is None:
        raise InvalidField("lat", N_("We need your location to book on a phone; please allow location access."))
    distance = check_inside_fence(office.lat, office.lon, office.geofence_m, request.position, max_accuracy_m)
    return Placement(Channel.MOBILE, today, distance_m=distance)


def decide_placement(
    request: BookingRequest, office: OfficeRules, now_local: datetime, max_accuracy_m: float
) -> Placement:
    if request.channel is Channel.WEB:
        return decide_web(request, office, now_local)
    return decide_mobile(request, office, now_local, max_accuracy_m)


# --- walk-in tickets at the office kiosk --------------------------------------------------


def remaining_open_minutes(now_local: datetime, calendar: OfficeCalendar) -> int:
    """Minutes of opening time left today (periods not yet over; before opening, all of them)."""
    total = 0
    for period in calendar.periods_on(now_local.date()):
        closes = datetime.combine(now_local.date(), period.closes, tzinfo=now_local.tzinfo)
        opens = datetime.combine(now_local.date(), period.opens, tzinfo=now_local.tzinfo)
        start = max(now_local, opens)
        if closes > start:
            total += int((closes - start).total_seconds() // 60)
    return total


def next_opening(now_local: datetime, calendar: OfficeCalendar, days: int = 31) -> datetime | None:
    """The next moment the office opens after ``now_local`` (within ``days``), or None."""
    for offset in range(days + 1):
        day = now_local.date() + timedelta(days=offset)
        for period in calendar.periods_on(day):
            opens = datetime.combine(day, period.opens, tzinfo=now_local.tzinfo)
            if opens > now_local:
                return opens
    return None


_COME_BACK = {
    "closed_today": N_("The office is closed today. Please come back on %(date)s from %(time)s."),
    "closed_now": N_("The office has closed for today. Please come back on %(date)s from %(time)s."),
    "no_time_left": N_(
        "Today's remaining opening time cannot serve another ticket for this service. "
        "Please come back on %(date)s from %(time)s."
    ),
}


def _come_back(now_local: datetime, calendar: OfficeCalendar, why: str) -> Closed:
    opening = next_opening(now_local, calendar)
    if opening is None:
        return Closed(N_("The office has no opening hours in the coming weeks."))
    return Closed(_COME_BACK[why], date=opening.date().isoformat(), time=opening.strftime("%H:%M"))


def decide_walk_in(
    office: OfficeRules,
    service: ServiceInfo,
    now_local: datetime,
    minutes_ahead: int,
) -> Placement:
    """A paper ticket joins today's walk-in queue, while the day can still serve it.

    ``minutes_ahead`` is the work already waiting in the walk-in queue (each waiting
    ticket's service time, added up). The ticket is refused with ``closed`` — saying when
    to come back — when the office is closed now (a closed day, or after the last period),
    and when the opening time left today, shared among the walk-in counters, cannot serve
    the people waiting plus this one. The day's walk-in capacity is kept by the database.
    """
    calendar = office.calendar
    periods = calendar.periods_on(now_local.date())
    if not periods:
        raise _come_back(now_local, calendar, "closed_today")
    if now_local.time() >= periods[-1].closes:
        raise _come_back(now_local, calendar, "closed_now")
    counters = max(1, len(office.counters_for(Channel.WALK_IN)))
    needed = math.ceil((minutes_ahead + service.avg_minutes) / counters)
    if needed > remaining_open_minutes(now_local, calendar):
        raise _come_back(now_local, calendar, "no_time_left")
    return Placement(Channel.WALK_IN, now_local.date())


# --- checking in on arrival ---------------------------------------------------------------


class CheckInTooLate(Closed):
    """A web booking's check-in time has passed: the kiosk offers a walk-in ticket instead."""

    def extra(self) -> dict:
        return {"offer": "walk_in"}


def check_in_refusal(
    channel: Channel,
    day: date,
    slot_start: time | None,
    slot_end: time | None,
    now_local: datetime,
    early_minutes: int,
    late_minutes: int,
) -> KhiwError | None:
    """Why a booking may not check in now, or None.

    Web: from ``early_minutes`` before its window starts to ``late_minutes`` after it ends
    (later → ``CheckInTooLate``: take a walk-in ticket). Mobile: any time on its day.
    """
    today = now_local.date()
    if day != today:
        return InvalidState(N_("This booking is for %(date)s, not today."), date=day.isoformat())
    if channel is not Channel.WEB or slot_start is None:
        return None
    start = datetime.combine(day, slot_start, tzinfo=now_local.tzinfo)
    end = datetime.combine(day, slot_end or slot_start, tzinfo=now_local.tzinfo)
    opens = start - timedelta(minutes=early_minutes)
    closes = end + timedelta(minutes=late_minutes)
    if now_local < opens:
        return Closed(
            N_("Your window starts at %(slot)s; check-in opens at %(time)s."),
            slot=slot_start.strftime("%H:%M"),
            time=opens.strftime("%H:%M"),
        )
    if now_local > closes:
        return CheckInTooLate(
            N_("Your booking was for %(slot)s and check-in closed at %(time)s. You can still take a walk-in ticket."),
            slot=slot_start.strftime("%H:%M"),
            time=closes.strftime("%H:%M"),
        )
    return None
