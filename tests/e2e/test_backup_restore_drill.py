"""The restore drill (GECC 21), on both engines, with real processes.

Khiw runs (gunicorn, two workers); citizens book across three offices; in the middle of the
rush ``flask --app app backup`` writes a backup; the backup is restored into an empty
database with ``flask --app app restore``. The restored database is one consistent moment of
the running one: the same bookings (every booking made before the backup began, none half
made), their numbers gap-free and matching the day counters, the same outbox messages in the
same state, the same booking history and the same audit log. The file is readable by its
owner only, and a restore over a database that holds offices is refused without --force.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.domain.calendar import BANGKOK
from tests.factories import make_office, valid_national_id
from tests.support.http import HTTP_TIMEOUT, free_port, stop_process_group, wait_until_serving
from tests.support.postgres import find_pg_bindir

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

OFFICES = ("drill-a", "drill-b", "drill-c")
BOOKINGS = 240
THREADS = 12


def _env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "KHIW_ENV": "development",
        "SECRET_KEY": "drill-secret",
        "ID_HMAC_KEY": "drill-hmac-key-0123456789",
        "RATELIMIT_ENABLED": "false",
        "SMS_BACKEND": "null",
        "EMAIL_BACKEND": "null",
        "PG_BINDIR": str(find_pg_bindir() or ""),
        **extra,
    }


def _flask(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "app", *args], cwd=ROOT, env=_env(url),
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


def _prepare(url: str) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import AuditEntry

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    hours = {day: [(clock_time(8, 0), clock_time(20, 0))] for day in range(1, 8)}
    with app.app_context():
        try:
            upgrade()
            for code in OFFICES:
                office = make_office(code=code, hours=hours, capacity={"walk_in": 10, "web": 1000, "mobile": 10},
                                     web_slot_capacity=1000)  # fmt: skip
                db.session.add(AuditEntry(at=datetime.now(UTC), office_id=office.id, entity="office",
                                          entity_id=code, action="update", before={"geofence_m": 500},
                                          after={"geofence_m": 1500}))  # fmt: skip
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


BOOKING_ROWS = "SELECT id, office_id, day, channel, seq, number, token, status FROM bookings ORDER BY id"
OUTBOX_ROWS = "SELECT id, booking_id, kind, channel, status, attempts FROM outbox ORDER BY id"
EVENT_ROWS = "SELECT booking_id, from_status, to_status FROM booking_events ORDER BY id"
AUDIT_ROWS = "SELECT id, office_id, entity, entity_id, action FROM audit_log ORDER BY id"
QUOTA_ROWS = "SELECT office_id, day, channel, used, last_seq FROM daily_quotas ORDER BY office_id, day, channel"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_backup_during_a_rush_restores_the_same_bookings_numbers_outbox_and_audit(engine, request, tmp_path):
    if engine == "sqlite":
        source, target = f"sqlite:///{tmp_path / 'khiw.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        pg = request.getfixturevalue("postgres_server")
        name = f"drill_{uuid.uuid4().hex[:10]}"
        source, target = pg.create_database(name), pg.create_database(f"{name}_restored")
    _prepare(source)
    day = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()
    backup_path = tmp_path / "backups" / f"khiw.{engine}.backup"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", "2", "--threads", "4", "app:create_app()"],
        cwd=ROOT, env=_env(source, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics")),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    done = []
    lock = threading.Lock()
    try:
        wait_until_serving(f"{base}/readyz", within=120, process=server)

        def book(i: int) -> int:
            body = {"office": OFFICES[i % 3], "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                    "national_id": valid_national_id(500 + i), "phone": f"08{i:08d}", "date": day,
                    "slot": "09:00"}  # fmt: skip
            status = requests.post(f"{base}/api/v1/bookings", json=body, timeout=HTTP_TIMEOUT).status_code
            with lock:
                done.append(status)
            return status

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(book, i) for i in range(BOOKINGS)]
            while len(done) < BOOKINGS // 3:  # the rush is on
                time.sleep(0.05)
            before = len(_rows(source, BOOKING_ROWS))
            made = _flask(source, "backup", str(backup_path))
            after = len(_rows(source, BOOKING_ROWS))
            statuses = [f.result() for f in futures]
        assert made.returncode == 0, made.stderr + made.stdout
        assert set(statuses) == {201}
        assert before < BOOKINGS and after > before, "the backup was not taken during the rush"
    finally:
        stop_process_group(server)
        log.close()

    assert stat.S_IMODE(backup_path.stat().st_mode) == 0o600

    restored = _flask(target, "restore", str(backup_path))
    assert restored.returncode == 0, restored.stderr + restored.stdout

    got = _rows(target, BOOKING_ROWS)
    had = _rows(source, BOOKING_ROWS)
    # One moment of the running database: at least what was booked when the backup began…
    assert before <= len(got) <= BOOKINGS
    # …each booking exactly as it was (same id, number, token)…
    assert set(got) <= set(had)
    # …numbers 1…n per office with no gap, matching the day counters at that moment.
    quotas = {(o, d, c): (used, last) for o, d, c, used, last in _rows(target, QUOTA_ROWS)}
    for office_id in {row[1] for row in got}:
        seqs = sorted(row[4] for row in got if row[1] == office_id)
        assert seqs == list(range(1, len(seqs) + 1))
        [(used, last)] = [v for (o, _d, c), v in quotas.items() if o == office_id and c == "web"]
        assert used == last == len(seqs)
    ids = {row[0] for row in got}
    # The outbox holds each restored booking's confirmation, in the same state (no dispatcher ran).
    source_outbox = [r for r in _rows(source, OUTBOX_ROWS) if r[1] in ids]
    target_outbox = _rows(target, OUTBOX_ROWS)
    assert target_outbox == source_outbox and len(target_outbox) >= len(got)
    assert _rows(target, EVENT_ROWS) == [r for r in _rows(source, EVENT_ROWS) if r[0] in ids]
    assert _rows(target, AUDIT_ROWS) == _rows(source, AUDIT_ROWS) and len(_rows(target, AUDIT_ROWS)) == 3

    # The restored database serves: its readiness check passes (schema at the latest migration).
    ready = _flask(target, "db", "current")
    assert ready.returncode == 0
    # A database that holds offices is not overwritten by mistake.
    again = _flask(target, "restore", str(backup_path))
    assert again.returncode != 0 and "already holds 3 offices" in again.stderr
    assert _flask(target, "restore", "--force", str(backup_path)).returncode == 0


def test_restore_refuses_another_engines_backup_and_a_file_that_is_no_backup(tmp_path):
    source = f"sqlite:///{tmp_path / 'khiw.db'}"
    _prepare(source)
    backup_path = tmp_path / "khiw.sqlite3"
    assert _flask(source, "backup", str(backup_path)).returncode == 0

    other = _flask(f"sqlite:///{tmp_path / 'fresh.db'}", "restore", str(tmp_path / "gunicorn.conf.py"))
    assert other.returncode != 0  # no such file
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    refused = _flask(f"sqlite:///{tmp_path / 'fresh.db'}", "restore", str(junk))
    assert refused.returncode != 0 and "not a Khiw backup" in refused.stderr


def test_the_nightly_job_keeps_the_last_copies(tmp_path):
    from app.services.backup import nightly

    source = f"sqlite:///{tmp_path / 'khiw.db'}"
    _prepare(source)
    folder = tmp_path / "nightly"
    (folder).mkdir()
    (folder / "notes.txt").write_text("kept: not a nightly copy")
    start = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    for night in range(5):
        nightly(source, folder, 3, start + timedelta(days=night))
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["khiw-20261203-183000.sqlite3", "khiw-20261204-183000.sqlite3",
                     "khiw-20261205-183000.sqlite3", "notes.txt"]  # fmt: skip
    assert all(stat.S_IMODE((folder / n).stat().st_mode) == 0o600 for n in names if n.startswith("khiw-"))
