"""The request path against the framework ceiling, on SQLite and PostgreSQL, with wrk.

For each engine this serves, one after the other, a bare Flask view (benchmarks/ceiling.py)
and Khiw with the same gunicorn settings as production (gthread, 2 workers × 8 threads),
drives each path with wrk at 32 connections, and prints requests/s as a share of the
ceiling measured in the same run, with p50/p99 latency:

    framework ceiling            GET /  → {"ok": true}
    GET /api/v1/offices          3 offices
    GET /api/v1/offices/{code}/availability?date=<tomorrow>   one day, 14 windows
    GET /api/v1/bookings/{token}
    POST /api/v1/bookings        web, one day, 14 windows, room for all (the 08:00 rush)

After the rush it checks through the database that exactly the places answered 201 were
taken and that the numbers are 1…n without duplicates or gaps; then a short run against
an office with 300 web places checks that exactly 300 are booked and the rest get 409.
It also reports the peak resident memory (VmHWM) of the gunicorn workers after the rush.

    .venv/bin/python benchmarks/request_path.py                  # 10 s per path, both engines
    .venv/bin/python benchmarks/request_path.py --quick          # 3 s per path
    .venv/bin/python benchmarks/request_path.py --duration 5 --engines sqlite --json out.json

wrk is installed with apt-get when it is not on PATH (needs root). PostgreSQL is a
throwaway server of its own (tests/support/postgres.py). Only 127.0.0.1 is used; every
server is stopped at the end, also on errors. The exit status is 1 when a correctness
check fails (not when a performance target is missed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.calendar import BANGKOK  # noqa: E402
from tests.factories import make_office, valid_national_id  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402

HOST = "127.0.0.1"
CONNECTIONS = 32
WRK_THREADS = 2
# Exactly the flags Khiw runs with; the ceiling gets the same.
GUNICORN_FLAGS = ["--worker-class", "gthread", "--workers", "2", "--threads", "8", "--log-level", "warning"]
WARMUP_SECONDS = 1
READY_DEADLINE = 120  # seconds for gunicorn to answer its first request
BOOK_LUA = Path(__file__).with_name("book.lua")

# Open every day 08:00–15:00 in 30-minute windows: 14 windows.
OPENS, CLOSES = clock_time(8, 0), clock_time(15, 0)
SLOTS = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
ROOM_FOR_ALL = 1_000_000
LIMITED_CAPACITY = 300

TARGETS = {  # path key → (minimum share of the ceiling, p99 limit in ms), from the issue
    "offices": (0.50, 50),
    "availability": (0.50, 50),
    "booking": (0.50, 50),
    "rush": (0.20, 250),
}
WORKER_RSS_LIMIT_MB = 150


# --------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    responses: int
    non_2xx: int
    socket_errors: dict[str, int]
    statuses: dict[str, int] = field(default_factory=dict)  # from book.lua only
    sent: int = 0  # from book.lua only: requests written, answered or not


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed and only root can install it: apt-get install -y wrk")
    print("installing wrk with apt-get …", flush=True)
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, capture_output=True, timeout=600, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600, check=False)
        subprocess.run(install, env=env, capture_output=True, timeout=600, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get install wrk did not put wrk on PATH")
    return found


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    def grab(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            if default is not None:
                return default
            raise RuntimeError(f"cannot find {pattern!r} in wrk's output:\n{output}")
        return match.group(1)

    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    line = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if line:
        errors = dict(zip(errors, map(int, line.groups()), strict=True))
    statuses: dict[str, int] = {}
    sent = 0
    for thread in re.finditer(r"^khiw-thread \d+ (.*)$", output, re.MULTILINE):
        for key, count in re.findall(r"(\S+)=(\d+)", thread.group(1)):
            if key == "sent":
                sent += int(count)
            else:
                statuses[key] = statuses.get(key, 0) + int(count)
    return WrkResult(
        requests_per_s=float(grab(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(grab(r"^\s+50%\s+(\S+)")),
        p99_ms=_ms(grab(r"^\s+99%\s+(\S+)")),
        responses=int(grab(r"^\s+(\d+) requests in ")),
        non_2xx=int(grab(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=errors,
        statuses=statuses,
        sent=sent,
    )


def run_wrk(url: str, seconds: int, script: Path | None = None, script_args: tuple[str, ...] = ()) -> WrkResult:
    # --timeout 30s: wrk's default of 2 s would leave slow requests out of the latency
    # histogram (they count as "timeouts") and make p99 look better than it is.
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], ready_path: str):
    """Serve ``app_spec`` on a free loopback port; yield (base URL, master pid); always stop it."""
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"{HOST}:{port}", *GUNICORN_FLAGS, app_spec],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + READY_DEADLINE
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {app_spec} exited with status {process.returncode}")
            try:
                if requests.get(base + ready_path, timeout=(2, 30)).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app_spec} did not answer within {READY_DEADLINE} s")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def worker_peak_rss_mb(master_pid: int) -> float:
    """The largest VmHWM (peak resident set) among the gunicorn master's child processes."""
    peak_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        ppid = re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE)
        hwm = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if ppid and hwm and int(ppid.group(1)) == master_pid:
            peak_kb = max(peak_kb, int(hwm.group(1)))
    return peak_kb / 1024


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass
class Seeded:
    rush: str  # room for all: the rush and the availability read
    limited: str  # 300 web places: the capacity run
    lookup: str  # the booking read by token, and the POST warm-up
    day: str


