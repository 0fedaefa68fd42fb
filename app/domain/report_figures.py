"""The report's figures from plain numbers: means, percentiles, rates, satisfaction.

The services aggregate in SQL and fetch only what cannot be summed there (the wait and
service durations of the range, for the percentiles); everything here is plain arithmetic
on those values, defined once so the JSON, CSV, Excel and the pages agree. The exact
definitions are in docs/reports.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .errors import N_, InvalidField
from .survey import GROUPS, satisfaction

#: GECC: an office's citizen satisfaction should be above this share of answers.
SATISFACTION_TARGET_PCT = 80.0

#: The longest range one report covers (a year, leap years included).
MAX_REPORT_DAYS = 366
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: The days a person may type on a report or audit page: Khiw keeps nothing older, and a
#: year like 0001 or 9999 only overflows the clock (a 500 before, issue 21).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def check_typed_day(day: date, field: str) -> date:
    """``day`` if it lies between EARLIEST_DAY and LATEST_DAY, else InvalidField naming ``field``."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        message = {
            "from": N_("The start date must be from %(first)s to %(last)s."),
            "to": N_("The end date must be from %(first)s to %(last)s."),
        }.get(field, N_("Choose a date from %(first)s to %(last)s."))
        raise InvalidField(
            field,
            message,
            first=EARLIEST_DAY.isoformat(),
            last=LATEST_DAY.isoformat(),
        )
    return day


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """The ``pct`` percentile by linear interpolation between the closest ranks (the method of
    PostgreSQL's ``percentile_cont``, Excel's ``PERCENTILE.INC`` and Python's
    ``statistics.quantiles(method="inclusive")``); None for no values."""
    n = len(sorted_values)
    if n == 0:
        return None
    position = (n - 1) * pct / 100
    low = math.floor(position)
    high = min(low + 1, n - 1)
    fraction = position - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def duration_minutes(seconds: Iterable[float | None]) -> dict[str, float | None]:
    """``{"mean", "p50", "p90"}`` in minutes (one decimal) of the durations given in seconds;
    missing and negative durations (a clock put back) are left out; None when none remain."""
    values = sorted(s / 60 for s in seconds if s is not None and s >= 0)
    mean = sum(values) / len(values) if values else None
    return {
        "mean": _round(mean),
        "p50": _round(percentile(values, 50)),
        "p90": _round(percentile(values, 90)),
    }


