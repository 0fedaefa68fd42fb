"""A province installation under fire, through nginx (tests/support/cluster.py, as scripts/cluster).

nginx (TLS) in front of two gunicorn app servers on one PostgreSQL (production durability),
two dispatchers, a scheduler and a standby scheduler. Citizens, each from their own address,
book across three offices with 40 web places each; in the middle of the rush one app server is
killed with SIGKILL (master and workers), and so are one dispatcher and the scheduler. Clients
retry a failed request with the same Idempotency-Key, as the booking pages do.

Afterwards: every place was given at most once, every booking a citizen was told about exists
exactly once and no other does, numbers are gap-free, nginx no longer sends to the dead server,
the standby scheduler took over, every booked citizen got their confirmation SMS (none lost),
and the rate limits counted each citizen's address, not the proxy's.
"""

from __future__ import annotations

import threading
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.domain.calendar import BANGKOK
from tests.factories import make_office, valid_national_id
from tests.support.cluster import NGINX, Cluster
from tests.support.providers import FakeTwilio, SmtpInbox, provider_environ

pytestmark = pytest.mark.slow

OFFICES = ("prov-a", "prov-b", "prov-c")
PLACES = 40  # web places per office
CITIZENS = 150  # 50 per office: 10 of each office's are told the day is full
SLOTS = [f"{h:02d}:{m:02d}" for h in range(9, 15) for m in (0, 30)]
ATTEMPTS = 5  # a client's tries of one booking (the same Idempotency-Key each time)
TIMEOUT = (5, 30)


def _seed(url: str) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    hours = {day: [(clock_time(8, 0), clock_time(20, 0))] for day in range(1, 8)}
    with app.app_context():
        try:
            for code in OFFICES:
                make_office(code=code, hours=hours, capacity={"walk_in": 10, "web": PLACES, "mobile": 10},
                            web_slot_capacity=100)  # fmt: skip
        finally:
            db.session.remove()
            db.engine.dispose()


