"""The README's first command, as a newcomer runs it: install, seed, serve; then book.

Runs scripts/demo for real (bootstrap, migrations, seed-demo, gunicorn) on a fresh
SQLite file and talks to it over HTTP.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.support.http import HTTP_TIMEOUT, running_demo

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def demo(tmp_path):
    with running_demo(tmp_path, {}) as base:
        yield base, tmp_path


def _get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=HTTP_TIMEOUT, **kwargs)


def test_a_newcomer_lists_offices_reads_availability_and_books(demo):
    base, tmp_path = demo
    offices = _get(f"{base}/api/v1/offices", headers={"Accept-Language": "en"}).json()
    pa_sang = next(o for o in offices if o["code"] == "pa-sang")
    assert pa_sang["name"] == "Pa Sang District Office"
    assert "id-card" in {s["code"] for s in pa_sang["services"]}

    # The next open day with a bookable window at Pa Sang.
    for offset in range(1, 15):
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))
        availability = _get(f"{base}/api/v1/offices/pa-sang/availability", params={"date": day}).json()
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
            "email": "somchai@example.org",
            "date": day,
            "slot": free[0]["start"],
        },
        timeout=HTTP_TIMEOUT,
    )
    assert booking.status_code == 201, booking.text
    assert booking.json()["number"] == "W001"
    assert _get(booking.json()["status_url"].replace("http://localhost:", "http://127.0.0.1:")).ok

    # The scheduler runs beside the web server and prints the confirmation (console backend).
    deadline = time.monotonic() + 30
    while "--- email to s***@example.org (booked) ---" not in (tmp_path / "demo.log").read_text():
        assert time.monotonic() < deadline, "the scheduler printed no confirmation e-mail"
        time.sleep(0.2)
    assert "somchai@example.org" not in (tmp_path / "demo.log").read_text()

    logins = (tmp_path / "logins.txt").read_text().splitlines()
    assert logins[0].startswith("staff: demo ") and any(line.startswith("kiosk: pa-sang ") for line in logins)
