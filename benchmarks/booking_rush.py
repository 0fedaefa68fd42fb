"""The 08:00 rush: many citizens booking the same day's web places at once.

Serves Khiw with gunicorn (gthread, as in production) on SQLite and on a throwaway
PostgreSQL, on production settings (benchmarks/production.py: durability on, rate limits on
in their default store, one X-Forwarded-For address per citizen), fires bookings from
concurrent clients over loopback, and prints throughput
and latency. It also checks what must hold under load: exactly `capacity` bookings
succeed, the rest get 409 capacity_full, and the numbers are W001…Wn without gaps.

    .venv/bin/python benchmarks/booking_rush.py [--requests 600] [--clients 32] [--capacity 400]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.calendar import BANGKOK  # noqa: E402
from benchmarks.production import client_headers, production_env  # noqa: E402
from tests.factories import make_office, valid_national_id  # noqa: E402
from tests.support.http import ServerNotReady, wait_until_serving  # noqa: E402
from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, capacity: int) -> str:
    """Migrate and add one office open every day 08:00–20:00 with `capacity` web places."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        hours = {day: [(clock_time(8, 0), clock_time(20, 0))] for day in range(1, 8)}
        office = make_office(
            code="rush",
            hours=hours,
            capacity={"walk_in": 10, "web": capacity, "mobile": 10},
            web_slot_capacity=capacity,
        )
        code = office.code
        db.engine.dispose()
    return code


def serve(url: str, port: int) -> subprocess.Popen:
    env = production_env(url)
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
         "--workers", "2", "--threads", "8", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/api/v1/offices", within=120, process=process)
    except ServerNotReady as exc:
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError(f"gunicorn did not start: {exc}") from exc
    return process


def rush(base: str, code: str, total: int, clients: int) -> tuple[list[float], list[requests.Response], float]:
    day = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()
    local = threading.local()

    def book(i: int):
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        body = {"office": code, "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                "national_id": valid_national_id(i), "date": day, "slot": "09:00"}  # fmt: skip
        started = time.perf_counter()
        response = session.post(f"{base}/api/v1/bookings", json=body, headers=client_headers(i), timeout=60)
        return time.perf_counter() - started, response

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(book, range(total)))
    return [r[0] for r in results], [r[1] for r in results], time.perf_counter() - began


def run(engine: str, url: str, args) -> None:
    code = prepare(url, args.capacity)
    port = free_port()
    server = serve(url, port)
    try:
        latencies, responses, elapsed = rush(f"http://127.0.0.1:{port}", code, args.requests, args.clients)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    created = [r.json()["number"] for r in responses if r.status_code == 201]
    full = sum(r.status_code == 409 and r.json()["error"]["code"] == "capacity_full" for r in responses)
    other = len(responses) - len(created) - full
    numbers = sorted(int(n[1:]) for n in created)
    ok = len(created) == min(args.capacity, args.requests) and numbers == list(range(1, len(created) + 1))
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{engine:10} {args.requests} bookings, {args.clients} clients: {args.requests / elapsed:7.1f} req/s  "
        f"p50 {q[49] * 1000:6.1f} ms  p95 {q[94] * 1000:6.1f} ms  max {max(latencies) * 1000:6.1f} ms  "
        f"| booked {len(created)}/{args.capacity}, capacity_full {full}, other {other}, "
        f"numbers gap-free: {'yes' if ok else 'NO'}"
    )
    if not ok or other:
        raise SystemExit(f"{engine}: the capacity guarantee failed under load")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ.setdefault("ID_HMAC_KEY", "benchmark-hmac-key-0123456789")
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/rush.db", args)
    with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as pg:
        run("postgresql", pg.create_database("rush"), args)


if __name__ == "__main__":
    main()
