"""What an office head or administrator may set, checked before anything is written.

Forms arrive as strings (``Mapping[str, str]``); each reader returns plain values or raises
``InvalidField`` naming the field at fault, in the order the page lists the fields. The
rules that need the database's numbers (how many are booked on a day) take those numbers
as arguments: ``refuse_capacity_below_booked`` says which day and how many.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from . import staff_access
from .booking import parse_email
from .channels import Channel
from .complaints import SlaDays
from .errors import N_, Forbidden, InvalidField
from .office_spec import (
    AVG_MINUTES,
    CODE_MAX,
    COUNTER_NAME_MAX,
    DOCUMENTS_MAX,
    HORIZON_DAYS,
    NAME_MAX,
    WEB_SLOT_MINUTES,
)
from .report_figures import check_typed_day
from .roles import Role, StaffMember
from .text import showable, tidy
from .verification import HOLD_MINUTES_RANGE, parse_verification
from .working_days import DayKind

#: The geofence an administrator may set: the source asks for booking within about 1–2 km.
GEOFENCE_M = (500, 2000)
CHECKIN_MINUTES = (0, 240)
RECALLS = (0, 10)
NEAR_TURN_PEOPLE = (0, 50)
NEAR_TURN_MINUTES = (0, 240)
ADDRESS_MAX = 500
PASSWORD_MIN = staff_access.PASSWORD_MIN  # and not a common password (staff_access)
KIOSK_NAME_MAX = 100
#: Section 10: a service's processing time as the citizen's manual states it.
PROCESSING_DAYS = (0, 365)
#: The letterhead of Section 10 delay letters (the sender block and contact lines are a few lines each).
LETTER_REF_MAX = 40
LETTERHEAD_MAX, LETTERHEAD_LINES = 1000, 10
SIGNATORY_MAX = 200
CONTACT_MAX, CONTACT_LINES = 500, 5
#: Complaints: an office's service level per priority, in working days.
COMPLAINT_SLA_DAYS = (1, 60)
TOPIC_CODE_MAX = 32
#: The largest holiday file read (a year of holidays is about 2 kB).
HOLIDAY_FILE_MAX = 256 * 1024
#: A year of holidays is a few dozen; a file of several years stays well under this (issue 21:
#: a 12,000-line file once held SQLite's write lock for minutes).
HOLIDAY_LINES_MAX = 400
#: How far back a closure or holiday may be recorded: a Section 10 request takes at most a year,
#: so older days no longer change any due date.
CLOSURE_PAST_DAYS = 730
#: How far ahead a closure may be announced.
CLOSURE_FUTURE_DAYS = 5 * 366
#: Years a date typed in a holiday file may have (a Buddhist-Era year is 543 more).
YEAR_MIN, YEAR_MAX = 2000, 2200
#: Per-line errors shown for one file; the rest are counted.
HOLIDAY_ERRORS_SHOWN = 20

_CODE = re.compile(r"[a-z0-9][a-z0-9-]*")
_TOPIC_CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")

# --- Thailand ---------------------------------------------------------------------------

#: A coarse outline of Thailand as (latitude, longitude) corners, clockwise from the north-west.
#: It follows the land borders within about 20 km and runs out to sea along the coasts (so the
#: islands are in); it catches swapped or mistyped coordinates, not a border dispute.
THAILAND_OUTLINE: tuple[tuple[float, float], ...] = (
    (19.95, 97.70),
    (20.20, 98.90),
    (20.50, 99.80),
    (20.50, 100.20),
    (20.30, 100.55),  # north (Myanmar, Laos)
    (19.55, 101.30),
    (18.20, 101.20),
    (17.45, 101.05),
    (17.95, 101.55),
    (18.00, 102.20),  # Nan, Loei
    (17.93, 102.80),
    (18.50, 103.70),
    (17.45, 104.85),
    (16.50, 104.85),
    (15.35, 105.65),  # the Mekong
    (14.30, 105.30),
    (14.45, 104.00),
    (14.35, 103.00),
    (14.05, 102.75),
    (13.60, 102.60),  # Cambodia
    (12.40, 102.80),
    (11.95, 102.95),
    (11.60, 103.00),
    (11.60, 102.50),
    (12.60, 100.80),  # Trat, the east coast
    (13.30, 100.55),
    (12.50, 100.05),
    (10.20, 100.10),
    (9.50, 100.30),
    (8.30, 100.50),  # the Gulf
    (7.20, 100.80),
    (6.30, 102.30),
    (6.00, 102.10),
    (5.55, 101.15),
    (6.40, 100.40),  # the south, Malaysia
    (6.45, 99.60),
    (6.40, 99.20),
    (7.60, 98.10),
    (9.00, 98.00),
    (10.00, 98.40),  # the Andaman coast
    (10.80, 98.80),
    (11.70, 99.60),
    (12.70, 99.15),
    (13.50, 99.15),
    (14.30, 98.60),  # Myanmar
    (15.30, 98.35),
    (16.00, 98.70),
    (16.70, 98.50),
    (17.70, 97.80),
    (18.60, 97.30),
    (19.50, 97.65),
)


def in_thailand(lat: float, lon: float) -> bool:
    """Whether a point lies inside ``THAILAND_OUTLINE`` (ray casting)."""
    inside = False
    corners = THAILAND_OUTLINE
    for (lat1, lon1), (lat2, lon2) in zip(corners, corners[1:] + corners[:1], strict=True):
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < crossing:
                inside = not inside
    return inside


# --- reading form fields ----------------------------------------------------------------


def _text(form: Mapping[str, str], name: str) -> str:
    """A field as typed, trimmed; every staff-typed text (names, addresses, reasons, notes)
    follows the free-text rule (``app.domain.text``): no control or invisible characters."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    if not showable(value):
        raise InvalidField(name, N_("Remove the control or invisible characters from this field."))
    return tidy(value)