def share_pct(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal; None when the whole is nothing."""
    return round(100 * part / whole, 1) if whole else None


def no_show_rate(no_show: int, served: int) -> float | None:
    """Missed visits among the visits that ended (served or missed), in per cent; cancelled
    bookings and tickets still open are not visits that ended."""
    return share_pct(no_show, no_show + served)


def ticket_counts(rows: Iterable[tuple[str, str, int]], channels: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{channel: {"issued", "served", "no_show", "cancelled"}}`` from (channel, status, count)
    rows. Issued counts every ticket and booking given a number (a booking only held for a
    code, status ``held``, has none yet)."""
    counts = {c: {"issued": 0, "served": 0, "no_show": 0, "cancelled": 0} for c in channels}
    for channel, status, n in rows:
        if channel not in counts or status == "held":
            continue
        figures = counts[channel]
        figures["issued"] += n
        if status == "done":
            figures["served"] += n
        elif status in ("no_show", "cancelled"):
            figures[status] += n
    return counts


def capacity_use(rows: Iterable[tuple[str, int, int]], channels: Sequence[str]) -> dict[str, dict]:
    """``{channel: {"capacity", "used", "used_pct"}}`` from (channel, places offered, places
    taken) rows summed over the range's days."""
    use = {c: {"capacity": 0, "used": 0, "used_pct": None} for c in channels}
    for channel, capacity, used in rows:
        if channel in use:
            use[channel]["capacity"] += int(capacity or 0)
            use[channel]["used"] += int(used or 0)
    for figures in use.values():
        figures["used_pct"] = share_pct(figures["used"], figures["capacity"])
    return use


def arrivals_by_hour(rows: Iterable[tuple[int, int]]) -> dict[str, int]:
    """``{"08": n, …}``: arrivals per hour of the day (local time), every hour from the first
    to the last that had one, so a chart has no gaps."""
    counts: dict[int, int] = {}
    for hour, n in rows:
        if hour is not None:
            counts[int(hour)] = counts.get(int(hour), 0) + int(n)
    if not counts:
        return {}
    return {f"{h:02d}": counts.get(h, 0) for h in range(min(counts), max(counts) + 1)}


def satisfaction_figures(responses: int, ratings: Iterable[tuple[str, str, int]]) -> dict:
    """The contract's ``satisfaction`` object, with the GECC target and whether it is met:
    satisfied = "very satisfied" + "satisfied" answers, of all answers (overall and per group)."""
    figures = satisfaction(responses, ratings)
    met = None if figures.satisfied_pct is None else figures.satisfied_pct >= SATISFACTION_TARGET_PCT
    return {
        "responses": figures.responses,
        "satisfied_pct": figures.satisfied_pct,
        "groups": {g: figures.groups[g] for g in GROUPS},
        "target_pct": SATISFACTION_TARGET_PCT,
        "meets_target": met,
    }


@dataclass(frozen=True)
class ReportRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def read_report_range(raw_from: object, raw_to: object, *, today: date) -> ReportRange:
    """The report's days from the ``from``/``to`` query values (``YYYY-MM-DD``, both included).
    Missing ``from`` is the first of ``to``'s month, missing ``to`` is today; ``to`` before
    ``from`` or a range over a year is refused naming the field."""

    def parse(raw: object, field: str) -> date | None:
        if raw in (None, ""):
            return None
        try:
            if not isinstance(raw, str) or not _ISO_DAY.fullmatch(raw):
                raise ValueError
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidField(field, N_("Give the date as YYYY-MM-DD, e.g. 2026-11-30.")) from None
        return check_typed_day(day, field)

    typed_first = parse(raw_from, "from")
    last = parse(raw_to, "to") or today
    first = typed_first or last.replace(day=1)
    if last < first:
        raise InvalidField("to", N_("The end date is before the start date."))
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        limit = N_("A report covers at most %(days)s days; choose a shorter range.")
        raise InvalidField("to", limit, days=MAX_REPORT_DAYS)
    return ReportRange(first, last)


def flatten(figures: Mapping, prefix: str = "") -> list[tuple[str, object]]:
    """A section's nested figures as (dotted name, value) pairs, in order: what the CSV and
    Excel exports write, and what they read back to."""
    pairs: list[tuple[str, object]] = []
    for key, value in figures.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(flatten(value, name))
        else:
            pairs.append((name, value))
    return pairs


#: Each section's title, as the page and the Excel workbook show it (translated there).
#: Sections added later (issue 13) find their titles here too.
SECTION_TITLES = {
    "tickets": N_("Tickets per channel"),
    "wait_minutes": N_("Waiting time (minutes)"),
    "service_minutes": N_("Service time (minutes)"),
    "satisfaction": N_("Citizen satisfaction"),
    "no_show": N_("No-shows"),
    "capacity": N_("Capacity use"),
    "arrivals_by_hour": N_("Arrivals per hour of the day"),
    "follow_ups": N_("Survey follow-ups"),
    "complaints": N_("Complaints"),
    "requests": N_("Requests (Section 10)"),
    "messages": N_("Messages to citizens per channel"),
}

#: How a figure's name reads (the last parts of its dotted name; channels and survey groups
#: are named by CHANNEL_LABELS and GROUP_LABELS).
FIGURE_LABELS = {
    "issued": N_("issued"),
    "served": N_("served"),
    "no_show": N_("missed"),
    "cancelled": N_("cancelled"),
    "mean": N_("mean"),
    "p50": N_("median"),
    "p90": N_("90th percentile"),
    "responses": N_("responses"),
    "satisfied_pct": N_("satisfied %"),
    "groups": N_("by group"),
    "target_pct": N_("target %"),
    "meets_target": N_("target met"),
    "rate_pct": N_("no-show rate %"),
    "channels": N_("by channel"),
    "capacity": N_("places offered"),
    "used": N_("places taken"),
    "used_pct": N_("use %"),
    "to_follow_up": N_("to follow up"),
    "followed_up": N_("followed up"),
    "received": N_("received"),
    "resolved": N_("resolved"),
    "resolved_within_sla_pct": N_("resolved in time %"),
    "registered": N_("registered"),
    "completed": N_("completed"),
    "overdue": N_("overdue"),
    "notices_sent": N_("delay notices sent"),
    # Issue 19 (complaints by channel, the handling question; Section 10 overdue now).
    "by_channel": N_("by channel"),
    "phone": N_("telephone"),
    "letter": N_("letter"),
    "hotline_1111": N_("1111 hotline"),
    "survey": N_("satisfaction survey"),
    "handling_answers": N_("answers on the handling"),
    "handling_satisfied_pct": N_("satisfied with the handling %"),
    "sms": N_("SMS"),
    "email": N_("e-mail"),
    "line": N_("LINE"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "delivered_pct": N_("delivered %"),
    "median_hours_to_resolve": N_("median hours to resolve"),
    "completed_on_time_pct": N_("completed on time %"),
}
