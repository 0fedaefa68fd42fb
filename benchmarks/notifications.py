"""How fast "your turn" reaches the SMS provider (or LINE), and how much memory the background processes use.

For each engine (SQLite, then a throwaway PostgreSQL): 8 clerks call tickets at once, each
call a write transaction that moves the ticket to ``called`` and puts its SMS in the outbox
(as the counter console does). A real ``flask --app app dispatcher`` process sends through
the real twilio SDK to a local stand-in for Twilio's API; the latency is from the start of
the call to the stand-in receiving the request. Targets: p99 < 2 s; peak resident memory of
the dispatcher and of the scheduler < 100 MB each (VmHWM from /proc).

With ``--channels sms,line`` the same calls are measured a second time for citizens who follow
their booking on LINE: the dispatcher pushes through the real line-bot-sdk to a local stand-in
for the Messaging API (``tests/support/line_api.py``), timed to the push's arrival.

    .venv/bin/python benchmarks/notifications.py [--calls 20] [--engines sqlite,postgresql] [--channels sms,line]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.calendar import local_now  # noqa: E402
from tests.factories import make_office, thai_mobile  # noqa: E402
from tests.support.line_api import FakeLine, line_environ, user_id  # noqa: E402
from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres  # noqa: E402
from tests.support.providers import FakeTwilio, SmtpInbox, provider_environ  # noqa: E402

CLERKS = 8
FLASK = str(ROOT / ".venv/bin/flask")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(app, calls_per_clerk: int) -> tuple[list[list[int]], int]:
    """An office open all day today with 8 walk-in counters and 8 × calls waiting tickets."""
    from datetime import time as clock

    from app.domain.booking import Placement
    from app.domain.channels import Channel
    from app.extensions import db
    from app.services.booking import Person, place_ticket
    from app.services.office_rules import office_rules
    from app.settings import system_clock

    now = system_clock()
    every_day = {d: [(clock(0, 0), clock(23, 59))] for d in range(1, 8)}
    office = make_office(hours=every_day, capacity={"walk_in": 999, "web": 0, "mobile": 0},
                         counters={n: ["walk_in"] for n in range(1, CLERKS + 1)})  # fmt: skip
    db.session.commit()
    rules = office_rules(office.code)
    service = rules.services[0]
    ids = []
    for n in range(CLERKS * calls_per_clerk):
        placement = Placement(channel=Channel.WALK_IN, day=local_now(now).date(), slot=None, distance_m=None)
        view = place_ticket(rules, service, placement, Person(phone="+66" + thai_mobile(n)[1:]), now=now,
                            actor="bench")  # fmt: skip
        ids.append(view.token)
    counters = [c.id for c in rules.counters]
    return [ids[i::CLERKS] for i in range(CLERKS)], counters


def run_engine(name: str, url: str, calls_per_clerk: int, channel: str = "sms") -> dict:
    from app import create_app
    from app.domain.status import Status
    from app.extensions import db
    from app.models import Booking, OutboxMessage
    from app.services import notifications
    from app.services.booking import _row_by_token
    from app.services.status import move_booking
    from app.services.transactions import writing
    from app.settings import system_clock

    os.environ["DATABASE_URL"] = url
    twilio, inbox, line = FakeTwilio().start(), SmtpInbox().start(), FakeLine().start()
    env = {**os.environ, **provider_environ(inbox, twilio), **line_environ(line), "DATABASE_URL": url,
           "RATELIMIT_ENABLED": "false"}  # fmt: skip
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        tokens, counters = prepare(app, calls_per_clerk)
        db.session.query(OutboxMessage).delete()  # the booking confirmations: not what is measured
        if channel == "line":  # every citizen followed their booking on LINE
            for booking in db.session.query(Booking):
                booking.line_user_id = user_id(booking.id)
        db.session.commit()

    logs = Path(tempfile.mkdtemp())
    dispatcher = subprocess.Popen([FLASK, "--app", "app", "dispatcher"], cwd=ROOT, env=env,
                                  stdout=(logs / "dispatcher.log").open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    scheduler = subprocess.Popen([FLASK, "--app", "app", "scheduler"], cwd=ROOT,
                                 env={**env, "SCHEDULER_DISPATCHES": "false", "NEAR_TURN_CHECK_SECONDS": "1"},
                                 stdout=(logs / "scheduler.log").open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    called_at: dict[str, float] = {}
    arrived: dict[str, float] = {}

    def on_arrival(record):
        body = record["form"].get("Body", "")
        if body.startswith("ถึงคิว "):
            arrived.setdefault(body.split()[1], time.monotonic())

    def on_push(record):
        for message in record["body"].get("messages", []):
            preview = message.get("altText", "")
            if preview.startswith("ถึงคิวของท่านแล้ว: "):
                arrived.setdefault(preview.split()[1], time.monotonic())

    twilio.on_arrival = on_arrival
    line.on_arrival = on_push
    time.sleep(3)  # both processes up (imports, first connection)

    def clerk(index: int) -> None:
        with app.app_context():
            for token in tokens[index]:
                row = _row_by_token(token)
                db.session.remove()
                called_at[row.number] = time.monotonic()
                with writing() as connection:
                    connection.execute(Booking.__table__.update().where(Booking.id == row.id)
                                       .values(counter_id=counters[index]))  # fmt: skip
                    moved = move_booking(row, Status.CALLED, now=system_clock(), actor=f"staff:bench{index}")
                    notifications.notify(connection, moved, Status.CALLED, now=system_clock())
                db.session.remove()
                time.sleep(0.2)  # a clerk calls again once the last person reached the counter

    # Tickets start booked; the clerks' queue is of waiting tickets.
    with app.app_context():
        db.session.execute(Booking.__table__.update().values(status="waiting"))
        db.session.commit()
    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deadline = time.monotonic() + 30
    while len(arrived) < len(called_at) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2)  # let the scheduler run its checks a few more times
    memory = {"dispatcher": peak_mb(dispatcher.pid), "scheduler": peak_mb(scheduler.pid)}
    for process in (dispatcher, scheduler):
        process.terminate()
        process.wait(timeout=20)
    twilio.stop()
    inbox.stop()
    line.stop()
    latencies = sorted(arrived[n] - called_at[n] for n in called_at if n in arrived)
    return {
        "engine": name,
        "channel": channel,
        "calls": len(called_at),
        "delivered": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max_ms": 1000 * latencies[-1],
        "sms_total": len(twilio.delivered()),
        "line_total": len(line.accepted()),
        **{f"{k}_peak_mb": v for k, v in memory.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20, help="calls per clerk (8 clerks)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--channels", default="sms,line", help="sms (Twilio), line (LINE push), or both")
    args = parser.parse_args()
    os.environ.setdefault("KHIW_ENV", "testing")
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    os.environ.setdefault("ID_HMAC_KEY", "bench-hmac-key-0123456789")
    results = []
    for engine in args.engines.split(","):
        for channel in args.channels.split(","):
            if engine == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
                results.append(run_engine(engine, url, args.calls, channel))
            else:
                with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as pg:
                    results.append(run_engine(engine, pg.create_database("bench"), args.calls, channel))
    print(f"\n\"your turn\" from the call to the SMS provider or LINE, {CLERKS} clerks calling at once "
          f"({datetime.now(UTC):%Y-%m-%d})")  # fmt: skip
    print(f"{'engine':<11} {'by':<4} {'calls':>5} {'delivered':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'all SMS':>7} {'all LINE':>8} {'dispatcher MB':>13} {'scheduler MB':>12}")  # fmt: skip
    for r in results:
        print(f"{r['engine']:<11} {r['channel']:<4} {r['calls']:>5} {r['delivered']:>9} {r['p50_ms']:>8.0f} "
              f"{r['p99_ms']:>8.0f} {r['max_ms']:>8.0f} {r['sms_total']:>7} {r['line_total']:>8} "
              f"{r['dispatcher_peak_mb']:>13.1f} {r['scheduler_peak_mb']:>12.1f}")  # fmt: skip
    print("targets: p99 < 2000 ms; dispatcher and scheduler < 100 MB each")


if __name__ == "__main__":
    main()
