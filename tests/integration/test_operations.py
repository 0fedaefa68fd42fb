"""Health, readiness and metrics as the contract's "Operations" section says (both engines).

What an IT officer's load balancer and Prometheus see: /healthz answers without the
database, /readyz says why a server is not ready, /metrics is closed without its token and
counts bookings by outcome, requests by route (never a token), the outbox and people waiting.
"""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter
from tests.factories import make_office, web_booking
from tests.support.http import free_port

TOKEN = "metrics-token-for-tests-0123456789"
TUESDAY = "2026-11-24"


def samples(body: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a Prometheus text exposition."""
    out = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return samples(response.get_data(as_text=True))


def value(figures, name, **labels) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_healthz_answers_without_a_database_and_readyz_says_why_not():
    # A server whose database cannot be reached (nothing listens on that port).
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://khiw@127.0.0.1:{free_port()}/nowhere?connect_timeout=2"}
    )
    client = app.test_client()

    health = client.get("/healthz")
    assert (health.status_code, health.json) == (200, {"status": "ok"})
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {"status": "not_ready", "reason": "database unreachable"}


def test_readyz_is_ready_on_a_migrated_database_and_not_on_an_old_schema(app, client):
    assert client.get("/readyz").json == {"status": "ready"}

    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()  # (inside the test's transaction: rolled back afterwards)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["status"] == "not_ready"
    assert "0001" in ready.json["reason"] and "db upgrade" in ready.json["reason"]


def test_metrics_are_closed_without_their_token(app, client):
    assert client.get("/metrics").status_code == 404  # METRICS_TOKEN unset: nothing there
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@pytest.mark.own_app  # limiter.init_app
def test_operations_endpoints_are_not_rate_limited(app, client):
    # Limits on, with an application-wide limit an operator could set: every other address is
    # refused after 5 requests a minute, a monitor polling the operations endpoints never.
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="5 per minute", METRICS_TOKEN=TOKEN)
    limiter.init_app(app)
    try:
        for _ in range(40):
            assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        pages = [client.get("/").status_code for _ in range(6)]
        assert pages == [200] * 5 + [429]  # the limit is on: only the operations endpoints are spared
    finally:
        limiter.limit_manager.set_application_limits([])  # the limiter outlives this test's app


def test_metrics_count_bookings_by_outcome_requests_by_route_and_read_the_outbox(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    office = make_office(web_slot_capacity=1)
    before = scrape(client)

    first = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=1, phone="0812345678"))
    assert first.status_code == 201
    full = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=2))
    assert full.json["error"]["code"] == "capacity_full"
    token = first.json["token"]
    assert client.get(f"/api/v1/bookings/{token}").status_code == 200

    after = scrape(client)
    booked = value(after, "khiw_bookings_total", office=office.code, channel="web", outcome="booked")
    refused = value(after, "khiw_bookings_total", office=office.code, channel="web", outcome="capacity_full")
    assert (booked, refused) == (1, 1)
    route = "/api/v1/bookings/<token>"
    assert (
        value(after, "khiw_http_requests_total", route=route, status="200")
        - value(before, "khiw_http_requests_total", route=route, status="200")
        == 1
    )
    assert value(after, "khiw_http_request_duration_seconds_count", route=route) >= 1
    body = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert token not in body and "0812345678" not in body
    # The confirmation SMS waits in the outbox (no dispatcher runs here).
    assert value(after, "khiw_outbox_pending", channel="sms") >= 1
    assert ("khiw_outbox_oldest_pending_seconds", ()) in after


def test_metrics_read_dead_letters_and_people_waiting_from_the_database(app, client, clock):
    from datetime import timedelta

    from tests.factories import bangkok

    app.config["METRICS_TOKEN"] = TOKEN
    office = make_office()
    today = bangkok(2026, 11, 23, 10).date().isoformat()
    made = client.post("/api/v1/bookings", json=web_booking(office.code, date=today, slot="15:00", serial=3,
                                                            phone="0812345679"))  # fmt: skip
    assert made.status_code == 201, made.json
    db.session.execute(text("UPDATE bookings SET status = 'waiting' WHERE office_id = :office"), {"office": office.id})
    db.session.execute(text("UPDATE outbox SET status = 'dead' WHERE channel = 'sms'"))
    db.session.commit()
    clock.set(clock() + timedelta(minutes=5))

    figures = scrape(client)
    assert value(figures, "khiw_waiting", office=office.code, channel="web") == 1
    assert value(figures, "khiw_dead_letters_total", channel="sms") >= 1
    assert value(figures, "khiw_outbox_pending", channel="sms") == 0
