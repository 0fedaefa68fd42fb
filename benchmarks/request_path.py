"""The request path against the framework ceiling, on SQLite and PostgreSQL, with wrk.

For each engine this serves, one after the other, a bare Flask view (benchmarks/ceiling.py)
and Khiw with the same gunicorn settings as production (gthread, 2 workers × 8 threads),
drives each path with wrk at 32 connections, and prints requests/s as a share of the
ceiling measured in the same run, with p50/p99 latency. Everything runs on production
settings (benchmarks/production.py): PostgreSQL with durability on, rate limits on in their
default store, one X-Forwarded-For address per simulated citizen behind TRUSTED_PROXIES=1.
The whole measurement is repeated (--runs, default 3, each on a fresh database, engines
interleaved) and each figure reported as the median of the runs, each ratio computed
against the ceiling of its own run:

    framework ceiling            GET /  → {"ok": true}
    GET /api/v1/offices          3 offices
    GET /api/v1/offices/{code}/availability?date=<tomorrow>   one day, 14 windows
    GET /api/v1/bookings/{token}
    POST /api/v1/bookings        web, one day, 14 windows, room for all (the 08:00 rush)

After the rush it checks through the database that exactly the places answered 201 were
taken and that the numbers are 1…n without duplicates or gaps; then a short run against
an office with 300 web places checks that exactly 300 are booked and the rest get 409.
It also reports the peak resident memory (VmHWM) of the gunicorn workers after the rush.

    .venv/bin/python benchmarks/request_path.py                  # 3 runs × 5 s per path, both engines
    .venv/bin/python benchmarks/request_path.py --quick          # 3 runs × 3 s per path
    .venv/bin/python benchmarks/request_path.py --duration 5 --runs 5 --engines sqlite --json out.json

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
import statistics
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
from benchmarks.production import PRODUCTION_SETTINGS, SETTINGS_LINE, client_headers, production_env  # noqa: E402
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
READS_LUA = Path(__file__).with_name("reads.lua")
# Bookings read by GET /bookings/{token}, in turn: a token has its own rate limit
# (RATELIMIT_LOOKUP_PERSON, 60 a minute), as a citizen re-reading their booking would.
LOOKUP_TOKENS = 400

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


def run_wrk(
    url: str,
    seconds: int,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
    connections: int = CONNECTIONS,
) -> WrkResult:
    # --timeout 30s: wrk's default of 2 s would leave slow requests out of the latency
    # histogram (they count as "timeouts") and make p99 look better than it is.
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
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
    return production_env(url)


def measure_reads(base: str, paths: list[str], seconds: int, tmp: Path) -> WrkResult:
    """GET *paths* in turn for *seconds* (after a warm-up), each request from its own address."""
    listing = tmp / f"paths-{len(list(tmp.iterdir()))}.txt"
    listing.write_text("\n".join(paths) + "\n")
    run_wrk(base, WARMUP_SECONDS, READS_LUA, (str(listing),))
    return run_wrk(base, seconds, READS_LUA, (str(listing),))


def run_engine(engine: str, url: str, seconds: int, tmp: Path) -> dict:
    """Measure every path on one engine; return the raw figures."""
    print(f"{engine}: preparing the database …", flush=True)
    seeded = prepare(url)
    env = app_env(url)
    paths: dict[str, WrkResult] = {}

    print(f"{engine}: framework ceiling …", flush=True)
    with gunicorn("benchmarks.ceiling:app", env, "/") as (base, _):
        paths["ceiling"] = measure_reads(base, ["/"], seconds, tmp)

    with gunicorn("app:create_app()", env, "/api/v1/offices") as (base, master):
        offices = requests.get(f"{base}/api/v1/offices", timeout=30).json()
        if len(offices) != 3:
            raise RuntimeError(f"expected 3 offices, the API lists {len(offices)}")
        tokens = []
        with requests.Session() as session:
            for n in range(LOOKUP_TOKENS):
                one = {"office": seeded.lookup, "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                       "national_id": valid_national_id(3_000_000_000 + n), "date": seeded.day,
                       "slot": SLOTS[n % len(SLOTS)]}  # fmt: skip
                created = session.post(f"{base}/api/v1/bookings", json=one, headers=client_headers(n), timeout=30)
                if created.status_code != 201:
                    raise RuntimeError(f"a booking for GET /bookings/{{token}} failed: {created.status_code}")
                tokens.append(created.json()["token"])

        reads = {
            "offices": ["/api/v1/offices"],
            "availability": [f"/api/v1/offices/{seeded.rush}/availability?date={seeded.day}"],
            "booking": [f"/api/v1/bookings/{token}" for token in tokens],
        }
        for key, listed in reads.items():
            shown = "/api/v1/bookings/{token}" if key == "booking" else listed[0]  # no token in a log
            print(f"{engine}: GET {shown} …", flush=True)
            paths[key] = measure_reads(base, listed, seconds, tmp)

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

    refused = {key: r.statuses for key, r in paths.items() if key in reads and set(r.statuses) != {"200"}}
    return {
        "engine": engine,
        "seconds": seconds,
        "reads_other_than_200": refused,
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


def summarise(runs: list[dict]) -> dict:
    """The median over runs of one engine: req/s, share of the same run's ceiling, p50, p99."""
    out: dict[str, dict] = {}
    for key in LABELS:
        shares = [
            r["paths"][key]["requests_per_s"] / r["paths"]["ceiling"]["requests_per_s"]
            for r in runs
            if r["paths"]["ceiling"]["requests_per_s"]
        ]
        out[key] = {
            "requests_per_s": statistics.median(r["paths"][key]["requests_per_s"] for r in runs),
            "share": statistics.median(shares) if shares else 0.0,
            "shares": shares,
            "p50_ms": statistics.median(r["paths"][key]["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["paths"][key]["p99_ms"] for r in runs),
            "per_run": [r["paths"][key]["requests_per_s"] for r in runs],
        }
    return out


def cell(figure: dict, key: str) -> str:
    text = f"{figure['requests_per_s']:7.0f} ({figure['share']:4.0%})  p50 {figure['p50_ms']:6.1f} ms"
    text += f"  p99 {figure['p99_ms']:6.1f} ms"
    if key in TARGETS:
        minimum, p99 = TARGETS[key]
        text += "  ok  " if figure["share"] >= minimum and figure["p99_ms"] < p99 else "  MISS"
    else:
        text += "      "
    return text


def report(results: list[dict]) -> str:
    engines = list(dict.fromkeys(r["engine"] for r in results))
    by_engine = {e: [r for r in results if r["engine"] == e] for e in engines}
    medians = {e: summarise(runs) for e, runs in by_engine.items()}
    width = max(map(len, LABELS.values()))
    header = "path".ljust(width) + "".join(f" | {NAMES[e] + ' median req/s (of ceiling)':<55}" for e in engines)
    lines = [SETTINGS_LINE, header, "-" * len(header)]
    for key, label in LABELS.items():
        row = label.ljust(width)
        for e in engines:
            row += " | " + cell(medians[e][key], key).ljust(55)
        lines.append(row)
    runs = len(by_engine[engines[0]])
    lines.append(
        f"median of {runs} runs, each ratio against the ceiling of its own run; targets: reads ≥ 50 % of the "
        f"ceiling and p99 < 50 ms; rush ≥ 20 % and p99 < 250 ms ({CONNECTIONS} connections, "
        f"{results[0]['seconds']} s per path)"
    )
    for e in engines:
        per_run = "; ".join(
            f"{key} "
            + "/".join(f"{v:.0f}" for v in medians[e][key]["per_run"])
            + (" (" + "/".join(f"{x:.0%}" for x in medians[e][key]["shares"]) + ")" if key != "ceiling" else "")
            for key in LABELS
        )
        lines.append(f"{NAMES[e]} each run, req/s (share): {per_run}")
    lines.append("")
    for r in results:
        name, rush, limited = NAMES[r["engine"]], r["rush"], r["limited"]
        book = rush["ledger"]
        lines.append(
            f"{name} rush: {rush['created_201']} × 201, {rush['other']} other, "
            f"{rush['in_flight_at_stop']} in flight when wrk stopped; bookings rows {book['rows']}, "
            f"seq {book['min_seq']}…{book['max_seq']} "
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
        if r["reads_other_than_200"]:
            lines.append(f"{name} reads answered other than 200 (figures invalid): {r['reads_other_than_200']}")
    rss = ", ".join(f"{NAMES[e]} {max(r['worker_peak_rss_mb'] for r in by_engine[e]):.0f} MB" for e in engines)
    worst = max(r["worker_peak_rss_mb"] for r in results)
    lines.append(
        f"peak RSS of a web worker after the rush (worst run): {rss} (target < {WORKER_RSS_LIMIT_MB} MB: "
        f"{'ok' if worst < WORKER_RSS_LIMIT_MB else 'MISS'})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per path (default 5)")
    parser.add_argument("--quick", action="store_true", help="3 seconds per path")
    parser.add_argument("--runs", type=int, default=3, help="runs per engine, reported as medians (default 3)")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.duration
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(NAMES)
    if unknown or not engines:
        parser.error(f"--engines takes sqlite and/or postgresql, not {args.engines!r}")
    if args.runs < 1:
        parser.error("--runs takes 1 or more")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ.setdefault("ID_HMAC_KEY", "benchmark-hmac-key-0123456789")
    ensure_wrk()
    # A plain `kill` should stop the servers too: turn SIGTERM into an exit that runs the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    results = []
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(ThrowawayPostgres(settings=PRODUCTION_SETTINGS)) if "postgresql" in engines else None
        for run in range(1, args.runs + 1):
            for engine in engines:  # interleaved, so the machine's noise falls on both engines alike
                print(f"— run {run}/{args.runs}, {engine}", flush=True)
                with tempfile.TemporaryDirectory(prefix="khiw-bench-") as tmp:
                    url = f"sqlite:///{tmp}/bench.db" if engine == "sqlite" else pg.create_database("bench")
                    results.append(run_engine(engine, url, seconds, Path(tmp)))
    elapsed = time.monotonic() - started

    print()
    print(report(results))
    print(f"(whole run {elapsed:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({"elapsed_s": round(elapsed, 1), "results": results}, indent=2) + "\n")
    if not all(r["rush"]["ok"] and r["limited"]["ok"] and not r["reads_other_than_200"] for r in results):
        raise SystemExit("a correctness check failed (see above)")


if __name__ == "__main__":
    main()
