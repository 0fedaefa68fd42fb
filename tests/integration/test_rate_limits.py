"""Rate limits per client address and per person, and the store every process shares.

The per-person limits (phone, national ID, booking token, booking reference, username) hold
whatever address the requests come from: behind carrier NAT many citizens share one address,
and one client can use many. The ``database://`` store counts each hit once in one row that
every worker and every server shares (processes: tests/e2e/test_shared_rate_limits.py).
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading

import pytest
from sqlalchemy import create_engine, select

from app.extensions import limiter
from app.models import RateLimitCounter
from app.ratelimit_storage import DatabaseStorage, counters_url
from tests.factories import make_office, mobile_booking, thai_mobile, web_booking

TUESDAY = "2026-11-24"


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def limits_on(app):
    """Turn the limits on with the given settings (each test app counts in its own memory)."""

    def turn_on(**settings):
        app.config.update(RATELIMIT_ENABLED=True, **settings)
        limiter.init_app(app)

    return turn_on


def test_one_phone_number_is_limited_from_every_address(app, client, limits_on):
    limits_on(RATELIMIT_BOOKING="100 per minute", RATELIMIT_BOOKING_PERSON="2 per minute")
    office = make_office()
    phone = thai_mobile(7)

    statuses = [
        client.post(
            "/api/v1/bookings", json=mobile_booking(office.code, phone=phone, serial=i), **_from(f"198.51.100.{i}")
        ).status_code
        for i in range(3)
    ]
    other_phone = client.post("/api/v1/bookings", json=mobile_booking(office.code, serial=8), **_from("198.51.100.1"))

    assert statuses == [201, 409, 429]  # booked, already booked, then no more tries
    assert other_phone.status_code == 201


def test_one_national_id_is_limited_from_every_address(app, client, limits_on):
    limits_on(RATELIMIT_BOOKING="100 per minute", RATELIMIT_BOOKING_PERSON="2 per minute")
    office = make_office()
    body = web_booking(office.code, date=TUESDAY, serial=3)

    first, second, third = (client.post("/api/v1/bookings", json=body, **_from(f"198.51.100.{i}")) for i in range(3))
    another_person = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=4), **_from("198.51.100.2")
    )

    assert first.status_code == 201 and second.status_code == 409  # already booked
    assert third.status_code == 429 and third.json["error"]["code"] == "rate_limited"
    assert int(third.headers["Retry-After"]) > 0
    assert another_person.status_code == 201


def test_an_address_shared_by_many_people_gets_the_generous_limit(client, limits_on):
    limits_on(RATELIMIT_BOOKING="3 per minute", RATELIMIT_BOOKING_PERSON="2 per minute")
    office = make_office(web_slot_capacity=10)
    statuses = [
        client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=i)).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]  # four people behind one address: the address limit


def test_guessing_the_last_digits_of_one_booking_is_limited_per_booking(app, client, limits_on):
    limits_on(RATELIMIT_FIND="100 per minute", RATELIMIT_FIND_PERSON="3 per hour")
    app.config["WTF_CSRF_ENABLED"] = False
    office = make_office()

    def find(number: str, last4: str, address: str) -> int:
        form = {"office": office.code, "date": TUESDAY, "number": number, "last4": last4, "action": "find"}
        return client.post("/find", data=form, **_from(address)).status_code

    guesses = [find("W001", f"{i:04d}", f"203.0.113.{i}") for i in range(4)]
    another_booking = find("W002", "0000", "203.0.113.1")
    limited = client.post(
        "/find", data={"office": office.code, "date": TUESDAY, "number": "W001", "last4": "9999", "action": "find"},
        **_from("203.0.113.9"),
    )  # fmt: skip

    assert guesses == [200, 200, 200, 429]
    assert another_booking == 200
    assert "text/html" in limited.content_type and limited.headers["Retry-After"]


def test_wrong_passwords_for_one_username_from_one_address_are_limited_across_the_api_and_the_console(
    app, client, limits_on, monkeypatch
):
    monkeypatch.setattr("app.web.signin.time.sleep", lambda _seconds: None)  # the slow-down is tested elsewhere
    limits_on(RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_PERSON="3 per minute")
    app.config["WTF_CSRF_ENABLED"] = False

    def api(username: str, address: str) -> int:
        body = {"username": username, "password": "wrong-password"}
        return client.post("/api/v1/auth/token", json=body, **_from(address)).status_code

    def console(username: str, address: str):
        return client.post("/counter/login", data={"username": username, "password": "x"}, **_from(address))

    attempts = [api("clerk1", "192.0.2.1"), api("CLERK1", "192.0.2.1"), console("clerk1", "192.0.2.1").status_code]
    limited_page = console("clerk1", "192.0.2.1")

    assert attempts == [401, 401, 200]  # the console shows its form again with an error
    assert limited_page.status_code == 429 and "text/html" in limited_page.content_type
    assert api("clerk1", "192.0.2.4") == 401  # another address is not refused for that (tests: test_staff_sign_in)
    assert api("clerk2", "192.0.2.1") == 401


def test_confirming_one_booking_is_limited_per_token(app, limits_on):
    from app.web.context import confirm_rate

    @confirm_rate
    def confirm_for_test(token: str):
        return {"confirmed": token[:3]}

    app.add_url_rule("/test-only/bookings/<token>/confirm", view_func=confirm_for_test, methods=["POST"])
    limits_on(RATELIMIT_CONFIRM="100 per minute", RATELIMIT_CONFIRM_PERSON="2 per minute")
    client = app.test_client()
    url = "/test-only/bookings/{}/confirm"

    same_token = [client.post(url.format("a" * 43), **_from(f"192.0.2.{i}")).status_code for i in range(3)]
    other_token = client.post(url.format("b" * 43), **_from("192.0.2.1")).status_code

    assert same_token == [200, 200, 429]
    assert other_token == 200


def test_reading_one_booking_over_and_over_is_limited_per_token(client, limits_on):
    limits_on(RATELIMIT_LOOKUP="100 per minute", RATELIMIT_LOOKUP_PERSON="2 per minute")
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY)).json["token"]

    reads = [client.get(f"/api/v1/bookings/{token}", **_from(f"192.0.2.{i}")).status_code for i in range(3)]
    page = client.get(f"/b/{token}", **_from("192.0.2.9"))

    assert reads == [200, 200, 429]
    assert page.status_code == 429 and page.headers["Cache-Control"] == "no-store"


# --- the database:// store --------------------------------------------------------------


@pytest.fixture
def store(database_url):
    storage = DatabaseStorage("database://", database_url=database_url)
    yield storage
    storage.reset()


def test_the_database_store_counts_each_hit_once_under_concurrent_workers(store, database_url):
    # Two stores stand for two worker processes: each has its own connections.
    other_worker = DatabaseStorage("database://", database_url=database_url)
    counts: list[int] = []
    lock = threading.Lock()

    def hit(storage: DatabaseStorage) -> None:
        for _ in range(20):
            count = storage.incr("LIMITER/login/198.51.100.7", 60)
            with lock:
                counts.append(count)

    threads = [threading.Thread(target=hit, args=(s,)) for s in (store, other_worker) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(counts) == list(range(1, 121))  # every count handed out once: no lost update
    assert other_worker.get("LIMITER/login/198.51.100.7") == 120
    assert store.get_expiry("LIMITER/login/198.51.100.7") > 0


def test_a_window_starts_again_once_it_has_ended(store):
    assert store.incr("LIMITER/find/x", 0) == 1
    assert store.incr("LIMITER/find/x", 0) == 1  # the 0-second window had ended
    assert store.incr("LIMITER/find/y", 60) == 1
    assert store.incr("LIMITER/find/y", 60) == 2
    store.clear("LIMITER/find/y")
    assert store.get("LIMITER/find/y") == 0


def test_the_store_keeps_no_address_or_key_in_clear(store, database_url):
    store.incr("LIMITER/booking/198.51.100.7/booking", 60)
    engine = create_engine(counters_url(database_url))
    with engine.connect() as connection:
        keys = connection.scalars(select(RateLimitCounter.key)).all()
    engine.dispose()
    assert keys and all("198.51.100.7" not in key and len(key) == 64 for key in keys)


def test_on_sqlite_the_counts_live_beside_the_database_readable_by_its_owner_only(store, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps the counts in its own table")
    store.incr("LIMITER/x", 60)
    path = counters_url(database_url).removeprefix("sqlite:///")
    assert path.endswith(".db-ratelimits")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def _first_hit(url: str, start, results) -> None:
    start.wait()
    try:
        results.put(DatabaseStorage("database://", database_url=url).incr("LIMITER/login/198.51.100.9", 60))
    except Exception as exc:  # what a worker's first request would have met
        results.put(f"{type(exc).__name__}: {exc}".splitlines()[0])


def test_workers_that_open_a_new_sqlite_counts_file_together_all_count_in_it(tmp_path):
    # gunicorn's workers start together, and their first requests open the counts file at the
    # same moment. A look-then-create made all but one fail ("table already exists"), and
    # Flask-Limiter then counted in each worker's memory: a storm got one try too many.
    context = multiprocessing.get_context("fork")  # as gunicorn forks its workers
    for attempt in range(6):
        url = f"sqlite:///{tmp_path / f'khiw-{attempt}.db'}"
        start, results = context.Barrier(3), context.Queue()
        workers = [context.Process(target=_first_hit, args=(url, start, results)) for _ in range(3)]
        for worker in workers:
            worker.start()
        answers = sorted((results.get(timeout=60) for _ in workers), key=str)
        for worker in workers:
            worker.join(timeout=60)
        assert answers == [1, 2, 3], answers