class FromAddress(HTTPAdapter):
    """Connect from a given loopback address: each citizen is a different client of nginx."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("https://", FromAddress(address))
    return session


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (scripts/cluster installs it)")
def test_a_killed_app_server_dispatcher_and_scheduler_lose_and_double_nothing(tmp_path):
    warnings.simplefilter("ignore")  # the self-signed certificate
    started = time.monotonic()
    inbox, twilio = SmtpInbox().start(), FakeTwilio().start()
    extra = {
        **provider_environ(inbox, twilio),
        "DISPATCH_LEASE_SECONDS": "5",  # a killed dispatcher's messages are taken over after 5 s
        "RATELIMIT_BOOKING": "10 per minute",  # per address: small enough to reach in the test
    }
    cluster = Cluster(tmp_path / "cluster", limits="database", extra_env=extra, seed=_seed, standby_scheduler=True)
    try:
        cluster.start()
        booting = time.monotonic() - started
        day = (datetime.now(BANGKOK).date() + timedelta(days=1)).isoformat()
        answers: dict[int, requests.Response] = {}
        lock = threading.Lock()

        def citizen(i: int) -> None:
            session = session_from(f"127.1.{i // 200}.{i % 200 + 1}")
            body = {"office": OFFICES[i % 3], "service": "id-card", "channel": "web", "name": "ผู้ทดสอบ",
                    "national_id": valid_national_id(7000 + i), "phone": f"081{i:07d}", "date": day,
                    "slot": SLOTS[i % len(SLOTS)]}  # fmt: skip
            key = str(uuid.uuid4())
            answer = None
            for _attempt in range(ATTEMPTS):
                try:
                    answer = session.post(f"{cluster.base}/api/v1/bookings", json=body, timeout=TIMEOUT,
                                          headers={"Idempotency-Key": key}, verify=False)  # fmt: skip
                    if answer.status_code not in (502, 503, 504):
                        break
                except requests.RequestException:
                    answer = None
                time.sleep(0.5 * (_attempt + 1))
            with lock:
                answers[i] = answer

        dead = f"127.0.0.1:{cluster.app_ports[0]}"
        with ThreadPoolExecutor(max_workers=16) as pool:
            futures = [pool.submit(citizen, i) for i in range(CITIZENS)]
            while len(answers) < CITIZENS // 4:
                time.sleep(0.02)
            # Mid-rush: one app server, one dispatcher and the scheduler die without warning.
            killed_at = time.time()
            cluster.processes["web1"].kill()
            cluster.processes["dispatcher1"].kill()
            cluster.processes["scheduler1"].kill()
            for f in futures:
                f.result()

        # Every citizen got an answer: booked (201, or 200 for a retry the server had already
        # booked), or told the day is full; nothing else.
        final = {i: (a.status_code if a is not None else None) for i, a in answers.items()}
        assert set(final.values()) <= {200, 201, 409}, sorted(set(final.values()), key=str)
        booked = {i: answers[i].json() for i, s in final.items() if s in (200, 201)}
        full = [i for i, s in final.items() if s == 409]
        assert all(answers[i].json()["error"]["code"] == "capacity_full" for i in full)

        # Every place at most once, every booking told about exists once and no other does.
        rows = _rows(
            cluster.database_url,
            "SELECT o.code, b.seq, b.number, b.token FROM bookings b JOIN offices o ON o.id = b.office_id",
        )
        assert sorted(r[3] for r in rows) == sorted(b["token"] for b in booked.values())
        for code in OFFICES:
            seqs = sorted(r[1] for r in rows if r[0] == code)
            assert seqs == list(range(1, PLACES + 1)), f"{code}: {seqs}"  # full, gap-free, no place twice
        quotas = _rows(cluster.database_url, "SELECT used, last_seq FROM daily_quotas WHERE channel = 'web'")
        assert sorted(quotas) == [(PLACES, PLACES)] * 3
        assert len(full) == CITIZENS - 3 * PLACES

        # nginx stopped sending to the dead server: after the kill, only the odd probe reaches it
        # (once per fail_timeout), and every read through nginx is answered.
        reads = [requests.get(f"{cluster.base}/api/v1/offices", timeout=TIMEOUT, verify=False) for _ in range(20)]
        assert {r.status_code for r in reads} == {200}
        # Requests nginx received after the kill (by when they came in, not by log order: a
        # request the dead server answered just before it died can be logged a moment later).
        after_kill = [row for row in cluster.upstreams_logged() if row[3] > killed_at + 0.05]
        sent_to_dead = [row for row in after_kill if dead in row[2]]
        assert len(after_kill) > 20 and len(sent_to_dead) <= 6, sent_to_dead
        assert all(row[2][-1] != dead for row in after_kill if row[1] in ("200", "201")), after_kill

        # The standby scheduler took over; the surviving dispatcher sent every confirmation.
        cluster.wait_for_log("scheduler2", "scheduler started", 30)
        phones = {f"+6681{i:07d}" for i in booked}
        deadline = time.monotonic() + 40
        while not phones <= {m["form"]["To"] for m in twilio.delivered()} and time.monotonic() < deadline:
            time.sleep(0.2)
        sent_to = [m["form"]["To"] for m in twilio.delivered()]
        assert phones <= set(sent_to), f"{len(phones - set(sent_to))} booked citizens got no SMS"
        assert set(sent_to) <= phones  # no message to anyone who was not booked

        # Limits count each citizen, not the proxy: one address is stopped after 10 bookings a
        # minute (also when it writes its own X-Forwarded-For), while another books at once.
        greedy = session_from("127.2.0.1")
        statuses = [
            greedy.post(f"{cluster.base}/api/v1/bookings", json={"office": "nowhere"}, timeout=TIMEOUT, verify=False,
                        headers={"X-Forwarded-For": f"10.9.9.{n}"}).status_code
            for n in range(11)
        ]  # fmt: skip
        assert statuses[-1] == 429 and 429 not in statuses[:10]
        other = session_from("127.2.0.2").post(f"{cluster.base}/api/v1/bookings", json={"office": "nowhere"},
                                              timeout=TIMEOUT, verify=False)  # fmt: skip
        assert other.status_code != 429
        print(f"cluster up in {booting:.0f} s, whole run {time.monotonic() - started:.0f} s; "
              f"{len(booked)} booked, {len(full)} told full, {len(sent_to) - len(phones)} SMS sent twice")  # fmt: skip
    finally:
        cluster.stop()
        inbox.stop()
        twilio.stop()
