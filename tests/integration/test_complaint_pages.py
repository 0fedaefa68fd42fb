"""Complaints as people meet them: the public form, the tracking page and the printed QR code;
the staff pages; a survey answer turned into a complaint; the head's daily summary; the
retention purge; the report's figures; and a reply reaching a real SMTP server."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.domain.status import Status
from app.extensions import db
from app.models import Complaint
from app.services import complaints as complaint_service
from app.services.retention import purge_personal_data
from tests.factories import add_clerk, make_office, sign_in_as, web_booking
from tests.integration.notifications_support import move, outbox_rows
from tests.integration.test_notifications import deliver_all


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str) -> None:
    """The staff pages' session, as after signing in."""
    sign_in_as(client, username)


def file_on_the_form(client, office, **fields):
    form = client.get(f"/complaints/{office.code}")
    data = {"csrf_token": _csrf(form.text), "action": "send", "topic": "service_delay", "text": "รอนานมาก", **fields}
    return form, client.post(f"/complaints/{office.code}", data=data)


def test_a_citizen_files_on_the_thai_form_and_lands_on_the_tracking_page_with_the_reference(client):
    office = make_office()
    form, sent = file_on_the_form(client, office)
    tracking = client.get(sent.headers["Location"])
    complaint = db.session.query(Complaint).one()

    assert form.status_code == 200 and "แจ้งเรื่องร้องเรียน" in form.text and "ความล่าช้าในการให้บริการ" in form.text
    assert "ข้อมูลส่วนบุคคล" in form.text and form.headers["Cache-Control"] == "no-store"
    assert sent.status_code == 303 and sent.headers["Location"].startswith(f"/c/{complaint.token}")
    assert complaint.reference in tracking.text and f"http://localhost/c/{complaint.token}" in tracking.text
    assert "รับเรื่องแล้ว" in tracking.text and tracking.headers["Cache-Control"] == "no-store"


def test_the_form_keeps_what_was_typed_and_marks_each_fault_and_contact_needs_consent(client):
    office = make_office()
    _, sent = file_on_the_form(client, office, text="", phone="12345", name="สมชาย")

    assert sent.status_code == 400
    assert sent.text.count('class="error"') == 3  # text, phone, consent
    assert 'value="สมชาย"' in sent.text
    assert db.session.query(Complaint).count() == 0


def test_the_form_without_its_csrf_token_files_nothing(client):
    office = make_office()
    forged = client.post(f"/complaints/{office.code}", data={"action": "send", "topic": "other", "text": "x"})
    assert forged.status_code == 400 and db.session.query(Complaint).count() == 0


def test_the_tracking_page_shows_public_replies_but_never_internal_notes(client):
    office = make_office()
    head = add_clerk("head1", office.id, role="head")
    token = client.post("/api/v1/complaints", json={"office": office.code, "topic": "other", "text": "x"}).json["token"]
    client.post(f"/api/v1/complaints/{token}/replies", json={"text": "บันทึกลับ", "internal": True}, headers=head)
    client.post(f"/api/v1/complaints/{token}/replies", json={"text": "แก้ไขแล้วครับ", "status": "resolved"}, headers=head)

    page = client.get(f"/c/{token}?lang=en")

    assert "แก้ไขแล้วครับ" in page.text and "บันทึกลับ" not in page.text and "Resolved" in page.text
    assert client.get("/c/" + "A" * 32).status_code == 404


def test_the_office_prints_its_complaint_qr_code_on_an_a4_page(client):
    office = make_office()
    page = client.get(f"/complaints/{office.code}/qr")
    image = client.get(f"/complaints/{office.code}/qr.png")

    assert page.status_code == 200 and f"http://localhost/complaints/{office.code}" in page.text
    assert "complaint_qr.css" in page.text and f"/complaints/{office.code}/qr.png" in page.text
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get("/complaints/nowhere/qr").status_code == 404


def test_staff_pages_need_a_sign_in_and_list_the_offices_complaints_with_breaches_flagged(client, clock):
    office = make_office()
    add_clerk("head1", office.id, role="head")
    token = client.post("/api/v1/complaints", json={"office": office.code, "topic": "other", "text": "x"}).json["token"]
    anonymous = client.get("/staff/complaints/")
    clock.set(clock.now + timedelta(days=30))
    sign_in(client, "head1")

    listing = client.get("/staff/complaints/?lang=en")

    assert anonymous.status_code == 302 and "/counter/login" in anonymous.headers["Location"]
    assert "Past the service level" in listing.text and 'class="breached"' in listing.text
    assert f"/staff/complaints/{token}" in listing.text