def _name(form: Mapping[str, str], name: str, max_length: int = NAME_MAX) -> str:
    value = _text(form, name)
    if not value or len(value) > max_length:
        raise InvalidField(
            name, N_("Enter a name in Thai and in English, each at most %(max)s characters."), max=max_length
        )
    return value


def _whole(form: Mapping[str, str], name: str, bounds: tuple[int, int], message: str) -> int:
    value = _text(form, name)
    low, high = bounds
    if not re.fullmatch(r"\d{1,6}", value) or not low <= int(value) <= high:
        raise InvalidField(name, message, low=low, high=high)
    return int(value)


def _capacity_value(value: str, name: str) -> int:
    if not re.fullmatch(r"\d{1,5}", value):
        raise InvalidField(name, N_("A capacity is a whole number, 0 or more."))
    return int(value)


def _number(form: Mapping[str, str], name: str, message: str) -> float:
    try:
        value = float(_text(form, name))
    except ValueError:
        raise InvalidField(name, message) from None
    if not math.isfinite(value):
        raise InvalidField(name, message)
    return value


def read_time(value: str, name: str) -> time:
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise InvalidField(name, N_("Enter a time as HH:MM, e.g. 08:30."))
    return time(int(match.group(1)), int(match.group(2)))


def read_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidField(name, N_("Enter a date as YYYY-MM-DD, e.g. 2027-01-01.")) from None


#: The audit page's default range: the last 30 days.
AUDIT_DEFAULT_DAYS = 30


def read_audit_range(raw_from: object, raw_to: object, today: date) -> tuple[date, date]:
    """The audit page's ``from``/``to`` (both included; the last 30 days by default); a date
    that cannot be read, lies outside 2000–2100, or ends before it starts is refused naming
    the field."""

    unreadable = {
        "from": N_("Write the start date as YYYY-MM-DD, e.g. 2026-11-30."),
        "to": N_("Write the end date as YYYY-MM-DD, e.g. 2026-11-30."),
    }

    def read(raw: object, name: str) -> date | None:
        if raw in (None, ""):
            return None
        try:
            day = date.fromisoformat(raw.strip()) if isinstance(raw, str) else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidField(name, unreadable[name])
        return check_typed_day(day, name)

    typed_first = read(raw_from, "from")
    last = read(raw_to, "to") or today
    first = typed_first or last - timedelta(days=AUDIT_DEFAULT_DAYS)
    if last < first:
        raise InvalidField("to", N_("The end date is before the start date."))
    return first, last


def _future_date(form: Mapping[str, str], name: str, today: date) -> date:
    day = read_date(_text(form, name), name)
    if day < today:
        raise InvalidField(name, N_("%(date)s has passed; choose today or a later date."), date=day.isoformat())
    return day


def _checked(form: Mapping[str, str], name: str) -> bool:
    return _text(form, name) in ("1", "on", "true", "yes")