def prepare(url: str) -> Seeded:
    """Migrate a fresh database and add three offices open every day 08:00–15:00 (14 windows)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    hours = {day: [(OPENS, CLOSES)] for day in range(1, 8)}
    with app.app_context():
        upgrade()
        for code, web in (("rush", ROOM_FOR_ALL), ("limited", LIMITED_CAPACITY), ("lookup", ROOM_FOR_ALL)):
            make_office(
                code=code,
                hours=hours,
                capacity={"walk_in": 100, "web": web, "mobile": 100},
                web_slot_minutes=30,
                web_slot_capacity=ROOM_FOR_ALL,
            )
        db.engine.dispose()
    tomorrow = datetime.now(BANGKOK).date() + timedelta(days=1)
    return Seeded(rush="rush", limited="limited", lookup="lookup", day=tomorrow.isoformat())


@dataclass
class Ledger:
    """What the database says about one office's web bookings for one day."""

    rows: int
    distinct_seq: int
    min_seq: int | None
    max_seq: int | None
    distinct_numbers: int
    quota_used: int | None
    quota_last_seq: int | None
    windows_used: int

    def gap_free(self) -> bool:
        n = self.rows
        if n == 0:
            return self.quota_used in (None, 0) and self.windows_used == 0
        return (
            self.distinct_seq == self.distinct_numbers == n
            and self.min_seq == 1
            and self.max_seq == n
            and self.quota_used == self.quota_last_seq == n
            and self.windows_used == n
        )


def ledger(url: str, office: str, day: str) -> Ledger:
    from sqlalchemy import Date, bindparam, create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    params = {"code": office, "day": datetime.fromisoformat(day).date()}

    def one(sql: str):
        return conn.execute(text(sql).bindparams(bindparam("day", type_=Date)), params).one_or_none()

    try:
        with engine.connect() as conn:
            rows, distinct_seq, min_seq, max_seq, numbers = one(
                "SELECT count(*), count(DISTINCT b.seq), min(b.seq), max(b.seq), count(DISTINCT b.number) "
                "FROM bookings b JOIN offices o ON o.id = b.office_id "
                "WHERE o.code = :code AND b.day = :day AND b.channel = 'web'"
            )
            quota = one(
                "SELECT q.used, q.last_seq FROM daily_quotas q JOIN offices o ON o.id = q.office_id "
                "WHERE o.code = :code AND q.day = :day AND q.channel = 'web'"
            )
            (windows,) = one(
                "SELECT coalesce(sum(s.used), 0) FROM slot_quotas s JOIN offices o ON o.id = s.office_id "
                "WHERE o.code = :code AND s.day = :day"
            )
    finally:
        engine.dispose()
    return Ledger(
        rows, distinct_seq, min_seq, max_seq, numbers, quota[0] if quota else None, quota[1] if quota else None, windows
    )


def settled_ledger(url: str, office: str, day: str) -> Ledger:
    """The ledger once the requests wrk left in flight have been served (no change for 1 s)."""
    before = ledger(url, office, day)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(1)
        after = ledger(url, office, day)
        if after == before:
            return after
        before = after
    return before


# --------------------------------------------------------------------------
# One engine
# --------------------------------------------------------------------------


def app_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "KHIW_ENV": "development",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ID_HMAC_KEY": os.environ["ID_HMAC_KEY"],
    }


def measure(url: str, seconds: int, script: Path | None = None, script_args: tuple[str, ...] = ()) -> WrkResult:
    run_wrk(url, WARMUP_SECONDS, script, script_args)
    return run_wrk(url, seconds, script, script_args)


