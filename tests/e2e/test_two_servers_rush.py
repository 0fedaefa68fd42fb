"""The 08:00 rush on two machines: the capacity holds across two separate servers.

Two gunicorn instances (gthread, 2 workers × 8 threads each, as in production) serve one
PostgreSQL database, as two machines behind a load balancer would. 150 people book the
same office's web channel (60 places) from 32 threads, alternating between the servers:
exactly 60 get a number, W001…W060 without gaps or duplicates, and everyone else is told
the day is full (409 capacity_full), never anything else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
import requests

from app.domain.calendar import BANGKOK
from tests.factories import make_office, valid_national_id, web_booking
from tests.support.http import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
OFFICE = "rush2"
WEB_CAPACITY = 60
BOOKERS = 150
THREADS = 32
TIMEOUT = (5, 30)  # connect, read (seconds)
READY_DEADLINE = 120  # seconds for a server to answer its first request
SLOTS = [f"{h:02d}:{m:02d}" for h in range(9, 13) for m in (0, 30)]  # 09:00 … 12:30, 8 windows
GUNICORN_FLAGS = ["--worker-class", "gthread", "--workers", "2", "--threads", "8", "--log-level", "warning"]


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:] or "(empty log)"
    except OSError:
        return f"(no log at {path})"


def _prepare(url: str) -> None:
    """Migrate the fresh database and add the office: open every day 08:00–20:00, 60 web places."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    hours = {day: [(clock_time(8, 0), clock_time(20, 0))] for day in range(1, 8)}
    with app.app_context():
        try:
            upgrade()
            make_office(
                code=OFFICE,
                hours=hours,
                capacity={"walk_in": 10, "web": WEB_CAPACITY, "mobile": 10},
                web_slot_capacity=1000,
            )
        finally:
            db.session.remove()
            db.engine.dispose()


class _Server:
    """One gunicorn instance in its own process group, logging to a file."""

    def __init__(self, name: str, url: str, log_path: Path) -> None:
        port = free_port(HOST)
        self.name = name
        self.base = f"http://{HOST}:{port}"
        self.log_path = log_path
        self.log = log_path.open("w")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KHIW_ENV": "development",
            "SECRET_KEY": "two-servers-secret",
            "ID_HMAC_KEY": "two-servers-hmac-key-0123456789",
            "RATELIMIT_ENABLED": "false",
            "PUBLIC_BASE_URL": self.base,
        }
        try:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"{HOST}:{port}", *GUNICORN_FLAGS, "app:create_app()"],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        except BaseException:
            self.log.close()
            raise

    def wait_ready(self, deadline: float) -> None:
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"gunicorn {self.name} exited with status {self.process.returncode}:\n{_tail(self.log_path)}"
                )
            try:
                if requests.get(f"{self.base}/api/v1/offices", timeout=(2, 30)).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn {self.name} did not answer within {READY_DEADLINE} s:\n{_tail(self.log_path)}")
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers; never raises."""
        try:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=10)
        finally:
            self.log.close()


def test_capacity_holds_across_two_servers(postgres_server, tmp_path):
    url = postgres_server.create_database(f"two_servers_{uuid.uuid4().hex[:12]}")
    _prepare(url)
    day = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()

    servers: list[_Server] = []
    try:
        for name in ("a", "b"):
            servers.append(_Server(name, url, tmp_path / f"gunicorn-{name}.log"))
        deadline = time.monotonic() + READY_DEADLINE
        for server in servers:
            server.wait_ready(deadline)

        def book(i: int) -> tuple[int, int, dict | str]:
            server = servers[i % 2]
            body = web_booking(OFFICE, date=day, slot=SLOTS[i % len(SLOTS)], national_id=valid_national_id(i))
            try:
                response = requests.post(f"{server.base}/api/v1/bookings", json=body, timeout=TIMEOUT)
            except requests.RequestException as exc:  # reported below with the servers' logs
                return i, -1, repr(exc)
            try:
                return i, response.status_code, response.json()
            except ValueError:
                return i, response.status_code, response.text

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(book, range(BOOKERS)))

        logs = "\n".join(f"--- gunicorn {s.name} ---\n{_tail(s.log_path)}" for s in servers)
        statuses = Counter(status for _, status, _ in results)
        created = [body for _, status, body in results if status == 201]
        created_by = Counter(servers[i % 2].name for i, status, _ in results if status == 201)
        refused = [body for _, status, body in results if status == 409]
        odd = [(i, status, body) for i, status, body in results if status not in (201, 409)]
        assert not odd, f"unexpected answers {statuses}: {odd[:5]}\n{logs}"
        assert len(created) == WEB_CAPACITY, f"{statuses}\n{logs}"
        assert len(refused) == BOOKERS - WEB_CAPACITY
        not_full = [body for body in refused if not isinstance(body, dict) or body["error"]["code"] != "capacity_full"]
        assert not not_full, f"409s that are not capacity_full: {not_full[:5]}"

        numbers = sorted(body["number"] for body in created)
        assert numbers == [f"W{n:03d}" for n in range(1, WEB_CAPACITY + 1)]
        # Both machines handed out numbers from the one sequence (not one server taking them all).
        assert set(created_by) == {"a", "b"}, created_by

        for server in servers:
            availability = requests.get(
                f"{server.base}/api/v1/offices/{OFFICE}/availability", params={"date": day}, timeout=TIMEOUT
            )
            assert availability.status_code == 200, availability.text
            web = availability.json()["channels"]["web"]
            assert web["used"] == web["capacity"] == WEB_CAPACITY, (server.name, web)
            assert web["remaining"] == 0, (server.name, web)
    finally:
        for server in servers:
            server.stop()
