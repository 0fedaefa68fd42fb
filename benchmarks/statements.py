"""SQL statements per request on the hot paths, on SQLite and PostgreSQL.

Runs Khiw in-process with the Flask test client (no server, no network) on a fresh
migrated database per engine, and counts what each request sends to the database through
SQLAlchemy's engine events: SQL statements (before_cursor_execute), and separately the
transaction round trips BEGIN, COMMIT and ROLLBACK (begin/commit/rollback events; on SQLite
the app's BEGIN IMMEDIATE also passes through the cursor, and is counted as BEGIN only).
Pool checkouts are shown too: with pool_pre_ping each one costs a "SELECT 1" round trip
that bypasses the cursor events.

Each path is measured after one warm-up request, so caches are warm (steady state); each
booking is made by a new person.

    .venv/bin/python benchmarks/statements.py                 # both engines
    .venv/bin/python benchmarks/statements.py -v              # and list the statements
    .venv/bin/python benchmarks/statements.py --engines sqlite
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from app.domain.calendar import BANGKOK  # noqa: E402
from tests.factories import make_office, valid_national_id  # noqa: E402
from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres  # noqa: E402

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PATHS = {
    "post": "POST /api/v1/bookings (web)",
    "booking": "GET /api/v1/bookings/{token}",
    "offices": "GET /api/v1/offices",
    "availability": "GET /api/v1/offices/{code}/availability",
}


@dataclass
class Tally:
    statements: list[str] = field(default_factory=list)
    begin: int = 0
    commit: int = 0
    rollback: int = 0
    checkouts: int = 0

    def cell(self) -> str:
        text = f"{len(self.statements)} (+{self.begin} BEGIN +{self.commit} COMMIT"
        if self.rollback:
            text += f" +{self.rollback} ROLLBACK"
        return text + f"; {self.checkouts} checkout{'s' if self.checkouts != 1 else ''})"


class Counter:
    """Engine listeners that tally into ``self.tally`` while it is set."""

    def __init__(self, engine) -> None:
        self.tally: Tally | None = None
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        event.listen(engine.pool, "checkout", self._checkout)

    def _execute(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        # SQLite's BEGIN IMMEDIATE (app/__init__.py) is counted by the begin event.
        if self.tally is not None and not statement.lstrip().upper().startswith("BEGIN"):
            self.tally.statements.append(" ".join(statement.split()))

    def _begin(self, _conn):
        if self.tally is not None:
            self.tally.begin += 1

    def _commit(self, _conn):
        if self.tally is not None:
            self.tally.commit += 1

    def _rollback(self, _conn):
        if self.tally is not None:
            self.tally.rollback += 1

    def _checkout(self, *_args):
        if self.tally is not None:
            self.tally.checkouts += 1


def run_engine(url: str) -> dict[str, Tally]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    hours = {day: [(clock_time(8, 0), clock_time(15, 0))] for day in range(1, 8)}
    with app.app_context():
        upgrade()
        for code in ("alpha", "bravo", "charlie"):  # GET /offices lists three
            make_office(
                code=code,
                hours=hours,
                capacity={"walk_in": 100, "web": 1_000_000, "mobile": 100},
                web_slot_capacity=1_000_000,
            )
        engine = db.engine
    # No app context is held from here on: each request gets its own, and its own session,
    # as under gunicorn.
    counter = Counter(engine)
    client = app.test_client()
    day = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()
    people = iter(range(1, 1_000_000))

    def booking_body() -> dict:
        return {"office": "alpha", "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                "national_id": valid_national_id(next(people)), "date": day, "slot": "09:00"}  # fmt: skip

    def measured(send, expected: int) -> tuple[Tally, object]:
        send()  # warm-up
        counter.tally = tally = Tally()
        try:
            response = send()
        finally:
            counter.tally = None
        if response.status_code != expected:
            raise RuntimeError(f"expected {expected}, got {response.status_code}: {response.get_data(as_text=True)}")
        return tally, response

    results = {}
    results["post"], created = measured(lambda: client.post("/api/v1/bookings", json=booking_body()), 201)
    token = created.get_json()["token"]
    results["booking"], _ = measured(lambda: client.get(f"/api/v1/bookings/{token}"), 200)
    results["offices"], _ = measured(lambda: client.get("/api/v1/offices"), 200)
    results["availability"], _ = measured(lambda: client.get(f"/api/v1/offices/alpha/availability?date={day}"), 200)
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list each request's statements")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not engines or set(engines) - set(NAMES):
        parser.error(f"--engines takes sqlite and/or postgresql, not {args.engines!r}")
    os.environ.setdefault("KHIW_ENV", "development")
    os.environ.setdefault("SECRET_KEY", "benchmark-secret")
    os.environ.setdefault("ID_HMAC_KEY", "benchmark-hmac-key-0123456789")

    results: dict[str, dict[str, Tally]] = {}
    for engine in engines:
        if engine == "sqlite":
            with tempfile.TemporaryDirectory(prefix="khiw-statements-") as tmp:
                results[engine] = run_engine(f"sqlite:///{tmp}/statements.db")
        else:
            with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as pg:
                results[engine] = run_engine(pg.create_database("statements"))

    if args.verbose:
        for engine, tallies in results.items():
            for key, tally in tallies.items():
                print(f"\n{NAMES[engine]} — {PATHS[key]}: {tally.cell()}")
                for n, statement in enumerate(tally.statements, 1):
                    print(f"  {n:2}. {statement[:200]}")
        print()

    width = max(map(len, PATHS.values()))
    columns = [f"{NAMES[e]} statements" for e in engines]
    cells = {key: [results[e][key].cell() for e in engines] for key in PATHS}
    widths = [max(len(c), *(len(cells[k][i]) for k in PATHS)) for i, c in enumerate(columns)]
    print("path".ljust(width) + "".join(f" | {c:<{w}}" for c, w in zip(columns, widths, strict=True)))
    print("-" * (width + sum(w + 3 for w in widths)))
    for key, label in PATHS.items():
        print(label.ljust(width) + "".join(f" | {c:<{w}}" for c, w in zip(cells[key], widths, strict=True)))
    print("statements = SQL sent through the cursor; BEGIN/COMMIT/ROLLBACK counted apart;")
    print("a checkout is one pool_pre_ping SELECT 1 round trip (not in the statements).")


if __name__ == "__main__":
    main()