# --- the office's details ---------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSettings:
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    lat: float
    lon: float
    geofence_m: int
    booking_horizon_days: int
    web_slot_minutes: int
    web_slot_capacity: int
    checkin_early_minutes: int
    checkin_late_minutes: int
    no_show_after_recalls: int
    cross_channel_calls: bool
    near_turn_people: int
    near_turn_minutes: int
    verification: str = "none"
    hold_minutes: int = 10

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def read_office_settings(form: Mapping[str, str]) -> OfficeSettings:
    """The details form of an office; coordinates must lie in Thailand."""
    name_th, name_en = _name(form, "name_th"), _name(form, "name_en")
    addresses = {}
    for name in ("address_th", "address_en"):
        addresses[name] = _text(form, name)
        if len(addresses[name]) > ADDRESS_MAX:
            raise InvalidField(name, N_("An address is at most %(max)s characters."), max=ADDRESS_MAX)
    lat = _number(form, "lat", N_("Latitude must be a number between -90 and 90."))
    lon = _number(form, "lon", N_("Longitude must be a number between -180 and 180."))
    if not in_thailand(lat, lon):
        raise InvalidField(
            "lat",
            N_(
                "%(lat)s, %(lon)s is not in Thailand. Enter the office's latitude (about 5.6–20.5) and longitude "
                "(about 97.3–105.6), e.g. from a map."
            ),
            lat=lat,
            lon=lon,
        )
    minutes = N_("Enter %(low)s–%(high)s minutes.")
    return OfficeSettings(
        name_th=name_th,
        name_en=name_en,
        lat=lat,
        lon=lon,
        geofence_m=_whole(form, "geofence_m", GEOFENCE_M, N_("The geofence radius is %(low)s–%(high)s metres.")),
        booking_horizon_days=_whole(
            form, "booking_horizon_days", HORIZON_DAYS, N_("Web bookings open %(low)s–%(high)s days ahead.")
        ),
        web_slot_minutes=_whole(
            form, "web_slot_minutes", WEB_SLOT_MINUTES, N_("A web booking window lasts %(low)s–%(high)s minutes.")
        ),
        web_slot_capacity=_capacity_value(_text(form, "web_slot_capacity"), "web_slot_capacity"),
        checkin_early_minutes=_whole(form, "checkin_early_minutes", CHECKIN_MINUTES, minutes),
        checkin_late_minutes=_whole(form, "checkin_late_minutes", CHECKIN_MINUTES, minutes),
        no_show_after_recalls=_whole(form, "no_show_after_recalls", RECALLS, N_("Enter %(low)s–%(high)s recalls.")),
        cross_channel_calls=_checked(form, "cross_channel_calls"),
        near_turn_people=_whole(form, "near_turn_people", NEAR_TURN_PEOPLE, N_("Enter %(low)s–%(high)s people.")),
        near_turn_minutes=_whole(form, "near_turn_minutes", NEAR_TURN_MINUTES, minutes),
        verification=parse_verification(_text(form, "verification")).value,
        hold_minutes=_whole(
            form, "hold_minutes", HOLD_MINUTES_RANGE, N_("A booking waits for its code %(low)s–%(high)s minutes.")
        ),
        **addresses,
    )


# --- the letterhead of Section 10 delay letters -----------------------------------------


@dataclass(frozen=True)
class Letterhead:
    letter_ref_prefix: str
    letterhead_th: str
    letter_signatory_th: str
    letter_contact_th: str
    #: Issue 21: a clerk's first delay notice of a request waits for the head's review.
    first_notice_review: bool = False

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _printable_lines(form: Mapping[str, str], name: str, max_length: int, max_lines: int, message: str) -> str:
    """A block of text, one item a line (blank lines dropped), each line printable."""
    raw = form.get(name, "")
    lines = [line.strip() for line in raw.splitlines()] if isinstance(raw, str) else []
    text = "\n".join(line for line in lines if line)
    if len(text) > max_length or text.count("\n") >= max_lines or not all(line.isprintable() for line in lines):
        raise InvalidField(name, message, max=max_length, lines=max_lines)
    return text