def test_the_detail_shows_the_visits_ticket_counter_and_clerk_and_the_head_sets_priority_and_assignee(client, clock):
    office = make_office()
    add_clerk("head1", office.id, role="head")
    add_clerk("clerk1", office.id)
    booking = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00")).json
    move(booking["token"], Status.WAITING, Status.CALLED, Status.SERVING, Status.DONE, now=clock.now,
         actor="staff:clerk1", counter_id=office.counters[1].id)  # fmt: skip
    token = client.post(
        "/api/v1/complaints",
        json={"office": office.code, "topic": "staff_conduct", "text": "x", "booking_token": booking["token"]},
    ).json["token"]
    sign_in(client, "head1")

    detail = client.get(f"/staff/complaints/{token}?lang=en")
    csrf = _csrf(detail.text)
    saved = client.post(
        f"/staff/complaints/{token}/settings", data={"csrf_token": csrf, "priority": "urgent", "assignee": "clerk1"}
    )
    replied = client.post(
        f"/staff/complaints/{token}/replies", data={"csrf_token": csrf, "text": "กำลังตรวจสอบ", "status": "in_progress"}
    )
    complaint = db.session.query(Complaint).one()

    assert booking["number"] in detail.text and "Counter 2" in detail.text and "clerk1" in detail.text
    assert saved.status_code == 303 and replied.status_code == 303
    assert (complaint.priority, complaint.status) == ("urgent", "in_progress")


def test_a_clerk_sees_no_head_form_and_cannot_reach_another_offices_complaint(client):
    office, other = make_office(), make_office()
    add_clerk("clerk1", office.id)
    token = client.post("/api/v1/complaints", json={"office": other.code, "topic": "other", "text": "x"}).json["token"]
    mine = client.post("/api/v1/complaints", json={"office": office.code, "topic": "other", "text": "x"}).json["token"]
    sign_in(client, "clerk1")

    page = client.get(f"/staff/complaints/{mine}")
    forced = client.post(
        f"/staff/complaints/{mine}/settings", data={"csrf_token": _csrf(page.text), "priority": "urgent"}
    )

    assert 'name="priority"' not in page.text and 'name="text"' in page.text
    assert client.get(f"/staff/complaints/{token}").status_code == 403
    assert forced.status_code == 403 and db.session.query(Complaint).filter_by(token=mine).one().priority == "normal"


def test_a_dissatisfied_survey_answer_becomes_a_complaint_about_the_same_visit_in_one_action(client, clock):
    office = make_office()
    add_clerk("head1", office.id, role="head")
    booking = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00")).json
    move(booking["token"], Status.WAITING, Status.CALLED, Status.SERVING, Status.DONE, now=clock.now,
         counter_id=office.counters[1].id)  # fmt: skip
    client.post(f"/api/v1/bookings/{booking['token']}/survey",
                json={"answers": {"facilities_2": "dissatisfied"}, "suggestion": "ห้องน้ำไม่พอ"})  # fmt: skip
    sign_in(client, "head1")

    flagged = client.get("/staff/complaints/surveys?lang=en")
    response_id = re.search(r"/staff/complaints/surveys/(\d+)", flagged.text).group(1)
    made = client.post(f"/staff/complaints/surveys/{response_id}", data={"csrf_token": _csrf(flagged.text)})
    twice = client.post(f"/staff/complaints/surveys/{response_id}", data={"csrf_token": _csrf(flagged.text)})
    complaint = db.session.query(Complaint).one()

    assert "Toilets were clean and sufficient" in flagged.text and "ห้องน้ำไม่พอ" in flagged.text
    assert made.status_code == 303 and made.headers["Location"] == f"/staff/complaints/{complaint.token}"
    assert complaint.booking_id is not None and complaint.survey_response_id == int(response_id)
    assert "ห้องน้ำไม่พอ" in complaint.text and complaint.email is None and complaint.phone_e164 is None
    assert twice.status_code == 303 and db.session.query(Complaint).count() == 1
    assert "C-" in client.get("/staff/complaints/surveys").text  # the answer now links its complaint


