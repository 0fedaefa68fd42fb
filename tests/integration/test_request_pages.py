"""Section 10 pages: the staff pages (register, list, overdue, steps, delay notice, letter,
export), the citizen's tracking page and "find my request", the head's reminder, the purge
and the report figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Office, OutboxMessage, Service, ServiceRequest, Staff
from app.services import requests as request_service
from app.services.retention import purge_personal_data
from tests.factories import add_clerk, bangkok, make_office

PASSWORD_HASH = generate_password_hash("correct horse battery")


@pytest.fixture
def office(app, clock):
    clock.set(bangkok(2026, 10, 5))
    office = make_office()
    db.session.query(Service).filter_by(office_id=office.id).update({"processing_days": 5})
    office.letter_ref_prefix = "ลพ 0318/"
    office.letter_signatory_th = "นายอำเภอป่าซาง"
    office.letter_contact_th = "ฝ่ายทะเบียนและบัตร\nโทร. 0 5352 1234"
    db.session.add(Staff(username="somchai", password_hash=PASSWORD_HASH, display_name="สมชาย", role="clerk",
                         office_id=office.id))  # fmt: skip
    db.session.commit()
    return office


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(client):
    page = client.get("/counter/login").get_data(as_text=True)
    client.post("/counter/login", data={"username": "somchai", "password": "correct horse battery",
                                        "csrf_token": csrf(page)})  # fmt: skip


def register_on_page(client, **fields):
    page = client.get("/staff/requests/new").get_data(as_text=True)
    data = {"service": "id-card", "name": "สมหญิง รักดี", "phone": "0812345678", "submitted_on": "2026-10-05",
            "csrf_token": csrf(page), **fields}  # fmt: skip
    return client.post("/staff/requests/new", data=data)


def token_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[-1].split("?")[0]


def test_the_staff_pages_need_a_sign_in(client, office):
    assert client.get("/staff/requests/").status_code == 302


def test_a_clerk_registers_records_a_delay_and_the_citizen_reads_the_reason(client, office, clock):
    sign_in(client)
    bad = register_on_page(client, submitted_on="")
    assert bad.status_code == 400 and "f-submitted_on" in bad.get_data(as_text=True)
    registered = register_on_page(client)
    assert registered.status_code == 303
    token = token_of(registered)
    clock.set(bangkok(2026, 10, 14))  # due Mon 12 Oct
    sign_in(client)  # days later: yesterday's sign-in has ended (a working day at most)
    overdue = client.get("/staff/requests/?overdue=1").get_data(as_text=True)
    reference = db.session.query(ServiceRequest.reference).filter_by(token=token).scalar()
    assert reference in overdue and "สมหญิง" in overdue
    detail = client.get(f"/staff/requests/{token}").get_data(as_text=True)
    sent = client.post(f"/staff/requests/{token}/delay-notices",
                       data={"reason": "รอผลตรวจสอบจากอำเภอต้นทาง", "csrf_token": csrf(detail)})  # fmt: skip
    assert sent.status_code == 303
    citizen = client.get(f"/r/{token}")
    text = citizen.get_data(as_text=True)
    assert citizen.headers["Cache-Control"] == "no-store"
    assert "รอผลตรวจสอบจากอำเภอต้นทาง" in text and "12 ตุลาคม พ.ศ. 2569" in text
    assert "สมหญิง" not in text and "0812345678" not in text  # nothing about the applicant
    letter = client.get(f"/requests/{token}/notices/1/letter").get_data(as_text=True)
    assert "ที่ ลพ 0318/" in letter and "นายอำเภอป่าซาง" in letter and "รอผลตรวจสอบจากอำเภอต้นทาง" in letter
    assert "สมหญิง รักดี" in letter and "5 ตุลาคม พ.ศ. 2569" in letter and "14 ตุลาคม พ.ศ. 2569" in letter
    assert client.get(f"/requests/{token}/notices/2/letter").status_code == 404
    step = client.post(
        f"/staff/requests/{token}/status",
        data={"status": "completed", "note": "รับใบอนุญาตได้ที่ช่อง 2", "csrf_token": csrf(detail)},
    )
    assert step.status_code == 303
    assert "รับใบอนุญาตได้ที่ช่อง 2" in client.get(f"/r/{token}").get_data(as_text=True)
    exported = client.get("/staff/requests/delayed.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows.index(next(r for r in rows if r and r[0] == "เลขที่อ้างอิง"))  # Thai headers, not keys
    assert rows[header][:3] == ["เลขที่อ้างอิง", "บริการ", "ผู้ยื่นคำขอ"]
    line = rows[header + 1]
    assert line[0] == reference and line[3] == "2026-10-05" and line[9] == "รอผลตรวจสอบจากอำเภอต้นทาง"
    assert line[2] == ""  # a clerk's copy names no applicant (the head's does: test below)
    assert line[5] not in ("in_progress", "received") and "sms" not in line[10]
    workbook = client.get("/staff/requests/delayed.xlsx", headers={"Accept-Language": "en"})
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook.data)).active
    cells = {c.value: c for c in sheet[2]}
    assert "Reference" in cells and "Filed on" in cells
    filed = sheet.cell(row=3, column=4)
    assert filed.value.date().isoformat() == "2026-10-05" and filed.number_format == "yyyy-mm-dd"


def test_a_clerk_cannot_open_another_offices_request(client, office):
    other = make_office()
    stranger = add_clerk("clerk9", other.id)
    token = client.post(
        f"/api/v1/offices/{other.code}/requests",
        headers=stranger,
        json={"service": "id-card", "name": "ก ข", "submitted_on": "2026-10-05", "processing_days": 3},
    ).get_json()["token"]
    sign_in(client)
    assert client.get(f"/staff/requests/{token}").status_code == 403


def test_find_my_request_by_reference_and_the_last_4_digits_gives_nothing_away(client, office):
    clerk = add_clerk("clerk1", office.id)
    body = {"service": "id-card", "name": "ก ข", "phone": "0812345678", "submitted_on": "2026-10-05"}
    registered = client.post(f"/api/v1/offices/{office.code}/requests", headers=clerk, json=body).get_json()
    token, reference = registered["token"], registered["reference"]
    page = client.get("/r/find").get_data(as_text=True)
    found = client.post("/r/find", data={"reference": reference.lower(), "last4": "5678", "action": "find",
                                         "csrf_token": csrf(page)})  # fmt: skip
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/r/{token}")
    wrong_digits = client.post("/r/find", data={"reference": reference, "last4": "1111", "action": "find",
                                                "csrf_token": csrf(page)}).get_data(as_text=True)  # fmt: skip
    no_such = client.post("/r/find", data={"reference": "R-2569-999999", "last4": "5678", "action": "find",
                                           "csrf_token": csrf(page)}).get_data(as_text=True)  # fmt: skip
    message = 'role="alert"'
    assert message in wrong_digits and message in no_such
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 - what was typed differs
    assert strip(wrong_digits) == strip(no_such)


def test_the_head_is_reminded_once_a_day_when_a_notice_falls_due(client, office, clock):
    clerk = add_clerk("clerk1", office.id)
    head = Staff(username="head1", password_hash="-", display_name="หัวหน้า", role="head", office_id=office.id,
                 email="head@pasang.example")  # fmt: skip
    db.session.add(head)
    db.session.commit()
    body = {"service": "id-card", "name": "ก ข", "phone": "0812345678", "submitted_on": "2026-10-05"}
    registered = client.post(f"/api/v1/offices/{office.code}/requests", headers=clerk, json=body).get_json()
    token = registered["token"]
    assert request_service.remind_notices_due(now=bangkok(2026, 10, 12, 8)) == 0  # due today: not late yet
    assert request_service.remind_notices_due(now=bangkok(2026, 10, 13, 8)) == 1
    assert request_service.remind_notices_due(now=bangkok(2026, 10, 13, 9)) == 0  # once a day
    reminder = db.session.query(OutboxMessage).filter_by(kind="notice_reminder").one()
    assert reminder.recipient == "head@pasang.example" and registered["reference"] in reminder.facts["references"]
    assert db.session.query(OutboxMessage).filter_by(kind="delay_notice").count() == 0  # no reason invented
    clock.set(bangkok(2026, 10, 13))
    client.post(f"/api/v1/requests/{token}/delay-notices", headers=clerk, json={"reason": "รอเอกสาร"})
    assert request_service.remind_notices_due(now=bangkok(2026, 10, 19, 8)) == 0  # notice sent 6 days ago
    assert request_service.remind_notices_due(now=bangkok(2026, 10, 20, 8)) == 1  # 7 days later


def test_the_purge_erases_the_applicant_of_a_long_finished_request_and_keeps_the_counts(client, office, clock):
    clerk = add_clerk("clerk1", office.id)
    body = {"service": "id-card", "name": "ก ข", "phone": "0812345678", "email": "a@example.com",
            "submitted_on": "2026-10-05", "postal_address": "1 หมู่ 2 ตำบลป่าซาง"}  # fmt: skip
    done = client.post(f"/api/v1/offices/{office.code}/requests", headers=clerk, json=body).get_json()["token"]
    client.post(f"/api/v1/requests/{done}/status", headers=clerk, json={"status": "completed"})
    open_one = client.post(f"/api/v1/offices/{office.code}/requests", headers=clerk, json=body).get_json()["token"]
    purge_personal_data(now=bangkok(2027, 1, 20), retention_days=90)
    db.session.expire_all()
    rows = {r.token: r for r in db.session.query(ServiceRequest)}
    assert (rows[done].name, rows[done].phone_e164, rows[done].email, rows[done].postal_address) == (None,) * 4
    assert rows[open_one].name == "ก ข"  # still being handled: kept
    assert request_service.request_figures([office.id], date(2026, 10, 1), date(2026, 10, 31))["registered"] == 2


def test_request_figures_for_the_report(client, office, clock):
    clerk = add_clerk("clerk1", office.id)
    body = {"service": "id-card", "name": "ก ข", "phone": "0812345678", "submitted_on": "2026-10-05"}
    tokens = [client.post(f"/api/v1/offices/{office.code}/requests", headers=clerk, json=body).get_json()["token"]
              for _ in range(3)]  # fmt: skip
    client.post(f"/api/v1/requests/{tokens[0]}/status", headers=clerk, json={"status": "completed"})  # on time
    clock.set(bangkok(2026, 10, 14))
    client.post(f"/api/v1/requests/{tokens[1]}/delay-notices", headers=clerk, json={"reason": "รอเอกสาร"})
    client.post(f"/api/v1/requests/{tokens[1]}/status", headers=clerk, json={"status": "completed"})  # late
    figures = request_service.request_figures([office.id], date(2026, 10, 1), date(2026, 10, 31))
    assert figures == {"registered": 3, "completed": 2, "completed_on_time_pct": 50.0, "overdue": 1,
                       "notices_sent": 1}  # fmt: skip
    assert request_service.request_figures([office.id + 99], date(2026, 10, 1), date(2026, 10, 31))["registered"] == 0
    assert db.session.get(Office, office.id) is not None


def test_the_demo_seed_adds_one_overdue_request_at_pa_sang_once(app, client, clock):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    rows = db.session.query(ServiceRequest).all()
    assert len(rows) == 1 and rows[0].due_on < clock().date()