def read_letterhead(form: Mapping[str, str]) -> Letterhead:
    """The letterhead form: the letter number's prefix and the signatory are one line each;
    the sender block and the contact lines a few lines each. All may be empty (the letter
    then uses the office's name and address)."""
    one_line = {}
    for name, max_length, message in (
        (
            "letter_ref_prefix",
            LETTER_REF_MAX,
            N_("The letter number prefix is one line of at most %(max)s characters, e.g. ลพ 0318/."),
        ),
        (
            "letter_signatory_th",
            SIGNATORY_MAX,
            N_("The signatory's position is one line of at most %(max)s characters."),
        ),
    ):
        raw = form.get(name, "")
        value = raw.strip() if isinstance(raw, str) else ""
        if len(value) > max_length or not value.isprintable():
            raise InvalidField(name, message, max=max_length)
        one_line[name] = value
    return Letterhead(
        letter_ref_prefix=one_line["letter_ref_prefix"],
        letterhead_th=_printable_lines(
            form, "letterhead_th", LETTERHEAD_MAX, LETTERHEAD_LINES,
            N_("The sender block is at most %(lines)s lines and %(max)s characters."),
        ),
        letter_signatory_th=one_line["letter_signatory_th"],
        letter_contact_th=_printable_lines(
            form, "letter_contact_th", CONTACT_MAX, CONTACT_LINES,
            N_("The contact lines are at most %(lines)s lines and %(max)s characters."),
        ),
        first_notice_review=_checked(form, "first_notice_review"),
    )  # fmt: skip


# --- hours and closures -----------------------------------------------------------------


def read_weekly_period(form: Mapping[str, str]) -> tuple[int, time, time]:
    weekday = _whole(form, "weekday", (1, 7), N_("Weekdays are numbered 1 (Monday) to 7 (Sunday)."))
    opens, closes = read_time(_text(form, "opens"), "opens"), read_time(_text(form, "closes"), "closes")
    if not opens < closes:
        raise InvalidField("closes", N_("A period must open before it closes."))
    return weekday, opens, closes


def read_extra_period(form: Mapping[str, str], today: date) -> tuple[date, time, time]:
    day = _future_date(form, "day", today)
    opens, closes = read_time(_text(form, "opens"), "opens"), read_time(_text(form, "closes"), "closes")
    if not opens < closes:
        raise InvalidField("closes", N_("A period must open before it closes."))
    return day, opens, closes


def refuse_overlap(existing: Iterable[tuple[time, time]], opens: time, closes: time) -> None:
    """A new period must not overlap the day's others."""
    for other_opens, other_closes in existing:
        if opens < other_closes and other_opens < closes:
            raise InvalidField(
                "opens",
                N_("%(opens)s–%(closes)s overlaps the period %(other)s on that day."),
                opens=opens.strftime("%H:%M"),
                closes=closes.strftime("%H:%M"),
                other=f"{other_opens:%H:%M}–{other_closes:%H:%M}",
            )


@dataclass(frozen=True)
class ClosureRequest:
    day: date
    reason_th: str
    reason_en: str


def refuse_closure_too_old(day: date, today: date, field: str = "day") -> None:
    """A closure may be recorded in the past (the calendar of Section 10's working days), back
    to ``CLOSURE_PAST_DAYS``, and announced up to ``CLOSURE_FUTURE_DAYS`` ahead."""
    if _buddhist_era(day):
        raise InvalidField(
            field, N_("%(value)s has a Buddhist-Era year; use the Christian year (%(suggestion)s)."),
            value=day.isoformat(), suggestion=_christian(day),
        )  # fmt: skip
    if (today - day).days > CLOSURE_PAST_DAYS:
        raise InvalidField(
            field, N_("%(date)s is more than %(days)s days ago; it no longer changes any due date."),
            date=day.isoformat(), days=CLOSURE_PAST_DAYS,
        )  # fmt: skip
    if (day - today).days > CLOSURE_FUTURE_DAYS:
        raise InvalidField(field, N_("%(date)s is too far ahead; close days at most 5 years ahead."),
                           date=day.isoformat())  # fmt: skip


def _buddhist_era(day: date) -> bool:
    """A year from 2400 (1857) up to YEAR_MAX + 543 is a Buddhist-Era year typed as Christian."""
    return 2400 <= day.year <= YEAR_MAX + 543


def _christian(day: date) -> str:
    """A Buddhist-Era date typed as if Christian, converted: 2570-01-04 → 2027-01-04."""
    try:
        return day.replace(year=day.year - 543).isoformat()
    except ValueError:  # 29 February of a year that is not leap once converted
        return f"{day.year - 543:04d}-{day.month:02d}-{day.day:02d}"