def run_engine(engine: str, url: str, seconds: int) -> dict:
    """Measure every path on one engine; return the raw figures."""
    print(f"{engine}: preparing the database …", flush=True)
    seeded = prepare(url)
    env = app_env(url)
    paths: dict[str, WrkResult] = {}

    print(f"{engine}: framework ceiling …", flush=True)
    with gunicorn("benchmarks.ceiling:app", env, "/") as (base, _):
        paths["ceiling"] = measure(base + "/", seconds)

    with gunicorn("app:create_app()", env, "/api/v1/offices") as (base, master):
        offices = requests.get(f"{base}/api/v1/offices", timeout=30).json()
        if len(offices) != 3:
            raise RuntimeError(f"expected 3 offices, the API lists {len(offices)}")
        one = {"office": seeded.lookup, "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
               "national_id": valid_national_id(0), "date": seeded.day, "slot": SLOTS[0]}  # fmt: skip
        created = requests.post(f"{base}/api/v1/bookings", json=one, timeout=30)
        if created.status_code != 201:
            raise RuntimeError(f"the booking for GET /bookings/{{token}} failed: {created.status_code} {created.text}")
        token = created.json()["token"]

        reads = {
            "offices": "/api/v1/offices",
            "availability": f"/api/v1/offices/{seeded.rush}/availability?date={seeded.day}",
            "booking": f"/api/v1/bookings/{token}",
        }
        for key, path in reads.items():
            shown = path.replace(token, "{token}")  # a booking's token never goes to a log
            print(f"{engine}: GET {shown} …", flush=True)
            paths[key] = measure(base + path, seconds)

        print(f"{engine}: POST /api/v1/bookings (rush, room for all) …", flush=True)
        slots = ",".join(SLOTS)
        run_wrk(f"{base}/api/v1/bookings", WARMUP_SECONDS, BOOK_LUA, (seeded.lookup, seeded.day, slots, "0"))
        paths["rush"] = rush = run_wrk(f"{base}/api/v1/bookings", seconds, BOOK_LUA, (seeded.rush, seeded.day, slots))
        rss_mb = worker_peak_rss_mb(master)
        rush_ledger = settled_ledger(url, seeded.rush, seeded.day)

        # Enough time to fill 300 places at the rush's pace, with room to spare for the 409s.
        pace = rush.statuses.get("201", 0) / seconds
        limited_seconds = min(60, max(3, math.ceil(1.5 * LIMITED_CAPACITY / pace) + 1)) if pace else 30
        print(f"{engine}: POST /api/v1/bookings ({LIMITED_CAPACITY} places, {limited_seconds} s) …", flush=True)
        limited = run_wrk(f"{base}/api/v1/bookings", limited_seconds, BOOK_LUA, (seeded.limited, seeded.day, slots))
        limited_ledger = settled_ledger(url, seeded.limited, seeded.day)

    return {
        "engine": engine,
        "seconds": seconds,
        "paths": {key: asdict(result) for key, result in paths.items()},
        "rush": rush_check(rush, rush_ledger),
        "limited": limited_check(limited, limited_ledger, limited_seconds),
        "worker_peak_rss_mb": round(rss_mb, 1),
    }


def rush_check(rush: WrkResult, book: Ledger) -> dict:
    created = rush.statuses.get("201", 0)
    answered = sum(rush.statuses.values())
    other = answered - created
    # Sent by wrk but never answered before it stopped. wrk calls request() once more than
    # it sends, in the first thread, to check the script (script_verify_request).
    in_flight = max(0, rush.sent - 1 - answered)
    # Requests still in flight when wrk stopped were served after it had gone: they may
    # have booked, but nobody counted their 201. So rows = 201s + (0 … in flight).
    exact = created <= book.rows <= created + in_flight
    return {
        "created_201": created,
        "other": other,
        "in_flight_at_stop": in_flight,
        "ledger": asdict(book),
        "rows_match_201s": exact,
        "gap_free": book.gap_free(),
        "ok": exact and other == 0 and book.gap_free() and not any(rush.socket_errors.values()),
    }


def limited_check(run: WrkResult, book: Ledger, seconds: int) -> dict:
    created = run.statuses.get("201", 0)
    full = run.statuses.get("409:capacity_full", 0)
    other = sum(run.statuses.values()) - created - full
    return {
        "seconds": seconds,
        "capacity": LIMITED_CAPACITY,
        "created_201": created,
        "capacity_full_409": full,
        "other": other,
        "ledger": asdict(book),
        "gap_free": book.gap_free(),
        "ok": book.rows == LIMITED_CAPACITY and book.gap_free() and full > 0 and other == 0 and created <= book.rows,
    }


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

