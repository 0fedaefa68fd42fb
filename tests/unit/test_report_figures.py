"""The report's arithmetic: percentiles, means, shares, no-show rate, satisfaction, ranges."""

from __future__ import annotations

import statistics
from datetime import date

import pytest

from app.domain.errors import InvalidField
from app.domain.report_figures import (
    arrivals_by_hour,
    capacity_use,
    duration_minutes,
    flatten,
    no_show_rate,
    percentile,
    read_report_range,
    satisfaction_figures,
    ticket_counts,
)


@pytest.mark.parametrize("values", [[5.0], [1.0, 2.0], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], list(range(100))])
def test_percentiles_interpolate_between_ranks_like_statistics_inclusive(values):
    ordered = sorted(values)
    deciles = statistics.quantiles(ordered, n=10, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 9

    assert percentile(ordered, 90) == pytest.approx(deciles[8])
    assert percentile(ordered, 50) == pytest.approx(statistics.median(ordered))


def test_durations_in_minutes_leave_out_missing_and_negative_ones():
    figures = duration_minutes([60, 120, None, -30, 600])

    assert figures == {"mean": round(13 / 3, 1), "p50": 2.0, "p90": round(2 + 0.8 * 8, 1)}
    assert duration_minutes([]) == {"mean": None, "p50": None, "p90": None}


def test_tickets_count_issued_served_missed_and_cancelled_per_channel():
    rows = [("walk_in", "done", 8), ("walk_in", "no_show", 2), ("web", "cancelled", 3), ("web", "held", 5),
            ("web", "booked", 1)]  # fmt: skip

    counts = ticket_counts(rows, ("walk_in", "web", "mobile"))

    assert counts["walk_in"] == {"issued": 10, "served": 8, "no_show": 2, "cancelled": 0}
    assert counts["web"] == {"issued": 4, "served": 0, "no_show": 0, "cancelled": 3}
    assert counts["mobile"]["issued"] == 0


def test_the_no_show_rate_is_missed_among_visits_that_ended():
    assert no_show_rate(1, 3) == 25.0
    assert no_show_rate(0, 0) is None


def test_capacity_use_sums_days_and_gives_a_share():
    use = capacity_use([("web", 40, 30), ("web", 40, 10), ("walk_in", 0, 0)], ("walk_in", "web"))

    assert use == {"walk_in": {"capacity": 0, "used": 0, "used_pct": None}, "web": {"capacity": 80, "used": 40,
                   "used_pct": 50.0}}  # fmt: skip


def test_arrivals_fill_the_hours_between_the_first_and_the_last():
    assert arrivals_by_hour([(8, 3), (11, 1), (9, 2)]) == {"08": 3, "09": 2, "10": 0, "11": 1}
    assert arrivals_by_hour([]) == {}


def test_satisfaction_counts_very_satisfied_and_satisfied_against_the_target():
    rows = [("staff", "very_satisfied", 5), ("staff", "satisfied", 3), ("process", "dissatisfied", 2)]

    figures = satisfaction_figures(4, rows)

    assert figures["satisfied_pct"] == 80.0 and figures["meets_target"] is True
    assert figures["groups"]["staff"] == 100.0 and figures["groups"]["process"] == 0.0
    assert figures["groups"]["facilities"] is None


def test_a_range_defaults_to_the_month_so_far_and_refuses_bad_dates_by_field():
    today = date(2026, 11, 23)

    assert read_report_range(None, None, today=today).first == date(2026, 11, 1)
    assert read_report_range("2026-01-01", "2026-12-31", today=today).days == 365
    for malformed in ("2026-02-30", "20261101xx", "2026-W01-1", "２０２６-11-01"):
        with pytest.raises(InvalidField) as bad:
            read_report_range(malformed, None, today=today)
        assert bad.value.field == "from"
    with pytest.raises(InvalidField) as backwards:
        read_report_range("2026-11-02", "2026-11-01", today=today)
    assert backwards.value.field == "to"
    with pytest.raises(InvalidField) as too_long:
        read_report_range("2025-01-01", "2026-11-01", today=today)
    assert too_long.value.field == "to"


def test_flatten_names_nested_figures_with_dots_in_order():
    assert flatten({"walk_in": {"issued": 1, "served": 0}, "rate": None}) == [
        ("walk_in.issued", 1), ("walk_in.served", 0), ("rate", None)]  # fmt: skip