def read_closure(form: Mapping[str, str], today: date) -> ClosureRequest:
    """A date to close: in the past too (recorded for the calendar, cancelling nothing)."""
    day = read_date(_text(form, "day"), "day")
    refuse_closure_too_old(day, today)
    reasons = {}
    for name in ("reason_th", "reason_en"):
        reasons[name] = _text(form, name)
        if len(reasons[name]) > NAME_MAX:
            raise InvalidField(name, N_("A reason is at most %(max)s characters."), max=NAME_MAX)
    if not reasons["reason_th"]:
        raise InvalidField("reason_th", N_("Say in Thai why the office is closed; citizens are told."))
    return ClosureRequest(day, reasons["reason_th"], reasons["reason_en"] or reasons["reason_th"])


# --- the holiday file -------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class HolidayFile:
    holidays: tuple[ClosureRequest, ...]
    errors: tuple[LineError, ...]


def read_holiday_file(data: bytes, filename: str = "") -> HolidayFile:
    """The holidays in an uploaded file: CSV ``date,name_th,name_en`` (UTF-8; a header line,
    blank lines and lines starting with # are skipped) or an iCalendar (.ics) file.

    Every line is checked; errors name the line. The caller imports nothing when any line is wrong.
    """
    if len(data) > HOLIDAY_FILE_MAX:
        raise InvalidField("file", N_("The file is larger than %(max)s kB."), max=HOLIDAY_FILE_MAX // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidField("file", N_("The file is not UTF-8 text. Save it as CSV UTF-8 and try again.")) from None
    if "\x00" in text:
        raise InvalidField("file", N_("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."))
    if filename.lower().endswith(".ics") or text.lstrip().startswith("BEGIN:VCALENDAR"):
        if text.count("BEGIN:VEVENT") > HOLIDAY_LINES_MAX:
            raise _too_many_lines()
        return _read_ics(text)
    lines = (line.strip() for line in text.splitlines())
    if sum(1 for line in lines if line and not line.startswith("#")) > HOLIDAY_LINES_MAX + 1:  # + a header
        raise _too_many_lines()
    return _read_csv(text)


def _too_many_lines() -> InvalidField:
    return InvalidField(
        "file", N_("The file lists more than %(max)s holidays; a year of holidays is a few dozen."),
        max=HOLIDAY_LINES_MAX,
    )  # fmt: skip


def _year_fault(day: date, line: int) -> LineError | None:
    """A Buddhist-Era year (2570-01-04 would be read as the year 2570) or a year out of range."""
    if _buddhist_era(day):
        return LineError(
            line,
            N_("Line %(line)s: %(value)s has a Buddhist-Era year; write the Christian year, e.g. %(suggestion)s."),
            {"value": day.isoformat(), "suggestion": _christian(day)},
        )  # fmt: skip
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        return LineError(
            line, N_("Line %(line)s: %(value)s is out of range; a date is between %(min)s and %(max)s."),
            {"value": day.isoformat(), "min": f"{YEAR_MIN}-01-01", "max": f"{YEAR_MAX}-12-31"},
        )  # fmt: skip
    return None


def _read_csv(text: str) -> HolidayFile:
    holidays, errors, seen = [], [], {}
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() == "date":
            continue
        if len(cells) < 2 or len(cells) > 3:
            errors.append(LineError(number, N_("Line %(line)s: write date,name_th,name_en (3 values).")))
            continue
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            errors.append(
                LineError(number, N_("Line %(line)s: %(value)s is not a date (YYYY-MM-DD)."), {"value": cells[0][:20]})
            )
            continue
        if fault := _year_fault(day, number):
            errors.append(fault)
            continue
        name_th = cells[1]
        name_en = cells[2] if len(cells) == 3 and cells[2] else name_th
        if not name_th:
            errors.append(LineError(number, N_("Line %(line)s: the Thai name is missing.")))
        elif len(name_th) > NAME_MAX or len(name_en) > NAME_MAX:
            errors.append(
                LineError(number, N_("Line %(line)s: a name is longer than %(max)s characters."), {"max": NAME_MAX})
            )
        elif day in seen:
            errors.append(
                LineError(
                    number,
                    N_("Line %(line)s: %(value)s is already on line %(other)s."),
                    {"value": day.isoformat(), "other": seen[day]},
                )
            )
        else:
            seen[day] = number
            holidays.append(ClosureRequest(day, name_th, name_en))
    if not holidays and not errors:
        errors.append(LineError(0, N_("The file lists no holidays.")))
    return HolidayFile(tuple(holidays), tuple(errors))


def _read_ics(text: str) -> HolidayFile:
    # Long lines are folded: a line starting with a space or tab continues the previous one.
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        else:
            lines.append((number, raw))
    holidays, errors, seen = [], [], {}
    event: dict[str, tuple[int, str]] | None = None
    for number, line in lines:
        if line == "BEGIN:VEVENT":
            event = {"BEGIN": (number, "")}
        elif line == "END:VEVENT" and event is not None:
            _ics_event(event, holidays, errors, seen)
            event = None
        elif event is not None and ":" in line:
            name, value = line.split(":", 1)
            key = name.split(";", 1)[0].upper()
            if key == "SUMMARY" and "LANGUAGE=EN" in name.upper():
                key = "SUMMARY_EN"
            event.setdefault(key, (number, value.replace("\\,", ",").replace("\\;", ";").strip()))
    if not holidays and not errors:
        errors.append(LineError(0, N_("The file lists no holidays.")))
    return HolidayFile(tuple(holidays), tuple(errors))


def _ics_date(value: str) -> date | None:
    digits = value.strip()[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) if digits.isdigit() else None
    except ValueError:
        return None


def _ics_event(event, holidays: list, errors: list, seen: dict) -> None:
    number = event.get("DTSTART", event["BEGIN"])[0]
    start = _ics_date(event.get("DTSTART", (0, ""))[1])
    if start is None:
        errors.append(LineError(number, N_("Line %(line)s: the event has no date (DTSTART).")))
        return
    if fault := _year_fault(start, number):  # 9999-12-31 would overflow the day after it
        errors.append(fault)
        return
    name_th = event.get("SUMMARY", (0, ""))[1][:NAME_MAX]
    if not name_th:
        errors.append(LineError(number, N_("Line %(line)s: the Thai name is missing.")))
        return
    name_en = event.get("SUMMARY_EN", (0, name_th))[1][:NAME_MAX]
    end = _ics_date(event.get("DTEND", (0, ""))[1]) or start + timedelta(days=1)  # DTEND is exclusive
    end = min(end, date(YEAR_MAX, 12, 31))
    day = start
    while day < min(end, start + timedelta(days=14)):
        if day not in seen:
            seen[day] = number
            holidays.append(ClosureRequest(day, name_th, name_en))
        day += timedelta(days=1)


# --- services and counters --------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFields:
    code: str
    name_th: str
    name_en: str
    avg_minutes: int
    documents_th: str
    documents_en: str
    active: bool
    processing_days: int | None = None
    processing_day_kind: str = DayKind.WORKING.value

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def read_processing(form: Mapping[str, str]) -> tuple[int | None, str]:
    """Section 10: the processing time the citizen's manual states (empty: none stated) and
    whether it counts working or calendar days (empty: working)."""
    days = None
    if _text(form, "processing_days"):
        days = _whole(
            form,
            "processing_days",
            PROCESSING_DAYS,
            N_("The processing time is %(low)s–%(high)s days, or empty when the manual states none."),
        )
    kind = _text(form, "processing_day_kind") or DayKind.WORKING.value
    if kind not in {k.value for k in DayKind}:
        raise InvalidField("processing_day_kind", N_("Day kind must be “working” or “calendar”."))
    return days, kind


def read_service(form: Mapping[str, str]) -> ServiceFields:
    code = _text(form, "code")
    if len(code) > CODE_MAX or not _CODE.fullmatch(code):
        raise InvalidField(
            "code", N_("A code is 1–%(max)s lowercase letters, digits or hyphens, e.g. pa-sang."), max=CODE_MAX
        )
    name_th, name_en = _name(form, "name_th"), _name(form, "name_en")
    avg = _whole(form, "avg_minutes", AVG_MINUTES, N_("An average service time is %(low)s–%(high)s minutes."))
    documents = {}
    for name in ("documents_th", "documents_en"):
        documents[name] = "\n".join(line.strip() for line in _text(form, name).splitlines() if line.strip())
        if len(documents[name]) > DOCUMENTS_MAX:
            raise InvalidField(
                name, N_("What to bring is text, one item a line, at most %(max)s characters."), max=DOCUMENTS_MAX
            )
    days, kind = read_processing(form)
    return ServiceFields(
        code, name_th, name_en, avg, active=_checked(form, "active"), processing_days=days, processing_day_kind=kind,
        **documents,
    )  # fmt: skip


@dataclass(frozen=True)
class CounterFields:
    number: int
    name_th: str
    name_en: str
    channels: tuple[Channel, ...]
    services: tuple[int, ...]
    active: bool

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "channels": [c.value for c in self.channels],
            "services": list(self.services),
            "active": self.active,
        }