def test_the_heads_daily_summary_lists_the_breaches_once_a_day(client, clock):
    office = make_office()
    complaint_service.set_office_complaint_settings(office.code, summary_email="head@pa-sang.example")
    on_time = client.post("/api/v1/complaints", json={"office": office.code, "topic": "other", "text": "x"}).json
    add_clerk("head1", office.id, role="head")
    late = client.post("/api/v1/complaints", json={"office": office.code, "topic": "facilities", "text": "y"}).json
    client.patch(f"/api/v1/complaints/{late['token']}", json={"priority": "urgent"},
                 headers=add_clerk("head2", office.id, role="head"))  # fmt: skip
    clock.set(clock.now + timedelta(days=3))

    first = complaint_service.send_daily_summaries(now=clock.now)
    again = complaint_service.send_daily_summaries(now=clock.now + timedelta(hours=1))

    [summary] = outbox_rows(kind="complaint_summary")
    assert (first, again, summary.recipient, summary.channel) == (1, 0, "head@pa-sang.example", "email")
    assert [b["reference"] for b in summary.facts["breaches"]] == [late["reference"]]
    assert summary.facts["open_count"] == 2 and on_time["reference"] not in str(summary.facts)


def test_the_purge_erases_a_finished_complaints_contact_after_the_retention_period_and_keeps_the_rest(client, clock):
    office = make_office()
    head = add_clerk("head1", office.id, role="head")
    body = {"office": office.code, "topic": "other", "text": "x", "name": "สมชาย ใจดี", "phone": "0812345678"}
    done = client.post("/api/v1/complaints", json=body).json
    still_open = client.post("/api/v1/complaints", json=body).json
    client.post(f"/api/v1/complaints/{done['token']}/replies", json={"text": "ok", "status": "resolved"}, headers=head)

    purged = purge_personal_data(now=clock.now + timedelta(days=92), retention_days=90)

    rows = {c.token: c for c in db.session.query(Complaint)}
    assert purged.complaints == 1
    assert (rows[done["token"]].name, rows[done["token"]].phone_e164, rows[done["token"]].text) == (None, None, "x")
    assert rows[still_open["token"]].phone_e164 == "+66812345678"


def test_the_report_figures_count_received_resolved_within_the_service_level_and_the_median(client, clock):
    office, other = make_office(), make_office()
    head = add_clerk("head1", office.id, role="head")

    def filed():
        return client.post("/api/v1/complaints", json={"office": office.code, "topic": "other", "text": "x"}).json

    quick, slow, never = filed(), filed(), filed()
    client.patch(f"/api/v1/complaints/{slow['token']}", json={"priority": "urgent"}, headers=head)
    client.post("/api/v1/complaints", json={"office": other.code, "topic": "other", "text": "x"})
    clock.set(clock.now + timedelta(hours=4))
    client.post(f"/api/v1/complaints/{quick['token']}/replies", json={"text": "ok", "status": "resolved"}, headers=head)
    clock.set(clock.now + timedelta(days=2))
    client.post(f"/api/v1/complaints/{slow['token']}/replies", json={"text": "ok", "status": "closed"}, headers=head)

    figures = complaint_service.complaint_figures([office.id], date(2026, 11, 23), date(2026, 11, 23))

    assert {k: figures[k] for k in ("received", "resolved", "resolved_within_sla_pct", "median_hours_to_resolve")} == {
        "received": 3, "resolved": 2, "resolved_within_sla_pct": 50.0, "median_hours_to_resolve": 28.0}  # fmt: skip
    assert figures["by_channel"]["web"] == 3 and figures["handling_answers"] == 0
    assert complaint_service.complaint_figures([office.id], date(2026, 11, 24), date(2026, 11, 30))["received"] == 0
    assert never["status"] == "received"


@pytest.mark.usefixtures("providers")
def test_a_public_reply_reaches_the_complainant_through_a_real_smtp_server(app, client, clock, inbox):
    office = make_office()
    head = add_clerk("head1", office.id, role="head")
    filed = client.post(
        "/api/v1/complaints",
        json={"office": office.code, "topic": "service_delay", "text": "รอนาน", "email": "somchai@example.org"},
    ).json
    client.post(f"/api/v1/complaints/{filed['token']}/replies",
                json={"text": "ขออภัย เพิ่มเจ้าหน้าที่แล้ว", "status": "resolved"}, headers=head)  # fmt: skip

    deliver_all(app, clock)

    received, reply, question = inbox.messages  # resolved: one question about the handling follows
    assert filed["reference"] in received["Subject"] and filed["reference"] in reply["Subject"]
    asked = question.get_body(("plain",)).get_content()
    assert "พอใจ" in question["Subject"] and f"http://localhost/c/{filed['token']}" in asked
    text = reply.get_body(("plain",)).get_content()
    assert "ขออภัย เพิ่มเจ้าหน้าที่แล้ว" in text and f"http://localhost/c/{filed['token']}" in text
    assert inbox.envelopes[1][1] == ["somchai@example.org"]
    assert [m.status for m in outbox_rows()] == ["sent", "sent", "sent"]
