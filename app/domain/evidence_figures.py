"""The satisfaction and complaint figures seed 004 and GECC ask an office to show, from plain
counts the services aggregate in SQL:

- satisfaction **per item**: the share of the item's answers that are very satisfied,
  satisfied and dissatisfied (they add up to 100 % but for rounding);
- satisfaction **per customer group** (age band, occupation, education, the visit's channel),
  **per counter** and **per clerk**: the same shares over every answer of the group's responses;
- **this period against the same period a year earlier**;
- complaints **per topic**, the **share resolved** (GECC 8.3: at least 80 %) beside the share
  resolved within the service level, and the **median days to resolve**.

A share is of answers (one response rates several items), one decimal; None when there were none.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from .report_figures import share_pct
from .survey import RATINGS

#: GECC 8.3: an office should resolve at least this share of the complaints it receives.
RESOLVED_TARGET_PCT = 80.0

#: Customer groups of seed 004, in the order the report shows them (``channel``: of the visit).
CUSTOMER_GROUPS = ("age_band", "occupation", "education", "channel")
#: A respondent who did not say (the details are optional).
NOT_GIVEN = "not_given"


def rating_shares(counts: Mapping[str, int]) -> dict:
    """``{"answers", "very_satisfied_pct", "satisfied_pct", "dissatisfied_pct", "satisfaction_pct"}``
    from answers counted per rating; ``satisfaction_pct`` is very satisfied + satisfied."""
    answers = sum(counts.get(r, 0) for r in RATINGS)
    liked = counts.get("very_satisfied", 0) + counts.get("satisfied", 0)
    return {
        "answers": answers,
        "very_satisfied_pct": share_pct(counts.get("very_satisfied", 0), answers),
        "satisfied_pct": share_pct(counts.get("satisfied", 0), answers),
        "dissatisfied_pct": share_pct(counts.get("dissatisfied", 0), answers),
        "satisfaction_pct": share_pct(liked, answers),
    }


def _tally(rows: Iterable[tuple[object, str, int]]) -> dict[object, dict[str, int]]:
    counts: dict[object, dict[str, int]] = {}
    for key, rating, n in rows:
        into = counts.setdefault(key, {})
        into[rating] = into.get(rating, 0) + int(n)
    return counts


def per_item(rows: Iterable[tuple[str, str, int]], order: Mapping[str, int]) -> list[dict]:
    """One line per item answered, ``{"item", **rating_shares}``, in the forms' order, from
    (item id, rating, count) rows."""
    counts = _tally(rows)
    ordered = sorted(counts, key=lambda q: (order.get(q, len(order)), q))
    return [{"item": q, **rating_shares(counts[q])} for q in ordered]


def per_value(
    rows: Iterable[tuple[object, str, int]],
    responses: Iterable[tuple[object, int]],
    order: Sequence[object] = (),
) -> list[dict]:
    """One line per value of a grouping (an age band, a counter, a clerk …), ``{"key",
    "responses", **rating_shares}``, from (value, rating, count) and (value, responses) rows;
    values in ``order`` first in that order, then the rest, then "not given" (None) last."""
    counts = _tally((NOT_GIVEN if k is None else k, r, n) for k, r, n in rows)
    people: dict[object, int] = {}
    for key, n in responses:
        key = NOT_GIVEN if key is None else key
        people[key] = people.get(key, 0) + int(n)
    keys = [k for k in order if k in people or k in counts]
    keys += sorted((k for k in {*people, *counts} if k not in keys and k != NOT_GIVEN), key=str)
    if NOT_GIVEN in people or NOT_GIVEN in counts:
        keys.append(NOT_GIVEN)
    return [{"key": k, "responses": people.get(k, 0), **rating_shares(counts.get(k, {}))} for k in keys]


def year_earlier(first: date, last: date) -> tuple[date, date]:
    """The same days a year before (29 February becomes the 28th)."""

    def back(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return back(first), back(last)


def change_points(now: float | None, before: float | None) -> float | None:
    """The change of a share in percentage points (None when either is missing)."""
    return None if now is None or before is None else round(now - before, 1)


def complaint_period(complaints: Iterable[tuple[datetime, datetime | None, datetime]]) -> dict:
    """From (received_at, resolved_at or None, due_at) of the complaints received in a period:
    ``{"received", "resolved", "resolved_pct", "resolved_within_sla_pct", "median_days_to_resolve"}``.

    ``resolved_pct`` is of the complaints received (GECC 8.3's indicator);
    ``resolved_within_sla_pct`` of those resolved, the share resolved by their due time."""
    received, days, on_time = 0, [], 0
    for received_at, resolved_at, due in complaints:
        received += 1
        if resolved_at is None:
            continue
        days.append((resolved_at - received_at).total_seconds() / 86400)
        on_time += resolved_at <= due
    return {
        "received": received,
        "resolved": len(days),
        "resolved_pct": share_pct(len(days), received),
        "resolved_within_sla_pct": share_pct(on_time, len(days)),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
    }


def per_topic(rows: Iterable[tuple[str, bool]], order: Sequence[str]) -> list[dict]:
    """``[{"topic", "received", "resolved", "resolved_pct"}]`` from (topic code, resolved) per
    complaint, topics in ``order`` (the office's), then any other."""
    counts: dict[str, list[int]] = {}
    for topic, resolved in rows:
        into = counts.setdefault(topic, [0, 0])
        into[0] += 1
        into[1] += bool(resolved)
    keys = [t for t in order if t in counts] + sorted(t for t in counts if t not in order)
    return [
        {"topic": t, "received": n, "resolved": done, "resolved_pct": share_pct(done, n)}
        for t in keys
        for n, done in [counts[t]]
    ]