def read_counter(
    form: Mapping[str, str], channels: Sequence[str], services: Sequence[str], known_services: Iterable[int]
) -> CounterFields:
    """A counter's form; ``channels`` and ``services`` are the ticked boxes (service ids)."""
    number = _whole(form, "number", (1, 999), N_("A counter number is a whole number, 1 or more."))
    name_th, name_en = _name(form, "name_th", COUNTER_NAME_MAX), _name(form, "name_en", COUNTER_NAME_MAX)
    chosen = []
    for value in channels:
        channel = Channel.parse(value)
        if channel is None:
            raise InvalidField("channels", N_("Unknown channel %(value)s: use walk_in, web or mobile."), value=value)
        if channel not in chosen:
            chosen.append(channel)
    if not chosen:
        raise InvalidField("channels", N_("Tick at least one channel this counter calls."))
    known = set(known_services)
    ids = []
    for value in services:
        if not str(value).isdigit() or int(value) not in known:
            raise InvalidField("services", N_("Choose services of this office."))
        ids.append(int(value))
    return CounterFields(
        number, name_th, name_en, tuple(sorted(chosen)), tuple(sorted(set(ids))), _checked(form, "active")
    )


# --- capacities -------------------------------------------------------------------------


def read_weekly_capacity(form: Mapping[str, str]) -> dict[tuple[int, Channel], int]:
    """The week's grid: fields ``cap-<weekday>-<channel>``; an empty box is 0."""
    grid = {}
    for weekday in range(1, 8):
        for channel in Channel:
            name = f"cap-{weekday}-{channel.value}"
            value = _text(form, name)
            grid[(weekday, channel)] = _capacity_value(value, name) if value else 0
    return grid


