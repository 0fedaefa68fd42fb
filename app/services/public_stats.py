"""An office's public statistics (``/stats/<office>``, no login): what PMQA 3.4 asks an office
to publish and GECC's transparency expects — last month's and this year's visits per channel,
the median wait, the share satisfied against the 80 % target, complaints received and resolved.

Figures only, never a person: counts, a median and shares, from the report's own sections so
the public page and the head's report agree. Each period's figures are computed once and kept
in the process: last month does not change once it is over, and this year counts up to
yesterday, so its figures change once a day (the page's ``Cache-Control`` says the same).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.calendar import local_now
from app.domain.channels import Channel
from app.domain.office import OfficeRules
from app.domain.report_figures import SATISFACTION_TARGET_PCT

from .complaints import complaint_figures
from .office_rules import office_rules
from .reports import satisfaction_figures, ticket_figures, wait_figures

#: Offices × periods kept; an office has two periods a day, so this holds weeks of traffic.
CACHE_MAX = 2048


@dataclass(frozen=True)
class PeriodStats:
    first: date
    last: date
    visits: dict[str, int]  # served visits per channel
    visits_total: int
    median_wait_minutes: float | None
    satisfied_pct: float | None
    responses: int
    meets_target: bool | None
    complaints_received: int
    complaints_resolved: int


@dataclass(frozen=True)
class PublicStats:
    office: OfficeRules
    last_month: PeriodStats
    this_year: PeriodStats
    target_pct: float
    as_of: date  # the last day counted


_cache: dict[tuple[int, date, date], PeriodStats] = {}
_lock = threading.Lock()


def periods(today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """Last calendar month, and this year from 1 January to yesterday (on 1 January: last year)."""
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    yesterday = today - timedelta(days=1)
    return (last_month_end.replace(day=1), last_month_end), (yesterday.replace(month=1, day=1), yesterday)


def _period(office: OfficeRules, first: date, last: date) -> PeriodStats:
    key = (office.id, first, last)
    found = _cache.get(key)
    if found is not None:
        return found
    ids = [office.id]
    tickets = ticket_figures(ids, first, last)
    visits = {c.value: tickets[c.value]["served"] for c in Channel}
    liked = satisfaction_figures(ids, first, last)
    complaints = complaint_figures(ids, first, last)
    stats = PeriodStats(
        first, last, visits, sum(visits.values()), wait_figures(ids, first, last)["p50"], liked["satisfied_pct"],
        liked["responses"], liked["meets_target"], complaints["received"], complaints["resolved"],
    )  # fmt: skip
    with _lock:
        if len(_cache) >= CACHE_MAX:
            _cache.clear()
        _cache[key] = stats
    return stats


def public_stats(code: str, *, now: datetime) -> PublicStats:
    """An active office's public figures (NotFound for an unknown or closed-down office)."""
    office = office_rules(code)
    month, year = periods(local_now(now).date())
    return PublicStats(office, _period(office, *month), _period(office, *year), SATISFACTION_TARGET_PCT, year[1])


def forget() -> None:
    """Drop every kept figure (tests; a restart does the same)."""
    with _lock:
        _cache.clear()
