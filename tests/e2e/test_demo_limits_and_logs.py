"""The system as scripts/demo starts it — gunicorn with several workers (-c gunicorn.conf.py),
the scheduler beside it, the access log in a file — keeps its limits across all workers and
writes no token, phone number, e-mail address or name into any log.

One run of scripts/demo (WORKERS=3, ACCESS_LOG=a file): book with a name, phone and
e-mail; read the status page; fail a sign-in 30 times on new connections; then read every
line the system wrote (access log, gunicorn's error log, the scheduler's output), and the
modes of the files it created.
"""

from __future__ import annotations

import os
import re
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from config import RATE_LIMITS
from tests.support.http import HTTP_TIMEOUT, running_demo

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

NAME = "สมศรี ล็อกไม่มีชื่อ"
PHONE = "0812345679"
PHONE_FORMS = (PHONE, "+66812345679", "812345679", "081-234-5679")
EMAIL = "somsri.nolog@example.org"
NATIONAL_ID = "3101700230704"
#: The access log with the worker's pid in front, to see the attempts reach several workers.
ACCESS_FORMAT = '%(p)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


@pytest.fixture
def demo(tmp_path):
    env = {
        "WORKERS": "3",
        "ACCESS_LOG": str(tmp_path / "access.log"),
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
        # The demo's own limits and store, whatever this shell sets.
        **{name: None for name in os.environ if name.startswith("RATELIMIT_")},
    }
    with running_demo(tmp_path, env) as base:
        yield base, tmp_path


def _book(base: str) -> str:
    for offset in range(1, 15):
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))
        slots = requests.get(f"{base}/api/v1/offices/pa-sang/availability", params={"date": day}, timeout=HTTP_TIMEOUT)
        free = [s for s in slots.json()["slots"] if s["bookable"]]
        if free:
            break
    else:
        pytest.fail("no bookable window at pa-sang in the next two weeks")
    body = {"office": "pa-sang", "service": "id-card", "channel": "web", "name": NAME, "national_id": NATIONAL_ID,
            "phone": PHONE, "email": EMAIL, "date": day, "slot": free[0]["start"]}  # fmt: skip
    booked = requests.post(f"{base}/api/v1/bookings", json=body, timeout=HTTP_TIMEOUT)
    assert booked.status_code == 201, booked.text
    assert booked.headers["Cache-Control"] == "no-store"
    return booked.json()["token"]


def _fail_to_sign_in(base: str, _attempt: int) -> int:
    # A new connection each time (no session), as a script spreading its tries would.
    body = {"username": "demo", "password": "not-the-password"}
    return requests.post(f"{base}/api/v1/auth/token", json=body, timeout=HTTP_TIMEOUT).status_code


def test_limits_hold_across_workers_and_no_log_line_holds_a_token_or_personal_data(demo):
    base, tmp_path = demo
    token = _book(base)

    page = requests.get(f"{base}/b/{token}", timeout=HTTP_TIMEOUT)
    assert page.status_code == 200 and NAME not in page.text  # the page shows the number, not the name
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Server" not in page.headers  # no server name or version for a scanner
    assert requests.get(f"{base}/api/v1/bookings/{token}?lang=en", timeout=HTTP_TIMEOUT).ok

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda i: _fail_to_sign_in(base, i), range(30)))
    allowed = int(RATE_LIMITS["LOGIN"][1].split()[0])  # the configured tries per username a minute
    assert statuses.count(401) == allowed, statuses
    assert statuses.count(429) == 30 - allowed

    # The scheduler delivers the confirmation (console backend) within a few seconds.
    deadline = time.monotonic() + 30
    while "(booked) ---" not in (tmp_path / "demo.log").read_text():
        assert time.monotonic() < deadline, "the scheduler printed no confirmation"
        time.sleep(0.2)

    # gunicorn writes an access line after the answer has gone: the last few may come late.
    deadline = time.monotonic() + 30
    while True:
        access = (tmp_path / "access.log").read_text()
        sign_ins = [line for line in access.splitlines() if "/api/v1/auth/token" in line]
        if len(sign_ins) >= 30 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(sign_ins) == 30
    assert len({line.split()[0] for line in sign_ins}) >= 2, "the attempts did not reach several workers"
    assert f"/b/{token}" not in access and '"GET /b/*** HTTP/1.1" 200' in access

    everything = access + (tmp_path / "demo.log").read_text()
    for secret in (token, NAME, EMAIL, NATIONAL_ID, *PHONE_FORMS):
        assert secret not in everything, f"a log line holds {secret!r}"
    assert re.search(r"/b/\*\*\*", everything)

    # Every file with personal data or secrets is readable by its owner only.
    for name in ("demo.db", "demo.db-wal", "demo.db-shm", "demo.db-ratelimits", "logins.txt", "access.log"):
        path = tmp_path / name
        assert path.exists(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{name} is {oct(path.stat().st_mode)}"
