"""Eight clerks pressing "call next" at once, over real HTTP, on SQLite and PostgreSQL:
every waiting ticket is called exactly once, and no counter gets a ticket twice."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.extensions import db
from app.models import Booking
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import make_office
from tests.integration.test_office_floor import add_clerk

pytestmark = pytest.mark.slow

CLERKS = 8
TICKETS = 40


def test_eight_clerks_calling_at_once_call_every_ticket_exactly_once(live_server):
    office = make_office(counters={n: ["walk_in"] for n in range(1, CLERKS + 1)})
    register_kiosk(office, "Door", "race-kiosk-key")
    db.session.commit()
    counters = [c.id for c in office_rules(office.code).counters]
    headers = [add_clerk(f"clerk{n}", office.id) for n in range(CLERKS)]
    with requests.Session() as http:
        issued = [
            http.post(f"{live_server}/api/v1/offices/{office.code}/tickets", json={"service": "id-card"},
                      headers={"X-Kiosk-Key": "race-kiosk-key"}, timeout=30).json()["number"]
            for _ in range(TICKETS)
        ]  # fmt: skip
    db.session.remove()
    barrier = threading.Barrier(CLERKS)

    def clerk(n: int) -> list[tuple[str, int]]:
        calls = []
        with requests.Session() as http:
            barrier.wait()
            while True:
                response = http.post(f"{live_server}/api/v1/counters/{counters[n]}/call-next", headers=headers[n],
                                     timeout=60)  # fmt: skip
                if response.status_code == 204:
                    return calls
                assert response.status_code == 200, response.text
                calls.append((response.json()["number"], response.json()["counter"]["id"]))

    with ThreadPoolExecutor(max_workers=CLERKS) as pool:
        results = list(pool.map(clerk, range(CLERKS)))

    called = [number for calls in results for number, _ in calls]
    assert sorted(called) == sorted(issued)  # each exactly once
    assert max(Counter(called).values()) == 1
    assert all(counter == counters[n] for n, calls in enumerate(results) for _, counter in calls)
    assert sum(1 for calls in results if calls) > 1  # the clerks really took turns
    rows = db.session.query(Booking.status, Booking.counter_id).all()
    assert {status for status, _ in rows} == {"called"}