@dataclass(frozen=True)
class DateCapacity:
    day: date
    channel: Channel
    capacity: int | None  # None: remove the date's override


def read_date_capacity(form: Mapping[str, str], today: date) -> DateCapacity:
    day = _future_date(form, "day", today)
    channel = Channel.parse(_text(form, "channel"))
    if channel is None:
        raise InvalidField(
            "channel", N_("Unknown channel %(value)s: use walk_in, web or mobile."), value=_text(form, "channel")[:20]
        )
    value = _text(form, "capacity")
    return DateCapacity(day, channel, _capacity_value(value, "capacity") if value else None)


def refuse_capacity_below_booked(booked: Iterable[tuple[date, int]], capacity: int, *, field: str) -> None:
    """Bookings are never dropped: refuse a capacity below what a day already has booked,
    naming the first such day and both numbers."""
    for day, count in sorted(booked):
        if count > capacity:
            raise InvalidField(
                field,
                N_("Cannot lower: %(date)s already has %(booked)s bookings, more than the %(capacity)s you set."),
                date=day.isoformat(),
                booked=count,
                capacity=capacity,
            )


def refuse_window_below_booked(booked: Iterable[tuple[date, time, int]], capacity: int) -> None:
    for day, start, count in sorted(booked):
        if count > capacity:
            raise InvalidField(
                "web_slot_capacity",
                N_(
                    "Cannot lower: the %(slot)s window on %(date)s already has %(booked)s bookings, more than the "
                    "%(capacity)s you set."
                ),
                date=day.isoformat(),
                slot=start.strftime("%H:%M"),
                booked=count,
                capacity=capacity,
            )


# --- staff and kiosks -------------------------------------------------------------------


def refuse_unless_administrator(staff: StaffMember) -> None:
    """Administration is for office heads and administrators; a clerk is refused everywhere."""
    if staff.role is Role.CLERK:
        raise Forbidden(N_("Administration is for office heads and administrators."))


def refuse_unless_manages(staff: StaffMember, role: Role, office_id: int | None) -> None:
    """A head manages the clerks of their office; only an administrator manages heads and administrators."""
    refuse_unless_administrator(staff)
    if staff.role is Role.ADMIN:
        return
    if role is not Role.CLERK or office_id != staff.office_id:
        raise Forbidden(N_("An office head manages the clerks of their own office; ask an administrator."))


