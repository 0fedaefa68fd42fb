"""The README's first command, as a newcomer runs it: install, seed, serve; then book.

Runs scripts/demo for real (bootstrap, migrations, seed-demo, gunicorn) on a fresh
SQLite file and talks to it over HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "KHIW_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "PORT": str(port),
        "KHIW_DEMO_LOGINS": str(tmp_path / "logins.txt"),
    }
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen(
        ["bash", "scripts/demo"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(f"{base}/api/v1/offices", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("scripts/demo did not serve the API:\n" + (tmp_path / "demo.log").read_text()[-3000:])
            time.sleep(0.5)
        yield base, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_a_newcomer_lists_offices_reads_availability_and_books(demo):
    base, tmp_path = demo
    offices = requests.get(f"{base}/api/v1/offices", headers={"Accept-Language": "en"}).json()
    pa_sang = next(o for o in offices if o["code"] == "pa-sang")
    assert pa_sang["name"] == "Pa Sang District Office"
    assert "id-card" in {s["code"] for s in pa_sang["services"]}

    # The next open day with a bookable window at Pa Sang.
    for offset in range(1, 15):
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))
        availability = requests.get(f"{base}/api/v1/offices/pa-sang/availability", params={"date": day}).json()
        free = [s for s in availability["slots"] if s["bookable"]]
        if free:
            break
    else:
        pytest.fail("no bookable window at pa-sang in the next two weeks")

    booking = requests.post(
        f"{base}/api/v1/bookings",
        json={
            "office": "pa-sang",
            "service": "id-card",
            "channel": "web",
            "name": "สมชาย ใจดี",
            "national_id": "1101700230708",
            "date": day,
            "slot": free[0]["start"],
        },
    )
    assert booking.status_code == 201, booking.text
    assert booking.json()["number"] == "W001"
    assert requests.get(booking.json()["status_url"].replace("http://localhost:", "http://127.0.0.1:")).ok

    logins = (tmp_path / "logins.txt").read_text().splitlines()
    assert logins[0].startswith("staff: demo ") and any(line.startswith("kiosk: pa-sang ") for line in logins)
