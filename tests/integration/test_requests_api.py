"""Section 10 request tracking through the API: registering, the due date, the citizen's
read by token, the overdue list, status steps with the finishing message, delay notices,
role rules and error codes (both engines)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import OutboxMessage, Service, ServiceRequest
from tests.factories import add_clerk, bangkok, make_office, web_booking

# Monday 5 Oct 2026, 10:00 Bangkok. Chulalongkorn Day (Fri 23 Oct) is a closure of the office.
MONDAY = bangkok(2026, 10, 5)


@pytest.fixture
def offices(app, client, clock):
    clock.set(MONDAY)
    office = make_office(closures=[date(2026, 10, 23)])
    other = make_office()
    service = db.session.query(Service).filter_by(office_id=office.id).one()
    service.processing_days = 5  # the citizen's manual: 5 working days
    db.session.commit()
    return {
        "office": office,
        "other": other,
        "clerk": add_clerk("clerk1", office.id),
        "head": add_clerk("head1", office.id, "head"),
        "stranger": add_clerk("clerk9", other.id),
        "admin": add_clerk("admin1", None, "admin"),
    }


def register(client, offices, who="clerk", office=None, **body):
    payload = {"service": "id-card", "name": "สมชาย ใจดี", "phone": "0812345678", "email": "somchai@example.com",
               "submitted_on": "2026-10-05", **body}  # fmt: skip
    code = (office or offices["office"]).code
    return client.post(f"/api/v1/offices/{code}/requests", json=payload, headers=offices[who])


def test_a_clerk_registers_a_request_and_its_due_date_follows_the_manual(client, offices):
    response = register(client, offices)
    assert response.status_code == 201
    body = response.get_json()
    assert body["due_on"] == "2026-10-12"  # 5 working days from Tue 6 Oct
    assert body["status"] == "received"
    assert body["overdue"] is False and body["days_late"] == 0
    assert re.fullmatch(r"[A-Z0-9-]+-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", body["reference"])  # random part
    assert body["next_notice_on"] == "2026-10-13"
    assert body["status_url"].endswith(f"/r/{body['token']}")
    assert len(body["token"]) >= 22  # ≥128 bits, URL-safe
    assert "name" not in body and "phone" not in body
    assert [e["status"] for e in body["events"]] == ["received"]
    second = register(client, offices).get_json()
    assert second["reference"] != body["reference"]
    assert body["reference"].startswith(offices["office"].code.upper())


def test_the_office_reference_and_an_explicit_processing_time_are_kept(client, offices):
    body = register(client, offices, reference="ลพ 123/2569", processing_days=10, day_kind="calendar").get_json()
    assert body["reference"] == "ลพ 123/2569"
    assert body["due_on"] == "2026-10-15"
    again = register(client, offices, reference="ลพ 123/2569")  # the office has it: the state refuses it
    assert again.status_code == 409 and again.get_json()["error"]["field"] == "reference"


def test_a_holiday_of_the_office_inside_the_period_moves_the_due_date(client, offices, clock):
    clock.set(bangkok(2026, 10, 20))  # a filing date in the future is refused
    body = register(client, offices, submitted_on="2026-10-20").get_json()
    assert body["due_on"] == "2026-10-28"


@pytest.mark.parametrize(
    ("field", "value"),
    [("service", "no-such"), ("name", ""), ("phone", "12345"), ("email", "not-an-email"),
     ("submitted_on", "2569-10-05"), ("processing_days", -3), ("day_kind", "weekly"),
     ("booking_token", "x"), ("reference", "x" * 41)],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(client, offices, field, value):
    response = register(client, offices, **{field: value})
    # A well-formed name of something the office does not have is not found (the document's rule).
    assert response.status_code == (404 if field in ("service", "booking_token") else 400)
    assert response.get_json()["error"]["field"] == field
    assert db.session.query(ServiceRequest).count() == 0


def test_a_service_without_a_processing_time_asks_for_one(client, offices):
    response = register(client, offices, who="stranger", office=offices["other"])
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "processing_days"
    assert register(client, offices, who="stranger", office=offices["other"], processing_days=3).status_code == 201


def test_role_rules_another_office_is_forbidden_and_no_token_is_unauthorized(client, offices):
    assert register(client, offices, who="stranger").status_code == 403
    assert client.post(f"/api/v1/offices/{offices['office'].code}/requests", json={}).status_code == 401
    assert register(client, offices, who="head").status_code == 201
    assert register(client, offices, who="admin").status_code == 201
    token = register(client, offices).get_json()["token"]
    code = offices["office"].code
    assert client.get(f"/api/v1/offices/{code}/requests", headers=offices["stranger"]).status_code == 403
    moved = client.post(f"/api/v1/requests/{token}/status", json={"status": "in_progress"}, headers=offices["stranger"])
    assert moved.status_code == 403
    notice = client.post(f"/api/v1/requests/{token}/delay-notices", json={"reason": "x"}, headers=offices["stranger"])
    assert notice.status_code == 403
    assert client.post(f"/api/v1/requests/{token}/status", json={"status": "in_progress"}).status_code == 401


def test_the_citizen_reads_only_the_request_of_their_token(client, offices):
    mine = register(client, offices).get_json()
    theirs = register(client, offices, phone="0899999999").get_json()
    response = client.get(f"/api/v1/requests/{mine['token']}")
    assert response.status_code == 200
    assert response.get_json()["reference"] == mine["reference"] != theirs["reference"]
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/requests/{mine['token'][:-2]}xx").status_code == 404
    assert client.get("/api/v1/requests/short").status_code == 404


def test_steps_are_recorded_with_notes_and_finishing_notifies_the_citizen_at_once(client, offices):
    token = register(client, offices).get_json()["token"]
    headers = offices["clerk"]
    step = client.post(f"/api/v1/requests/{token}/status", json={"status": "waiting_for_citizen",
                       "note": "ขอสำเนาทะเบียนบ้านเพิ่มเติม"}, headers=headers)  # fmt: skip
    assert step.status_code == 200
    assert step.get_json()["events"][-1] == {
        "at": step.get_json()["events"][-1]["at"],
        "status": "waiting_for_citizen",
        "note": "ขอสำเนาทะเบียนบ้านเพิ่มเติม",
    }
    assert db.session.query(OutboxMessage).filter(OutboxMessage.kind.like("request%")).count() == 0
    done = client.post(f"/api/v1/requests/{token}/status", json={"status": "completed"}, headers=headers)
    assert done.get_json()["status"] == "completed"
    assert done.get_json()["next_notice_on"] is None
    sent = db.session.query(OutboxMessage).filter_by(kind="request_completed").all()
    assert [m.channel for m in sent] == ["email"]
    assert sent[0].facts["number"] and sent[0].facts["request_token"] == token
    again = client.post(f"/api/v1/requests/{token}/status", json={"status": "in_progress"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"
    bad = client.post(f"/api/v1/requests/{token}/status", json={"status": "lost"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"


def test_a_delay_notice_needs_an_overdue_request_and_goes_by_sms_and_email(client, offices, clock):
    token = register(client, offices).get_json()["token"]
    headers = offices["clerk"]
    early = client.post(f"/api/v1/requests/{token}/delay-notices", json={"reason": "รอผลตรวจสอบ"}, headers=headers)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_state"
    clock.set(bangkok(2026, 10, 14))  # due Mon 12 Oct: two days late
    listed = client.get(f"/api/v1/offices/{offices['office'].code}/requests?overdue=true", headers=headers)
    assert [(r["token"], r["days_late"], r["notice_due"]) for r in listed.get_json()] == [(token, 2, True)]
    empty = client.post(f"/api/v1/requests/{token}/delay-notices", json={"reason": " "}, headers=headers)
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "reason"
    sent = client.post(f"/api/v1/requests/{token}/delay-notices", json={"reason": "รอผลตรวจสอบจากกรมที่ดิน"},
                       headers=headers)  # fmt: skip
    assert sent.status_code == 201
    body = sent.get_json()
    assert body["notices"][0]["reason"] == "รอผลตรวจสอบจากกรมที่ดิน"
    assert body["notices"][0]["channels"] == ["sms", "email"]
    assert body["next_notice_on"] == "2026-10-21" and body["notice_due"] is False
    messages = db.session.query(OutboxMessage).filter_by(kind="delay_notice").all()
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    assert all(m.facts["reason"] == "รอผลตรวจสอบจากกรมที่ดิน" for m in messages)
    assert client.get(f"/api/v1/requests/{token}").get_json()["notices"][0]["reason"] == "รอผลตรวจสอบจากกรมที่ดิน"


def test_the_overdue_list_puts_the_latest_first(client, offices, clock):
    code = offices["office"].code
    a = register(client, offices, submitted_on="2026-09-01").get_json()["token"]
    b = register(client, offices, submitted_on="2026-08-03").get_json()["token"]
    c = register(client, offices, submitted_on="2026-10-05").get_json()["token"]
    listed = client.get(f"/api/v1/offices/{code}/requests?overdue=true", headers=offices["clerk"]).get_json()
    assert [r["token"] for r in listed] == [b, a]
    assert listed[0]["days_late"] > listed[1]["days_late"] > 0
    everything = client.get(f"/api/v1/offices/{code}/requests", headers=offices["head"]).get_json()
    assert [r["token"] for r in everything] == [b, a, c]
    assert client.get(f"/api/v1/offices/{code}/requests?overdue=maybe", headers=offices["clerk"]).status_code == 400
    assert client.get(f"/api/v1/offices/{code}/requests?status=lost", headers=offices["clerk"]).status_code == 400
    assert client.get("/api/v1/offices/nowhere/requests", headers=offices["admin"]).status_code == 404


def test_a_request_linked_to_a_booking_shows_on_its_status_page(client, offices, clock):
    booking = client.post("/api/v1/bookings", json=web_booking(offices["office"].code, date="2026-10-06"))
    booking_token = booking.get_json()["token"]
    body = register(client, offices, booking_token=booking_token).get_json()
    page = client.get(f"/b/{booking_token}")
    assert body["reference"] in page.get_data(as_text=True)
    other_office = register(client, offices, who="stranger", office=offices["other"], processing_days=3,
                            booking_token=booking_token)  # fmt: skip
    assert other_office.status_code == 404 and other_office.get_json()["error"]["field"] == "booking_token"
