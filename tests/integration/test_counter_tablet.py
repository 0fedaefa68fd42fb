"""The satisfaction tablet at each counter (issue 17 §1): paired with its own key, it shows
the faces for the visit the clerk has just finished there, stores one tap against the visit's
ticket, counter, clerk and service, counts it in the report as an answer to the overall item,
and leaves the visit's full survey open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CounterTap, Kiosk, Staff, SurveyAnswer, SurveyResponse
from app.services import admin_staff
from app.services.auth import member, register_kiosk
from app.services.office_rules import office_rules
from tests.factories import add_clerk, make_office

KIOSK_KEY = "front-door-key-123"


@pytest.fixture
def floor(app, client):
    office = make_office(counters={1: ["walk_in"], 2: ["walk_in"], 3: ["web", "mobile"]})
    register_kiosk(office, "Front door", KIOSK_KEY)
    db.session.add(Staff(username="admin1", password_hash="-", display_name="Admin", role="admin"))
    db.session.commit()
    admin = member(db.session.scalar(select(Staff).where(Staff.username == "admin1")))
    tablet, key = admin_staff.create_kiosk(office.code, admin, "Counter 1 tablet", now=app.config["CLOCK"](),
                                           counter_number=1)  # fmt: skip
    _, other_key = admin_staff.create_kiosk(office.code, admin, "Counter 2 tablet", now=app.config["CLOCK"](),
                                            counter_number=2)  # fmt: skip
    counters = {c.number: c.id for c in office_rules(office.code).counters}
    return {"office": office, "key": key, "other_key": other_key, "tablet_id": tablet.id, "counters": counters,
            "clerk": add_clerk("clerk1", office.id), "head": add_clerk("head1", office.id, role="head")}  # fmt: skip


def served(client, floor, phone=None):
    """A walk-in ticket called, served and finished at counter 1 by clerk1."""
    body = {"service": "id-card", **({"phone": phone} if phone else {})}
    ticket = client.post(f"/api/v1/offices/{floor['office'].code}/tickets", json=body,
                         headers={"X-Kiosk-Key": KIOSK_KEY}).json  # fmt: skip
    client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next", headers=floor["clerk"])
    client.post(f"/api/v1/tickets/{ticket['token']}/start", headers=floor["clerk"])
    client.post(f"/api/v1/tickets/{ticket['token']}/done", headers=floor["clerk"])
    return ticket


def visit(client, floor, number=1, key=None):
    return client.get(f"/rate/{floor['office'].code}/{number}/visit", headers={"X-Rate-Key": key or floor["key"]})


def tap(client, floor, visit_id, rating="very_satisfied", number=1, key=None):
    return client.post(f"/rate/{floor['office'].code}/{number}/taps", json={"visit": visit_id, "rating": rating},
                       headers={"X-Rate-Key": key or floor["key"], "Accept-Language": "en"})  # fmt: skip


def test_done_at_the_counter_shows_the_faces_and_a_tap_counts_in_the_report(client, floor, clock):
    ticket = served(client, floor)
    shown = visit(client, floor).json["visit"]
    elsewhere = visit(client, floor, number=2, key=floor["other_key"]).json["visit"]

    assert shown["number"] == ticket["number"] and shown["service"] == "ทำบัตรประจำตัวประชาชน"
    assert "token" not in shown and ticket["token"] not in str(shown)  # the tablet never holds the token
    assert elsewhere is None  # only the counter that served it

    assert tap(client, floor, shown["id"]).status_code == 201
    response = db.session.scalars(select(SurveyResponse)).one()
    clerk = db.session.scalar(select(Staff).where(Staff.username == "clerk1"))
    assert (response.booking_id, response.counter_id, response.staff_id, response.channel) == (
        None, floor["counters"][1], clerk.id, "walk_in")  # fmt: skip
    answer = db.session.scalars(select(SurveyAnswer)).one()
    assert (answer.question_id, answer.group, answer.rating) == ("overall", "service_quality", "very_satisfied")
    assert db.session.scalars(select(CounterTap)).one().tablet_id == floor["tablet_id"]
    assert visit(client, floor).json["visit"] is None  # rated: the tablet goes back to idle

    report = client.get(f"/api/v1/offices/{floor['office'].code}/report?from=2026-11-23&to=2026-11-23",
                        headers=floor["head"]).json["satisfaction"]  # fmt: skip
    assert (report["responses"], report["satisfied_pct"], report["groups"]["service_quality"]) == (1, 100.0, 100.0)
    survey = client.get(f"/api/v1/bookings/{ticket['token']}/survey").json
    assert survey["open"] is True and survey["answered"] is False  # the full survey stays open


def test_a_visit_is_rated_once_soon_after_it_finished(client, floor, clock):
    served(client, floor)
    shown = visit(client, floor).json["visit"]
    assert tap(client, floor, shown["id"], rating="dissatisfied").status_code == 201
    again = tap(client, floor, shown["id"])
    assert (again.status_code, again.json["error"]["code"]) == (409, "invalid_state")
    assert db.session.scalars(select(SurveyResponse)).one().needs_follow_up is True  # the head follows it up

    second = served(client, floor)
    clock.set(clock() + timedelta(minutes=3))
    assert visit(client, floor).json["visit"] is None  # the next citizen sits down by then
    clock.set(clock() + timedelta(minutes=10))
    late = tap(client, floor, db.session.scalar(select(CounterTap.booking_id)) + 1)
    assert late.status_code == 409 and "too long ago" in late.json["error"]["message"]
    assert second["number"] != shown["number"]


@pytest.mark.parametrize("rating", ["5", "", None, ["very_satisfied"]])
def test_a_tap_that_is_no_face_names_the_rating_field(client, floor, rating):
    served(client, floor)
    response = tap(client, floor, visit(client, floor).json["visit"]["id"], rating=rating)
    assert (response.status_code, response.json["error"]["field"]) == (400, "rating")
    assert db.session.scalars(select(SurveyResponse)).all() == []


def test_only_the_counters_own_tablet_key_rates_its_visits(client, floor):
    served(client, floor)
    visit_id = visit(client, floor).json["visit"]["id"]
    no_key = client.post(f"/rate/{floor['office'].code}/1/taps", json={"visit": visit_id, "rating": "satisfied"})
    kiosk_key = tap(client, floor, visit_id, key=KIOSK_KEY)
    other_counter = tap(client, floor, visit_id, key=floor["other_key"])
    other_counter_here = tap(client, floor, visit_id, number=2, key=floor["other_key"])
    clerk_token = client.post(f"/rate/{floor['office'].code}/1/taps", json={"visit": visit_id, "rating": "satisfied"},
                              headers=floor["clerk"])  # fmt: skip
    tablet_as_kiosk = client.post(f"/api/v1/offices/{floor['office'].code}/tickets", json={"service": "id-card"},
                                  headers={"X-Kiosk-Key": floor["key"]})  # fmt: skip

    assert [r.status_code for r in (no_key, kiosk_key, other_counter, clerk_token)] == [401, 401, 403, 401]
    assert other_counter_here.status_code == 404  # a visit of another counter is not there
    assert tablet_as_kiosk.status_code == 401  # each key works only for its own kind of device
    assert db.session.scalars(select(SurveyResponse)).all() == []


def test_the_tablets_key_is_made_by_the_admin_beside_the_kiosk_keys_and_audited(client, floor):
    tablet = db.session.get(Kiosk, floor["tablet_id"])
    assert (tablet.kind, tablet.counter_id) == ("rating", floor["counters"][1])
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "kiosk")).first()
    assert audit.after == {"name": "Counter 1 tablet", "active": True, "counter": 1}


def test_the_full_form_from_the_tablet_or_the_citizens_phone(client, floor, clock):
    ticket = served(client, floor)
    shown = visit(client, floor).json["visit"]
    tap(client, floor, shown["id"])

    phone = client.get(shown["survey_qr"].removesuffix("/qr.png"))
    assert phone.status_code == 303 and phone.headers["Location"].endswith(f"/b/{ticket['token']}/survey")
    assert client.get(shown["survey_qr"]).data.startswith(b"\x89PNG")

    here = client.post(f"/rate/{floor['office'].code}/1/survey", headers={"X-Rate-Key": floor["key"]},
                       json={"visit": shown["id"], "answers": {"staff_3": "satisfied"}})  # fmt: skip
    assert here.status_code == 201
    full = db.session.scalars(select(SurveyResponse).where(SurveyResponse.booking_id.is_not(None))).one()
    assert full.counter_id == floor["counters"][1]
    assert client.get(f"/api/v1/bookings/{ticket['token']}/survey").json["answered"] is True

    clock.set(clock() + timedelta(minutes=16))
    expired = client.get(shown["survey_qr"].removesuffix("/qr.png"))
    assert expired.status_code == 404 and ticket["token"] not in expired.get_data(as_text=True)


def test_the_admin_page_makes_a_counters_tablet_key_that_pairs_only_that_tablet(client, floor):
    import re

    from werkzeug.security import generate_password_hash

    db.session.add(Staff(username="head-page", password_hash=generate_password_hash("correct horse battery"),
                         display_name="Head", role="head", office_id=floor["office"].id))  # fmt: skip
    db.session.commit()

    def csrf(page):
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = client.get("/admin/login").get_data(as_text=True)
    client.post("/admin/login", data={"username": "head-page", "password": "correct horse battery",
                                       "csrf_token": csrf(login)})  # fmt: skip
    page = client.get(f"/admin/{floor['office'].code}/staff").get_data(as_text=True)
    assert 'value="counter:2"' in page  # the form offers each counter's tablet beside the kiosk
    made = client.post(f"/admin/{floor['office'].code}/kiosks",
                       data={"name": "Tablet 2", "device": "counter:2", "csrf_token": csrf(page)})  # fmt: skip
    key = re.search(r'id="kiosk-key">([^<]+)<', made.get_data(as_text=True)).group(1)
    listed = client.get(f"/admin/{floor['office'].code}/staff").get_data(as_text=True)

    assert made.status_code == 201 and "แท็บเล็ตประเมินความพึงพอใจ ช่องบริการ 2" in listed
    assert visit(client, floor, number=2, key=key).status_code == 200
    assert visit(client, floor, number=1, key=key).status_code == 403
    wrong = client.post(f"/admin/{floor['office'].code}/kiosks",
                        data={"name": "Tablet 9", "device": "counter:9", "csrf_token": csrf(page)})  # fmt: skip
    assert wrong.status_code == 302 and db.session.scalars(select(Kiosk).where(Kiosk.name == "Tablet 9")).all() == []
