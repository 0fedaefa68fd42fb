"""Many people booking the last places at once: exactly the free places succeed.

Real HTTP requests from many threads against a threaded server, on SQLite and on
PostgreSQL. The rest are told `409 capacity_full`; numbers are unique and gap-free.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import time

import pytest
import requests

from app.extensions import db
from tests.factories import make_office, mobile_booking, web_booking

pytestmark = pytest.mark.slow

BOOKERS = 32


def _race(base_url: str, bodies: list[dict]) -> list[requests.Response]:
    """Fire all bodies at once (a barrier lines the threads up before the first request)."""
    import threading

    barrier = threading.Barrier(len(bodies))

    def post(body):
        with requests.Session() as http:
            barrier.wait()
            return http.post(f"{base_url}/api/v1/bookings", json=body, timeout=60)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _sequence(numbers: list[str], prefix: str) -> list[int]:
    assert all(n.startswith(prefix) for n in numbers), numbers
    return sorted(int(n[len(prefix) :]) for n in numbers)


def test_the_last_places_of_a_web_slot_go_to_exactly_that_many_bookers(app, live_server, client):
    office = make_office(web_slot_capacity=12, capacity={"walk_in": 100, "web": 100, "mobile": 20})
    code = office.code
    # Nine of twelve places are gone before the rush.
    for serial in range(9):
        assert (
            client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-24", serial=serial)).status_code == 201
        )
    db.session.remove()

    bodies = [web_booking(code, date="2026-11-24", serial=100 + i) for i in range(BOOKERS)]
    responses = _race(live_server, bodies)

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 3, [r.json() for r in responses if r.status_code != 409]
    assert statuses.count(409) == BOOKERS - 3
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"capacity_full"}
    winners = [r.json()["number"] for r in responses if r.status_code == 201]
    assert _sequence(winners, "W") == [10, 11, 12]

    slot = client.get(f"/api/v1/offices/{code}/availability?date=2026-11-24").json["slots"]
    nine = next(s for s in slot if s["start"] == "09:00")
    assert nine["remaining"] == 0 and nine["capacity"] == 12


def test_the_last_places_of_a_days_mobile_capacity_go_to_exactly_that_many_bookers(app, live_server, client):
    office = make_office(capacity={"walk_in": 100, "web": 40, "mobile": 10})
    code = office.code
    for serial in range(6):
        assert client.post("/api/v1/bookings", json=mobile_booking(code, serial=serial)).status_code == 201
    db.session.remove()

    responses = _race(live_server, [mobile_booking(code, serial=100 + i) for i in range(BOOKERS)])

    created = [r.json() for r in responses if r.status_code == 201]
    refused = [r.json() for r in responses if r.status_code != 201]
    assert len(created) == 4
    assert {e["error"]["code"] for e in refused} == {"capacity_full"}
    everyone = client.get(f"/api/v1/offices/{code}/availability").json["channels"]["mobile"]
    assert everyone == {"capacity": 10, "used": 10, "remaining": 0}
    assert _sequence([b["number"] for b in created], "M") == [7, 8, 9, 10]


def test_a_rush_on_a_whole_day_numbers_every_booking_once_without_gaps(app, live_server, client):
    # Many windows, a day's web capacity smaller than the windows' sum: the day is the limit.
    office = make_office(web_slot_capacity=50, capacity={"walk_in": 100, "web": 20, "mobile": 20})
    code = office.code
    db.session.remove()
    slots = [f"{h:02d}:{m:02d}" for h in (9, 10, 11, 13, 14) for m in (0, 30)]
    bodies = [web_booking(code, date="2026-11-24", slot=slots[i % len(slots)], serial=i) for i in range(BOOKERS)]

    responses = _race(live_server, bodies)

    winners = [r.json()["number"] for r in responses if r.status_code == 201]
    assert _sequence(winners, "W") == list(range(1, 21))
    assert sum(r.status_code == 409 for r in responses) == BOOKERS - 20


def test_the_same_person_booking_twice_at_once_gets_one_booking(app, live_server, client):
    office = make_office()
    code = office.code
    db.session.remove()
    # Same national ID, different windows, eight tabs at once.
    bodies = [
        web_booking(code, date="2026-11-24", slot=s, serial=7)
        for s in ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30")
    ]

    responses = _race(live_server, bodies)

    assert sum(r.status_code == 201 for r in responses) == 1
    assert {r.json()["error"]["code"] for r in responses if r.status_code != 201} == {"already_booked"}
    # The losers' places were given back: only one web place is used.
    web = client.get(f"/api/v1/offices/{code}/availability?date=2026-11-24").json["channels"]["web"]
    assert web["used"] == 1


def test_numbers_already_given_are_not_reused_after_a_cancellation(app, client):
    office = make_office(capacity={"walk_in": 100, "web": 2, "mobile": 20})
    code = office.code
    first = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-24", serial=1)).json
    client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-24", serial=2))
    assert client.delete(f"/api/v1/bookings/{first['token']}").status_code == 200

    third = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-24", serial=3))

    assert third.status_code == 201
    assert third.json["number"] == "W003"  # the place came back, the number W001 did not
    assert time.fromisoformat(third.json["slot_start"]) == time(9, 0)