@dataclass(frozen=True)
class NewStaff:
    username: str
    display_name: str
    role: Role
    password: str
    email: str | None = None


def read_staff_email(form: Mapping[str, str]) -> str | None:
    """A staff member's e-mail (the Section 10 morning reminder goes to heads); empty: none."""
    return _email(form, "email")


def _email(form: Mapping[str, str], name: str) -> str | None:
    try:
        email = parse_email(_text(form, name))
    except InvalidField:
        raise InvalidField(name, N_("This e-mail address is not valid.")) from None
    if email is not None and len(email) > 254:
        raise InvalidField(name, N_("This e-mail address is not valid."))
    return email


def read_password(form: Mapping[str, str], username: str = "") -> str:
    """A new password, as the policy wants it (``staff_access.check_new_password``)."""
    return staff_access.check_new_password(form.get("password", ""), username=username)


def read_new_staff(form: Mapping[str, str]) -> NewStaff:
    username = _text(form, "username")
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        raise InvalidField("username", N_("A username is 1–64 characters with no spaces."))
    display_name = _text(form, "display_name")[:100] or username
    role = _text(form, "role")
    if role not in {r.value for r in Role}:
        raise InvalidField("role", N_("Role must be one of: clerk, head, admin."))
    return NewStaff(username, display_name, Role(role), read_password(form, username), read_staff_email(form))


def read_kiosk_name(form: Mapping[str, str]) -> str:
    name = _text(form, "name")
    if not name or len(name) > KIOSK_NAME_MAX:
        raise InvalidField(
            "name", N_("Give the kiosk a name of at most %(max)s characters, e.g. Front door."), max=KIOSK_NAME_MAX
        )
    return name


# --- complaints: topics, service levels, the daily summary ------------------------------


@dataclass(frozen=True)
class TopicFields:
    name_th: str
    name_en: str
    active: bool
    #: Read only by the head, admins and the person responsible (issue 19: personal safety).
    confidential: bool = False


def read_topic(form: Mapping[str, str]) -> TopicFields:
    """A topic's names (Thai, English), whether the complaint form offers it, and whether its
    complaints are confidential."""
    return TopicFields(
        _name(form, "name_th"), _name(form, "name_en"), _checked(form, "active"), _checked(form, "confidential")
    )


def read_new_topic(form: Mapping[str, str]) -> tuple[str, TopicFields]:
    code = _text(form, "code")
    if len(code) > TOPIC_CODE_MAX or not _TOPIC_CODE.fullmatch(code):
        raise InvalidField(
            "code",
            N_("A topic code is 1–%(max)s lowercase letters, digits, hyphens or underscores, e.g. parking."),
            max=TOPIC_CODE_MAX,
        )
    return code, TopicFields(_name(form, "name_th"), _name(form, "name_en"), True, _checked(form, "confidential"))


def refuse_no_active_topic(active_after: int) -> None:
    """The complaint form needs at least one topic."""
    if active_after < 1:
        raise InvalidField("active", N_("Keep at least one topic offered: the complaint form needs one."))


def read_complaint_sla(form: Mapping[str, str]) -> SlaDays:
    """Working days to finish a complaint per priority: 1–60 each, urgent ≤ high ≤ normal."""
    message = N_("A service level is %(low)s–%(high)s working days.")
    urgent = _whole(form, "sla_urgent_days", COMPLAINT_SLA_DAYS, message)
    high = _whole(form, "sla_high_days", COMPLAINT_SLA_DAYS, message)
    normal = _whole(form, "sla_normal_days", COMPLAINT_SLA_DAYS, message)
    if urgent > high:
        raise InvalidField(
            "sla_urgent_days",
            N_("An urgent complaint cannot have longer (%(days)s days) than a high one."),
            days=urgent,
        )
    if high > normal:
        raise InvalidField(
            "sla_high_days", N_("A high-priority complaint cannot have longer (%(days)s days) than a normal one."),
            days=high,
        )  # fmt: skip
    return SlaDays(urgent, high, normal)


def read_summary_email(form: Mapping[str, str]) -> str | None:
    """Where the daily summary of overdue complaints goes (empty: no summary)."""
    return _email(form, "summary_email")
