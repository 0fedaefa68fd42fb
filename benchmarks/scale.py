"""How far one PostgreSQL carries: latency against the number of offices and the history kept,
and booking throughput with one and two app servers (docs/performance.md, docs/scaling.md).

Production settings (benchmarks/production.py: durability on, rate limits on in their default
store, one address per citizen). For each number of offices (default 1, 100, 1000) a fresh
database gets that many offices (open every day 08:00–20:00) and then two histories in turn:

- "1 day":  yesterday's finished visits, PER_DAY per office;
- "1 year": a busy office's year (365 days × BUSY_PER_DAY) plus 30 days × PER_DAY for every
  office (the issue's "1 year × 1 busy office + 30 days × 1,000 offices").

At each point one gunicorn server (gthread, 2 workers × 8 threads) answers SEQUENTIAL booking
requests (one client, so the figure is latency, not queueing) spread over the offices for
tomorrow, then reads of those bookings (GET /bookings/{token}); median and p95 are printed,
and each is compared with the smallest point (target: flat within ±20 %).

Last, at the largest point, aggregate booking throughput across every office with wrk
(32 connections) against one app server, then against two (16 connections each, run at the
same time), each RUNS times, medians reported.

    .venv/bin/python benchmarks/scale.py                      # 1, 100, 1000 offices (~10 min here)
    .venv/bin/python benchmarks/scale.py --offices 1,100 --requests 100 --runs 1
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.calendar import BANGKOK  # noqa: E402
from benchmarks.production import PRODUCTION_SETTINGS, SETTINGS_LINE, client_headers, production_env  # noqa: E402
from benchmarks.request_path import BOOK_LUA, ensure_wrk, gunicorn, run_wrk  # noqa: E402
from tests.factories import make_office, valid_national_id  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

PER_DAY = 20  # finished visits a day at an ordinary office in the history
BUSY_PER_DAY = 300  # at the busy office
SLOTS = [f"{h:02d}:{m:02d}" for h in range(8, 20) for m in (0, 30)]


def create_offices(url: str, count: int) -> list[str]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    hours = {day: [(clock_time(8, 0), clock_time(20, 0))] for day in range(1, 8)}
    codes = [f"o{n:04d}" for n in range(count)]
    with app.app_context():
        upgrade()
        for code in codes:
            make_office(code=code, hours=hours, capacity={"walk_in": 100, "web": 100_000, "mobile": 100},
                        web_slot_capacity=100_000, horizon_days=60)  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return codes


HISTORY_SQL = """
INSERT INTO bookings (token, office_id, service_id, channel, day, seq, number, slot_start, slot_end,
                      status, created_at, updated_at, done_at)
SELECT md5(o.id || ':' || d.day || ':' || n || ':' || random()) || md5(random()::text),
       o.id, s.id, 'web', d.day, n, 'W' || lpad(n::text, 3, '0'), time '09:00', time '09:30',
       'done', d.day + time '09:00', d.day + time '09:30', d.day + time '09:40'
FROM offices o JOIN services s ON s.office_id = o.id,
     generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day') AS d(day),
     generate_series(1, :per_day) AS n
