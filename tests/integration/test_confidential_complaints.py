"""Issue 19 §1 and issue 21: who reads a complaint (confidential topics, internal notes), every
intake channel counted, the complainant's one question about the handling, the history as
sentences, and who closes and reopens. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Staff
from app.services import complaints as complaint_service
from tests.factories import add_clerk, make_office
from tests.integration.notifications_support import outbox_rows
from tests.integration.test_admin_pages import csrf as admin_csrf
from tests.integration.test_complaint_pages import _csrf, sign_in

EN = {"Accept-Language": "en"}
SECRET_TEXT = "เจ้าหน้าที่ช่อง 2 เรียกรับเงินใต้โต๊ะ 500 บาท"
SECRET_NAME = "นางสาวผู้แจ้ง ปลอดภัย"
SECRET_PHONE = "0812345678"
SECRET_NOTE = "ตรวจกล้องวงจรปิดแล้ว พบจริง"


@pytest.fixture
def desk(app):
    office = make_office()
    desk = {
        "office": office,
        "head": add_clerk("head1", office.id, role="head"),
        "clerk": add_clerk("clerk1", office.id),
        "assignee": add_clerk("clerk2", office.id),
    }
    for username, name in (("head1", "หัวหน้า มานะ"), ("clerk1", "สมชาย"), ("clerk2", "สมหญิง")):
        db.session.execute(Staff.__table__.update().where(Staff.username == username).values(display_name=name))
    db.session.commit()
    return desk


def file(client, office, topic="corruption", **extra) -> dict:
    body = {"office": office.code, "topic": topic, "text": SECRET_TEXT, "name": SECRET_NAME, "phone": SECRET_PHONE,
            **extra}  # fmt: skip
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    return response.json


def _shows_nothing_secret(text: str) -> bool:
    return all(secret not in text for secret in (SECRET_TEXT, SECRET_NAME, SECRET_NOTE, "081-234-5678", SECRET_PHONE))


# --- confidential topics ---------------------------------------------------------------------


def test_a_clerk_never_sees_a_corruption_complaint_on_any_page_api_or_export(client, desk):
    secret = file(client, desk["office"])
    plain = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก", name=None, phone=None)
    client.post(f"/api/v1/complaints/{secret['token']}/replies", json={"text": SECRET_NOTE, "internal": True},
                headers=desk["head"])  # fmt: skip
    clerk = desk["clerk"]

    api_list = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=clerk)
    reply = client.post(f"/api/v1/complaints/{secret['token']}/replies", json={"text": "x"}, headers=clerk)
    sign_in(client, "clerk1")
    page_list = client.get("/staff/complaints/")
    detail = client.get(f"/staff/complaints/{secret['token']}")
    report_csv = client.get(f"/admin/reports/{desk['office'].code}.csv")

    assert [c["reference"] for c in api_list.json] == [plain["reference"]]
    assert _shows_nothing_secret(api_list.text) and secret["reference"] not in api_list.text
    assert reply.status_code == 404 and _shows_nothing_secret(reply.text)  # as if it did not exist
    assert page_list.status_code == 200 and plain["reference"] in page_list.text
    assert secret["reference"] not in page_list.text and _shows_nothing_secret(page_list.text)
    assert detail.status_code == 404 and _shows_nothing_secret(detail.text)
    assert report_csv.status_code in (302, 403) and _shows_nothing_secret(report_csv.text)


def test_the_head_and_the_assignee_read_a_confidential_complaint_and_its_notes(client, desk):
    secret = file(client, desk["office"], topic="staff_conduct")
    client.post(f"/api/v1/complaints/{secret['token']}/replies", json={"text": SECRET_NOTE, "internal": True},
                headers=desk["head"])  # fmt: skip
    client.patch(f"/api/v1/complaints/{secret['token']}", json={"assignee": "clerk2"}, headers=desk["head"])

    head_list = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["head"]).json
    assignee_list = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["assignee"]).json
    other_clerk = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["clerk"]).json
    sign_in(client, "clerk2")
    page = client.get(f"/staff/complaints/{secret['token']}")

    assert head_list[0]["confidential"] is True and head_list[0]["text"] == SECRET_TEXT
    assert [r["text"] for r in head_list[0]["replies"]] == [SECRET_NOTE]
    assert assignee_list[0]["reference"] == secret["reference"] and assignee_list[0]["replies"][0]["internal"]
    assert other_clerk == []
    assert page.status_code == 200 and SECRET_TEXT in page.text and SECRET_NAME in page.text
    assert SECRET_NOTE in page.text and "ลับ" in page.text


def test_internal_notes_of_any_topic_are_hidden_from_a_clerk_who_is_not_responsible(client, desk):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    client.post(f"/api/v1/complaints/{filed['token']}/replies", json={"text": SECRET_NOTE, "internal": True},
                headers=desk["head"])  # fmt: skip
    client.post(f"/api/v1/complaints/{filed['token']}/replies", json={"text": "ทำความสะอาดแล้ว"}, headers=desk["head"])

    listed = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["clerk"]).json
    sign_in(client, "clerk1")
    page = client.get(f"/staff/complaints/{filed['token']}")

    assert [r["text"] for r in listed[0]["replies"]] == ["ทำความสะอาดแล้ว"]
    assert page.status_code == 200 and "ห้องน้ำสกปรก" in page.text
    assert SECRET_NOTE not in page.text and "บันทึกภายใน" not in page.text.split("ประวัติ")[-1]


def test_a_head_marks_a_topic_confidential_in_admin_and_clerks_lose_sight_of_its_complaints(client, desk):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    assert len(client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["clerk"]).json) == 1
    sign_in(client, "head1")
    settings = client.get(f"/admin/{desk['office'].code}/complaints")
    saved = client.post(
        f"/admin/{desk['office'].code}/complaints/topics/facilities",
        data={"csrf_token": admin_csrf(settings.text), "name_th": "สถานที่", "name_en": "Facilities", "active": "1",
              "confidential": "1"},
    )  # fmt: skip

    assert saved.status_code in (302, 303)
    assert client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["clerk"]).json == []
    assert filed["reference"] in client.get("/staff/complaints/").text  # the head still sees it
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "complaint_topic")).all()
    assert audit[-1].after["confidential"] is True and audit[-1].before["confidential"] is False


# --- intake by every channel, and the report ---------------------------------------------------


def test_staff_record_a_phone_complaint_with_its_channel_and_the_report_counts_channels(client, desk):
    recorded = client.post(
        f"/api/v1/offices/{desk['office'].code}/complaints",
        json={"channel": "hotline_1111", "topic": "service_delay", "text": "โทรแจ้งผ่าน 1111 ว่ารอนาน"},
        headers=desk["clerk"],
    )
    sign_in(client, "clerk1")
    form = client.get("/staff/complaints/new")
    by_page = client.post(
        "/staff/complaints/new",
        data={"csrf_token": _csrf(form.text), "channel": "letter", "topic": "other", "text": "หนังสือร้องเรียน"},
    )
    wrong = client.post(f"/api/v1/offices/{desk['office'].code}/complaints",
                        json={"channel": "web", "topic": "other", "text": "x"}, headers=EN | desk["clerk"])  # fmt: skip
    file(client, desk["office"], topic="other", name=None, phone=None)
    figures = complaint_service.complaint_figures([desk["office"].id], date(2026, 11, 23), date(2026, 11, 23))

    assert recorded.status_code == 201 and recorded.json["channel"] == "hotline_1111"
    assert "สายด่วน 1111" in form.text and "หนังสือ/จดหมาย" in form.text
    assert by_page.status_code == 303
    detail = client.get(by_page.headers["Location"])
    assert "หนังสือ/จดหมาย" in detail.text and "เจ้าหน้าที่ สมชาย บันทึกรับเรื่อง" in detail.text
    assert (wrong.status_code, wrong.json["error"]["field"]) == (400, "channel")
    assert figures["by_channel"] == {"web": 1, "phone": 0, "letter": 1, "walk_in": 0, "hotline_1111": 1, "survey": 0}
    assert figures["received"] == 3


# --- the handling question ------------------------------------------------------------------------


def test_once_resolved_the_complainant_is_asked_one_question_and_the_report_has_the_share(client, desk):
    first = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    second = file(client, desk["office"], topic="facilities", text="ไม่มีที่นั่ง")
    before = client.get(f"/c/{first['token']}")
    early = client.post(f"/api/v1/complaints/{first['token']}/handling", json={"satisfied": True})
    for filed in (first, second):
        client.post(f"/api/v1/complaints/{filed['token']}/replies", json={"text": "แก้ไขแล้ว", "status": "resolved"},
                    headers=desk["clerk"])  # fmt: skip
    asked = [m for m in outbox_rows() if m.kind == "complaint_feedback"]
    page = client.get(f"/c/{first['token']}")
    answered = client.post(f"/c/{first['token']}/handling",
                           data={"csrf_token": _csrf(page.text), "satisfied": "yes", "comment": "รวดเร็วดี"})  # fmt: skip
    by_api = client.post(f"/api/v1/complaints/{second['token']}/handling", json={"satisfied": False})
    twice = client.post(f"/api/v1/complaints/{second['token']}/handling", json={"satisfied": True}, headers=EN)
    figures = complaint_service.complaint_figures([desk["office"].id], date(2026, 11, 23), date(2026, 11, 23))

    assert "พอใจกับการดำเนินการ" not in before.text and early.status_code == 409
    assert len(asked) == 2 and {m.recipient for m in asked} == {"+66812345678"}
    assert "ท่านพอใจกับการดำเนินการเรื่องร้องเรียนของท่านหรือไม่" in page.text
    assert answered.status_code == 303 and "ขอบคุณ" in client.get(f"/c/{first['token']}").text
    assert by_api.status_code == 201 and by_api.json["handling_question_open"] is False
    assert twice.status_code == 409
    assert (figures["handling_answers"], figures["handling_satisfied_pct"]) == (2, 50.0)
    sign_in(client, "head1")
    assert "รวดเร็วดี" in client.get(f"/staff/complaints/{first['token']}").text


# --- wording and history --------------------------------------------------------------------------


def test_staff_pages_say_urgency_and_the_history_reads_as_sentences(client, desk):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    client.patch(f"/api/v1/complaints/{filed['token']}", json={"priority": "urgent", "assignee": "clerk1"},
                 headers=desk["head"])  # fmt: skip
    client.post(f"/api/v1/complaints/{filed['token']}/replies", json={"text": "แก้ไขแล้ว", "status": "resolved"},
                headers=desk["clerk"])  # fmt: skip
    sign_in(client, "head1")

    page = client.get(f"/staff/complaints/{filed['token']}").text
    english = client.get(f"/staff/complaints/{filed['token']}?lang=en").text
    listing = client.get("/staff/complaints/?lang=th").text

    assert "ความเร่งด่วน" in page and "กลุ่มที่ได้รับบริการก่อน" not in page
    assert "ความเร่งด่วน" in listing and "กลุ่มที่ได้รับบริการก่อน" not in listing
    for line in ("รับเรื่องจากผู้ร้อง", "ความเร่งด่วน: ด่วนที่สุด", "หัวหน้า มานะ มอบหมายให้ สมชาย รับผิดชอบ",
                 "เจ้าหน้าที่ สมชาย ตอบผู้ร้อง", "สถานะ: แก้ไขแล้ว"):  # fmt: skip
        assert line in page, line
    assert "staff:clerk1" not in page and "· reply" not in page
    assert "Staff member สมชาย replied to the complainant" in english and "Status: Resolved" in english


# --- who closes, who reopens (issue 21) -------------------------------------------------------------


def test_a_clerk_proposes_resolved_only_the_head_closes_and_reopens_within_the_service_level(client, desk, clock):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    url = f"/api/v1/complaints/{filed['token']}"
    clerk_closes = client.post(f"{url}/replies", json={"text": "ปิด", "status": "closed"}, headers=desk["clerk"])
    proposed = client.post(f"{url}/replies", json={"text": "แก้แล้ว", "status": "resolved"}, headers=desk["clerk"])
    closed = client.post(f"{url}/replies", json={"text": "ปิดเรื่อง", "status": "closed"}, headers=desk["head"])
    clerk_reopens = client.post(f"{url}/reopen", json={"reason": "x"}, headers=desk["clerk"])
    no_reason = client.post(f"{url}/reopen", json={}, headers=desk["head"])
    clock.set(clock.now + timedelta(days=7))
    reopened = client.post(f"{url}/reopen", json={"reason": "ผู้ร้องแจ้งว่ายังไม่ได้แก้"}, headers=desk["head"])

    assert (clerk_closes.status_code, clerk_closes.json["error"]["code"]) == (409, "invalid_state")
    assert proposed.json["status"] == "resolved" and closed.json["status"] == "closed"
    assert clerk_reopens.status_code == 403 and no_reason.status_code == 400
    assert reopened.status_code == 200 and reopened.json["status"] == "in_progress"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "complaint")).all()
    assert [(a.action, a.after["reason"]) for a in audit] == [("reopen", "ผู้ร้องแจ้งว่ายังไม่ได้แก้")]
    sign_in(client, "head1")
    assert "หัวหน้า มานะ เปิดเรื่องใหม่: ผู้ร้องแจ้งว่ายังไม่ได้แก้" in client.get(f"/staff/complaints/{filed['token']}").text

    client.post(f"{url}/replies", json={"text": "ปิดอีกครั้ง", "status": "closed"}, headers=desk["head"])
    clock.set(clock.now + timedelta(days=40))  # normal: 15 working days after closing have passed
    late = client.post(f"{url}/reopen", json={"reason": "ขอเปิดอีก"}, headers=EN | desk["head"])
    assert (late.status_code, late.json["error"]["code"]) == (409, "invalid_state")
    assert "too long ago" in late.json["error"]["message"]


def test_the_clerk_page_offers_no_close_and_a_closed_complaint_offers_the_head_a_reopen_form(client, desk):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    sign_in(client, "clerk1")
    clerk_page = client.get(f"/staff/complaints/{filed['token']}").text
    client.post(f"/api/v1/complaints/{filed['token']}/replies", json={"text": "ปิด", "status": "closed"},
                headers=desk["head"])  # fmt: skip
    sign_in(client, "head1")
    head_page = client.get(f"/staff/complaints/{filed['token']}").text

    assert 'value="closed"' not in clerk_page and "เฉพาะหัวหน้าสำนักงานเท่านั้นที่ปิดเรื่องได้" in clerk_page
    assert f"/staff/complaints/{filed['token']}/reopen" in head_page and "เปิดเรื่องใหม่" in head_page


# --- free-text caps (issue 21) -----------------------------------------------------------------------


def test_a_public_reply_is_capped_to_a_few_sms_and_a_clerk_has_a_daily_cap_that_is_audited(client, desk, monkeypatch):
    filed = file(client, desk["office"], topic="facilities", text="ห้องน้ำสกปรก")
    url = f"/api/v1/complaints/{filed['token']}/replies"
    long_reply = client.post(url, json={"text": "ก" * 321}, headers=desk["clerk"])
    long_note = client.post(url, json={"text": "ก" * 1000, "internal": True}, headers=desk["clerk"])
    monkeypatch.setattr("app.services.outgoing.daily_cap", 3)
    sent = [client.post(url, json={"text": f"ตอบครั้งที่ {n}"}, headers=desk["clerk"]).status_code for n in range(3)]
    refused = client.post(url, json={"text": "อีกครั้ง"}, headers=desk["clerk"])
    head_still = client.post(url, json={"text": "หัวหน้าตอบ"}, headers=desk["head"])

    assert (long_reply.status_code, long_reply.json["error"]["field"]) == (400, "text")
    assert long_note.status_code == 201  # a note is not sent to anyone
    assert sent == [201, 201, 201]
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert head_still.status_code == 201
    assert len([m for m in outbox_rows() if m.kind == "complaint_reply"]) == 4
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "free_text_messages")).all()
    assert [(a.action, a.entity_id, a.after["sent_today"]) for a in audit] == [("refused", "clerk1", 3)]


def test_a_clerk_who_records_a_corruption_complaint_by_phone_is_sent_back_to_the_list(client, desk):
    sign_in(client, "clerk1")
    form = client.get("/staff/complaints/new")
    recorded = client.post(
        "/staff/complaints/new",
        data={"csrf_token": _csrf(form.text), "channel": "phone", "topic": "corruption", "text": SECRET_TEXT},
    )
    listing = client.get(recorded.headers["Location"])

    assert recorded.status_code == 303 and recorded.headers["Location"].endswith("/staff/complaints/")
    assert "หัวข้อที่เป็นความลับ" in listing.text and _shows_nothing_secret(listing.text)
    head_list = client.get(f"/api/v1/offices/{desk['office'].code}/complaints", headers=desk["head"]).json
    assert [(c["channel"], c["text"]) for c in head_list] == [("phone", SECRET_TEXT)]