LABELS = {
    "ceiling": 'framework ceiling (Flask {"ok": true})',
    "offices": "GET /api/v1/offices",
    "availability": "GET /api/v1/offices/{code}/availability",
    "booking": "GET /api/v1/bookings/{token}",
    "rush": "POST /api/v1/bookings (web, room for all)",
}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def cell(result: dict, ceiling: dict, key: str) -> str:
    share = result["requests_per_s"] / ceiling["requests_per_s"] if ceiling["requests_per_s"] else 0.0
    text = f"{result['requests_per_s']:7.0f} ({share:4.0%})  p50 {result['p50_ms']:6.1f} ms"
    text += f"  p99 {result['p99_ms']:6.1f} ms"
    if key in TARGETS:
        minimum, p99 = TARGETS[key]
        text += "  ok  " if share >= minimum and result["p99_ms"] < p99 else "  MISS"
    else:
        text += "      "
    return text


def report(results: list[dict]) -> str:
    width = max(map(len, LABELS.values()))
    header = "path".ljust(width) + "".join(f" | {NAMES[r['engine']] + ' req/s (of ceiling)':<55}" for r in results)
    lines = [header, "-" * len(header)]
    for key, label in LABELS.items():
        row = label.ljust(width)
        for r in results:
            row += " | " + cell(r["paths"][key], r["paths"]["ceiling"], key).ljust(55)
        lines.append(row)
    lines.append(
        f"targets: reads ≥ 50 % of the ceiling and p99 < 50 ms; rush ≥ 20 % and p99 < 250 ms "
        f"({CONNECTIONS} connections, {results[0]['seconds']} s per path)"
    )
    lines.append("")
    for r in results:
        name, rush, limited = NAMES[r["engine"]], r["rush"], r["limited"]
        book = rush["ledger"]
        lines.append(
            f"{name} rush: {rush['created_201']} × 201, {rush['other']} other, "
            f"{rush['in_flight_at_stop']} in flight when wrk stopped; bookings rows {book['rows']}, "
            f"seq {book['min_seq']}…{book['max_seq']}, quota used {book['quota_used']} "
            f"(last_seq {book['quota_last_seq']}), windows Σ {book['windows_used']} "
            f"→ rows = 201s + some of those in flight: {'yes' if rush['rows_match_201s'] else 'NO'}, "
            f"numbers gap-free: {'yes' if rush['gap_free'] else 'NO'}"
        )
        book = limited["ledger"]
        lines.append(
            f"{name} {limited['capacity']} places ({limited['seconds']} s of wrk): "
            f"booked {book['rows']}/{limited['capacity']} ({limited['created_201']} × 201 seen), "
            f"{limited['capacity_full_409']} × 409 capacity_full, "
            f"{limited['other']} other → numbers gap-free: {'yes' if limited['gap_free'] else 'NO'}, "
            f"{'ok' if limited['ok'] else 'FAILED'}"
        )
    rss = ", ".join(f"{NAMES[r['engine']]} {r['worker_peak_rss_mb']:.0f} MB" for r in results)
    worst = max(r["worker_peak_rss_mb"] for r in results)
    lines.append(
        f"peak RSS of a web worker after the rush: {rss} (target < {WORKER_RSS_LIMIT_MB} MB: "
        f"{'ok' if worst < WORKER_RSS_LIMIT_MB else 'MISS'})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per path (default 10)")
    parser.add_argument("--quick", action="store_true", help="3 seconds per path")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.duration
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(NAMES)
    if unknown or not engines:
        parser.error(f"--engines takes sqlite and/or postgresql, not {args.engines!r}")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ.setdefault("ID_HMAC_KEY", "benchmark-hmac-key-0123456789")
    ensure_wrk()
    # A plain `kill` should stop the servers too: turn SIGTERM into an exit that runs the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    results = []
    for engine in engines:
        if engine == "sqlite":
            with tempfile.TemporaryDirectory(prefix="khiw-bench-") as tmp:
                results.append(run_engine(engine, f"sqlite:///{tmp}/bench.db", seconds))
        else:
            with ThrowawayPostgres() as pg:
                results.append(run_engine(engine, pg.create_database("bench"), seconds))
    elapsed = time.monotonic() - started

    print()
    print(report(results))
    print(f"(whole run {elapsed:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({"elapsed_s": round(elapsed, 1), "results": results}, indent=2) + "\n")
    if not all(r["rush"]["ok"] and r["limited"]["ok"] for r in results):
        raise SystemExit("a correctness check failed (see above)")


if __name__ == "__main__":
    main()