WHERE o.code = ANY(:codes)
"""


def add_history(url: str, codes: list[str], first, last, per_day: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            done = connection.execute(text(HISTORY_SQL), {"first": first, "last": last, "per_day": per_day,
                                                          "codes": codes})  # fmt: skip
            rows = done.rowcount
        # Measure the steady state, not the aftermath of a bulk load: vacuumed, analysed, and
        # the dirty pages written out (a checkpoint would otherwise run during the measurement).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE bookings"))
            connection.execute(text("CHECKPOINT"))
        return rows
    finally:
        engine.dispose()


def latency(base: str, codes: list[str], day: str, requests_n: int, serial: int) -> dict:
    """Sequential bookings over the offices, then reads of them: medians and p95 in ms."""
    book_ms, read_ms, tokens = [], [], []
    warm_up = 10  # the first requests of a fresh server (office rules, connections) are not counted
    with requests.Session() as session:
        for n in range(-warm_up, requests_n):
            body = {"office": codes[n % len(codes)], "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                    "national_id": valid_national_id(serial + n), "date": day,
                    "slot": SLOTS[n % len(SLOTS)]}  # fmt: skip
            began = time.perf_counter()
            answer = session.post(f"{base}/api/v1/bookings", json=body, headers=client_headers(serial + n),
                                  timeout=60)  # fmt: skip
            if answer.status_code != 201:
                raise RuntimeError(f"booking answered {answer.status_code}: {answer.text[:200]}")
            if n >= 0:
                book_ms.append((time.perf_counter() - began) * 1000)
                tokens.append(answer.json()["token"])
        for n, token in enumerate(tokens):
            began = time.perf_counter()
            answer = session.get(f"{base}/api/v1/bookings/{token}", headers=client_headers(serial + n), timeout=60)
            read_ms.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"read answered {answer.status_code}")

    def q(values, p):
        return statistics.quantiles(values, n=100)[p - 1]

    return {"book_p50": statistics.median(book_ms), "book_p95": q(book_ms, 95),
            "read_p50": statistics.median(read_ms), "read_p95": q(read_ms, 95)}  # fmt: skip


def throughput(url: str, codes: list[str], day: str, servers: int, seconds: int) -> float:
    """Bookings per second across every office, with ``servers`` app servers at once."""
    env = production_env(url)
    offices = ",".join(codes[: min(len(codes), 400)])
    slots = ",".join(SLOTS)
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(gunicorn("app:create_app()", env, "/healthz"))[0] for _ in range(servers)]
        for base in bases:  # every worker loads the offices' rules (1,000 offices: seconds) first
            deadline = time.monotonic() + 90
            while run_wrk(f"{base}/api/v1/offices", 2).p99_ms > 1000 and time.monotonic() < deadline:
                pass
        serial = str(uuid.uuid4().int % 900_000_000)
        with ThreadPoolExecutor(max_workers=servers) as pool:
            results = list(pool.map(
                lambda b: run_wrk(f"{b[1]}/api/v1/bookings", seconds, BOOK_LUA, (offices, day, slots,
                                  str(int(serial) + b[0] * 10_000_000)), connections=32 // servers),
                enumerate(bases),
            ))  # fmt: skip
    return sum(r.statuses.get("201", 0) for r in results) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", default="1,100,1000")
    parser.add_argument("--requests", type=int, default=150, help="sequential bookings (and reads) per point")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per number of app servers")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of wrk per throughput run")
    parser.add_argument("--throughput-only", action="store_true", help="skip the latency points")
    args = parser.parse_args()
    sizes = [int(x) for x in args.offices.split(",")]
    ensure_wrk()
    today = datetime.now(BANGKOK).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    rows = []
    serial = 4_000_000_000
    with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as pg, tempfile.TemporaryDirectory():
        if args.throughput_only:
            url = pg.create_database("scale_throughput")
            codes = create_offices(url, sizes[-1])
        for size in [] if args.throughput_only else sizes:
            url = pg.create_database(f"scale_{size}")
            began = time.monotonic()
            codes = create_offices(url, size)
            made = time.monotonic() - began
            yesterday = today - timedelta(days=1)
            history = add_history(url, codes, yesterday, yesterday, PER_DAY)
            print(f"{size} offices (made in {made:.0f} s), 1 day: {history:,} past visits", flush=True)
            with gunicorn("app:create_app()", production_env(url), "/healthz") as (base, _):
                rows.append((size, "1 day", history, latency(base, codes, tomorrow, args.requests, serial)))
            serial += 100_000
            year = add_history(url, codes[:1], today - timedelta(days=365), today - timedelta(days=31), BUSY_PER_DAY)
            month = add_history(url, codes, today - timedelta(days=30), today - timedelta(days=2), PER_DAY)
            history += year + month
            print(f"{size} offices, 1 year: {history:,} past visits", flush=True)
            with gunicorn("app:create_app()", production_env(url), "/healthz") as (base, _):
                rows.append((size, "1 year", history, latency(base, codes, tomorrow, args.requests, serial)))
            serial += 100_000
        throughputs = {1: [], 2: []}
        for _ in range(args.runs):
            for servers in (1, 2):
                throughputs[servers].append(throughput(url, codes, tomorrow, servers, args.seconds))
                print(f"throughput, {servers} app server(s): {throughputs[servers][-1]:.0f} bookings/s", flush=True)

    print()
    print(SETTINGS_LINE)
    print(f"{'offices':>8} {'history':>8} {'past visits':>12} | {'book p50':>9} {'p95':>7} {'vs first':>8} | "
          f"{'read p50':>9} {'p95':>7} {'vs first':>8}")  # fmt: skip
    for size, label, history, f in rows:
        base_row = rows[0][3]
        book_change = f["book_p50"] / base_row["book_p50"] - 1
        read_change = f["read_p50"] / base_row["read_p50"] - 1
        print(f"{size:>8} {label:>8} {history:>12,} | {f['book_p50']:7.1f}ms {f['book_p95']:5.1f}ms "
              f"{book_change:+7.0%} | {f['read_p50']:7.1f}ms {f['read_p95']:5.1f}ms {read_change:+7.0%}")  # fmt: skip
    for servers, values in throughputs.items():
        print(
            f"booking throughput across {min(len(codes), 400)} offices, {servers} app server(s): "
            f"median {statistics.median(values):.0f}/s (runs: {', '.join(f'{v:.0f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
