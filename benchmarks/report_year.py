"""How long a one-year report of a busy office takes, on SQLite and on PostgreSQL.

For each engine: a database built by the migrations, one office with a year of history
(300 tickets a day on each open day, their calls, starts and finishes, about one visit in
five answering the survey) and a second office with a month, so the queries must pick one
office's rows. Then the office's report over the year (every section: tickets, waits and
their percentiles, service times, satisfaction, no-shows, capacity, arrivals per hour,
follow-ups) is computed several times; the median and the worst are printed, with the JSON,
CSV and Excel renderings. Target: < 1 s on SQLite.

    .venv/bin/python benchmarks/report_year.py [--per-day 300] [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.factories import bangkok, make_office  # noqa: E402
from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres  # noqa: E402

RUNS = 5
LAST_DAY = date(2026, 10, 31)


def run_engine(name: str, url: str, per_day: int) -> dict:
    from flask_migrate import upgrade

    from app import create_app
    from app.domain.roles import Role, StaffMember
    from app.extensions import db
    from app.services import history, reports
    from app.web.report_export import report_csv, report_xlsx

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        busy, other = make_office(code="busy"), make_office(code="quiet")
        db.session.commit()
        first = LAST_DAY - timedelta(days=364)
        days = [first + timedelta(days=n) for n in range(365)]
        started = time.perf_counter()
        tickets = history.add_history(busy.code, days, per_day=per_day)
        history.add_history(other.code, days[-30:], per_day=per_day)
        seeded = time.perf_counter() - started
        db.session.remove()

        head = StaffMember(1, "head", "Head", Role.ADMIN, None)
        now = bangkok(2026, 11, 2)
        timings, report = [], None
        for _ in range(RUNS):
            db.session.remove()
            started = time.perf_counter()
            report = reports.office_report("busy", first.isoformat(), LAST_DAY.isoformat(), head, now=now)
            timings.append(time.perf_counter() - started)
        with app.test_request_context("/"):
            started = time.perf_counter()
            report_csv(report)
            report_xlsx(report, "th")
            exports = time.perf_counter() - started
        started = time.perf_counter()
        reports.follow_up_list("busy", first.isoformat(), LAST_DAY.isoformat(), head, now=now)
        follow_ups = time.perf_counter() - started
    return {
        "engine": name,
        "tickets": tickets,
        "seed_s": seeded,
        "median_s": statistics.median(timings),
        "worst_s": max(timings),
        "exports_s": exports,
        "follow_ups_s": follow_ups,
        "wait": report.sections["wait_minutes"],
        "satisfied": report.sections["satisfaction"]["satisfied_pct"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    results = []
    for engine in args.engines.split(","):
        if engine == "sqlite":
            results.append(run_engine("sqlite", f"sqlite:///{tempfile.mkdtemp()}/bench.db", args.per_day))
        else:
            with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as pg:
                results.append(run_engine("postgresql", pg.create_database("khiw_bench"), args.per_day))
    print(f"one-year report of one office, {args.per_day} tickets a day ({RUNS} runs each)")
    for r in results:
        print(
            f"{r['engine']:>10}: {r['tickets']} tickets (seeded in {r['seed_s']:.0f} s); report median "
            f"{r['median_s'] * 1000:.0f} ms, worst {r['worst_s'] * 1000:.0f} ms; CSV + Excel "
            f"{r['exports_s'] * 1000:.0f} ms; follow-up list {r['follow_ups_s'] * 1000:.0f} ms; "
            f"wait {r['wait']}, satisfied {r['satisfied']} %"
        )
    target = next((r for r in results if r["engine"] == "sqlite"), None)
    if target:
        print("target < 1 s on SQLite:", "met" if target["worst_s"] < 1 else "NOT met")


if __name__ == "__main__":
    main()
