"""Issue 19 §2 and issue 21: Section 10 due dates that hold up. Past holidays recorded and the
due dates recomputed (audited, nothing cancelled); waiting for the applicant stops the clock
(tested over a weekend and a holiday); a future filing date refused; the holiday file's
Buddhist-Era years, extreme dates and line cap; the report's overdue count; the delay letter's
running number and postal address; notice spacing and the reason's length. Both engines."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Closure, DelayNotice, Office, OutboxMessage, Service, ServiceRequest
from tests.factories import add_clerk, bangkok, make_office
from tests.integration.test_admin_pages import csrf as admin_csrf
from tests.integration.test_complaint_pages import sign_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(app, client, clock):
    clock.set(bangkok(2026, 10, 5))  # Monday 5 October 2026
    office = make_office(code="pa-sang")
    service = db.session.query(Service).filter_by(office_id=office.id).one()
    service.processing_days = 5
    db.session.commit()
    return {"office": office, "clerk": add_clerk("clerk1", office.id), "head": add_clerk("head1", office.id, "head")}


def register(client, desk, **body):
    payload = {"service": "id-card", "name": "สมชาย ใจดี", "phone": "0812345678", "submitted_on": "2026-10-05", **body}
    response = client.post(f"/api/v1/offices/{desk['office'].code}/requests", json=payload, headers=desk["clerk"])
    return response


def close_in_admin(client, day: str, reason: str):
    page = client.get("/admin/pa-sang/closures")
    return client.post("/admin/pa-sang/closures",
                       data={"csrf_token": admin_csrf(page.text), "day": day, "reason_th": reason})  # fmt: skip


def upload(client, content: bytes, name: str):
    token = admin_csrf(client.get("/admin/pa-sang/closures").text)
    return client.post("/admin/pa-sang/holidays", data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")  # fmt: skip


def errors_flashed(client) -> str:
    page = client.get("/admin/pa-sang/closures").text
    return " ".join(re.findall(r'<p class="flash error"[^>]*>([^<]*)</p>', page))


# --- past holidays and the recomputed due dates -----------------------------------------------


def test_past_holidays_recorded_later_move_an_open_requests_due_date_to_the_real_calendar(client, desk, clock):
    clock.set(bangkok(2026, 11, 2))
    filed = register(client, desk, submitted_on="2026-10-01", processing_days=30).json
    done = register(client, desk, submitted_on="2026-10-01", processing_days=30).json
    client.post(f"/api/v1/requests/{done['token']}/status", json={"status": "completed"}, headers=desk["clerk"])
    sign_in(client, "head1")

    by_form = close_in_admin(client, "2026-10-13", "วันนวมินทรมหาราช")
    by_file = upload(client, "2026-10-23,วันปิยมหาราช,Chulalongkorn Day\n".encode(), "holidays.csv")
    now = client.get(f"/api/v1/requests/{filed['token']}").json
    finished = client.get(f"/api/v1/requests/{done['token']}").json

    assert filed["due_on"] == "2026-11-12"  # before: the two holidays were missing
    assert by_form.status_code == 302 and by_file.status_code == 302
    assert now["due_on"] == "2026-11-16"  # 30 working days after 1 Oct, skipping 13 and 23 Oct
    assert finished["due_on"] == "2026-11-12"  # a finished request keeps its dates
    closed = sorted(c.day for c in db.session.scalars(select(Closure).where(Closure.office_id == desk["office"].id)))
    assert closed == [date(2026, 10, 13), date(2026, 10, 23)]
    moves = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "request")).all()
    assert [(m.entity_id, m.before["due_on"], m.after["due_on"]) for m in moves] == [
        (filed["reference"], "2026-11-12", "2026-11-13"), (filed["reference"], "2026-11-13", "2026-11-16")]  # fmt: skip
    page = client.get("/admin/pa-sang/closures").text
    assert "วันที่ผ่านมาแล้ว" in page and "วันนวมินทรมหาราช" in page and 'min="' not in page.split('name="day"')[1][:40]

    removed = client.post("/admin/pa-sang/closures/2026-10-23/delete", data={"csrf_token": admin_csrf(page)})
    assert removed.status_code == 302
    assert client.get(f"/api/v1/requests/{filed['token']}").json["due_on"] == "2026-11-13"


def test_a_past_closure_cancels_nothing_and_a_date_over_two_years_back_is_refused(client, desk, clock):
    clock.set(bangkok(2026, 11, 2))
    sign_in(client, "head1")
    too_old = close_in_admin(client, "2024-01-02", "เก่าเกินไป")
    flashes = errors_flashed(client)
    be_year = close_in_admin(client, "2569-10-13", "ปี พ.ศ.")
    flashes += errors_flashed(client)

    assert too_old.status_code == 302 and be_year.status_code == 302
    assert "ผ่านมาแล้วเกิน 730 วัน" in flashes
    assert "2569-10-13 เป็นปีพุทธศักราช โปรดใช้ปีคริสต์ศักราช (2026-10-13)" in flashes
    assert db.session.scalar(select(Closure)) is None


# --- the holiday file -------------------------------------------------------------------------


def test_a_holiday_file_with_a_buddhist_era_year_says_to_use_the_christian_year(client, desk):
    sign_in(client, "head1")
    response = upload(client, "2570-01-04,วันหยุดชดเชย,Substitution Day\n".encode(), "holidays.csv")
    english = client.post(
        "/admin/pa-sang/holidays?lang=en",
        data={"csrf_token": admin_csrf(client.get("/admin/pa-sang/closures").text),
              "file": (io.BytesIO(b"2570-01-04,x,y\n"), "holidays.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip

    assert response.status_code == 400
    assert "บรรทัด 1: 2570-01-04 เป็นปีพุทธศักราช โปรดเขียนปีคริสต์ศักราช เช่น 2027-01-04" in response.text
    assert english.status_code == 400 and "write the Christian year, e.g. 2027-01-04" in english.text
    assert db.session.scalar(select(Closure)) is None


def test_an_ics_dated_9999_12_31_is_a_clear_400_naming_the_line_never_a_500(client, desk):
    sign_in(client, "head1")
    ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:99991231\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
    ics += b"END:VCALENDAR\r\n"
    response = upload(client, ics, "holidays.ics")

    assert response.status_code == 400
    assert "บรรทัด 3: 9999-12-31 อยู่นอกช่วง" in response.text
    assert db.session.scalar(select(Closure)) is None


def test_a_holiday_file_over_the_line_cap_is_refused_before_any_write(client, desk):
    sign_in(client, "head1")
    lines = "\n".join(f"{date(2027, 1, 1) + timedelta(days=n)},วันที่ {n},Day {n}" for n in range(420))
    big = upload(client, lines.encode(), "holidays.csv")
    csv_refusal = errors_flashed(client)
    ics = ("BEGIN:VCALENDAR\n" + "BEGIN:VEVENT\nDTSTART:20270101\nSUMMARY:x\nEND:VEVENT\n" * 401 + "END:VCALENDAR\n")
    big_ics = upload(client, ics.encode(), "holidays.ics")
    ics_refusal = errors_flashed(client)

    assert big.status_code == 302 and big_ics.status_code == 302
    assert "ไฟล์มีวันหยุดเกิน 400 วัน" in csv_refusal and "ไฟล์มีวันหยุดเกิน 400 วัน" in ics_refusal
    assert db.session.scalar(select(Closure)) is None


# --- waiting for the applicant stops the clock -------------------------------------------------------


def test_waiting_for_the_applicant_stops_the_clock_over_a_weekend_and_a_holiday(client, desk, clock):
    desk["office"].closures.append(Closure(day=date(2026, 10, 13), reason_th="วันนวมินทรมหาราช", reason_en="Memorial"))
    db.session.commit()
    filed = register(client, desk).json  # 5 working days from Tue 6 Oct: due Mon 12 Oct
    url = f"/api/v1/requests/{filed['token']}"
    clock.set(bangkok(2026, 10, 9))  # Friday: the applicant must bring a document
    waiting = client.post(f"{url}/status", json={"status": "waiting_for_citizen", "note": "ขอสำเนาทะเบียนบ้าน"},
                          headers=desk["clerk"])  # fmt: skip
    clock.set(bangkok(2026, 10, 14))  # Wednesday, past the first due date; Tue 13 Oct was a holiday
    paused = client.get(url).json
    notice = client.post(f"{url}/delay-notices", json={"reason": "รอ"}, headers=EN | desk["clerk"])
    overdue_list = client.get("/api/v1/offices/pa-sang/requests?overdue=true", headers=desk["clerk"]).json
    sign_in(client, "clerk1")
    page = client.get(f"/staff/requests/{filed['token']}").text
    citizen_page = client.get(f"/r/{filed['token']}").text
    resumed = client.post(f"{url}/status", json={"status": "in_progress", "note": "ได้รับเอกสารแล้ว"},
                          headers=desk["clerk"]).json  # fmt: skip

    assert filed["due_on"] == "2026-10-12" and waiting.json["paused_on"] == "2026-10-09"
    assert paused["overdue"] is False and paused["next_notice_on"] is None and paused["notice_due"] is False
    assert (notice.status_code, notice.json["error"]["code"]) == (409, "invalid_state")
    assert "clock is stopped" in notice.json["error"]["message"]
    assert overdue_list == []
    assert "หยุดนับตั้งแต่" in page and "รอเอกสารหรือข้อมูลจากผู้ยื่นคำขอ" in page
    assert "สำนักงานรอเอกสารหรือข้อมูลจากท่าน" in citizen_page and 'class="late"' not in citizen_page
    # Paused Fri 9 → Wed 14: Mon 12 and Wed 14 were working days (Sat, Sun, the holiday were not).
    assert resumed["paused_on"] is None and resumed["paused_days"] == 2
    assert resumed["due_on"] == "2026-10-15" and resumed["overdue"] is False
    clock.set(bangkok(2026, 10, 16))
    assert client.get(url).json["overdue"] is True


# --- filing date, report ----------------------------------------------------------------------------


def test_a_future_filing_date_is_refused_naming_the_field(client, desk):
    response = register(client, desk, submitted_on="2026-10-06")
    english = client.post("/api/v1/offices/pa-sang/requests", headers=EN | desk["clerk"],
                          json={"service": "id-card", "name": "ก ข", "submitted_on": "2027-01-01"})  # fmt: skip
    sign_in(client, "clerk1")
    form = client.get("/staff/requests/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    page = client.post("/staff/requests/new", data={"csrf_token": token, "service": "id-card", "name": "ก ข",
                                                      "submitted_on": "2026-12-01"})  # fmt: skip

    assert (response.status_code, response.json["error"]["field"]) == (400, "submitted_on")
    assert "ในอนาคต" in response.json["error"]["message"]
    assert "in the future" in english.json["error"]["message"]
    assert page.status_code == 400 and "วันที่ยื่น 2026-12-01 เป็นวันในอนาคต" in page.text
    assert db.session.query(ServiceRequest).count() == 0


def test_the_reports_section_10_box_counts_every_request_overdue_now(client, desk, clock):
    for _ in range(4):
        register(client, desk)  # filed 5 October, due 12 October
    clock.set(bangkok(2026, 12, 1))
    body = client.get("/api/v1/offices/pa-sang/report?from=2026-11-01&to=2026-11-30", headers=desk["head"]).json

    assert body["requests"]["registered"] == 0  # none filed in November …
    assert body["requests"]["overdue"] == 4  # … but four are overdue now


# --- notices: spacing, length, the letter ----------------------------------------------------------


def test_notices_are_spaced_7_days_and_the_reason_fits_a_few_sms(client, desk, clock):
    filed = register(client, desk).json
    url = f"/api/v1/requests/{filed['token']}/delay-notices"
    clock.set(bangkok(2026, 10, 13))
    too_long = client.post(url, json={"reason": "ก" * 321}, headers=desk["clerk"])
    first = client.post(url, json={"reason": "รอผลตรวจสอบจากอำเภอ"}, headers=desk["clerk"])
    again = client.post(url, json={"reason": "ซ้ำ"}, headers=desk["clerk"])
    clock.set(bangkok(2026, 10, 20))
    week_later = client.post(url, json={"reason": "ยังรอผลตรวจสอบ"}, headers=desk["clerk"])

    assert (too_long.status_code, too_long.json["error"]["field"]) == (400, "reason")
    assert first.status_code == 201 and first.json["next_notice_on"] == "2026-10-20"
    assert (again.status_code, again.json["error"]["code"]) == (409, "invalid_state")
    assert "2026-10-20" in again.json["error"]["message"]
    assert week_later.status_code == 201 and len(week_later.json["notices"]) == 2


def test_the_letter_has_the_offices_running_number_once_and_the_postal_address(client, desk, clock):
    office = db.session.get(Office, desk["office"].id)
    office.letter_ref_prefix = "ที่ ลพ 0318/"  # as the label's old example had it
    office.letter_signatory_th = "นายสมชาย ใจดี | นายอำเภอป่าซาง"
    db.session.commit()
    first = register(client, desk, postal_address="99 หมู่ 1 ตำบลป่าซาง\nอำเภอป่าซาง จังหวัดลำพูน 51120").json
    second = register(client, desk).json
    clock.set(bangkok(2026, 10, 13))
    for filed in (first, second):
        client.post(f"/api/v1/requests/{filed['token']}/delay-notices", json={"reason": "รอผล"}, headers=desk["clerk"])
    sign_in(client, "clerk1")
    letter_one = client.get(f"/requests/{first['token']}/notices/1/letter").text
    letter_two = client.get(f"/requests/{second['token']}/notices/1/letter").text

    assert "ที่ ลพ 0318/๑<" in letter_one and "ที่ ลพ 0318/๒<" in letter_two
    assert "ที่ ที่" not in letter_one
    assert "99 หมู่ 1 ตำบลป่าซาง" in letter_one and "อำเภอป่าซาง จังหวัดลำพูน 51120" in letter_one
    assert "(นายสมชาย ใจดี)" in letter_one and "นายอำเภอป่าซาง" in letter_one
    assert "สำเนาส่ง สำนักงานคณะกรรมการพัฒนาระบบราชการ (ก.พ.ร.)" in letter_one
    numbers = db.session.scalars(select(DelayNotice.letter_number).order_by(DelayNotice.id)).all()
    assert numbers == [1, 2]


def test_an_office_can_have_its_head_review_a_clerks_first_notice_before_it_is_sent(client, desk, clock):
    office = db.session.get(Office, desk["office"].id)
    office.first_notice_review = True
    db.session.commit()
    filed = register(client, desk).json
    url = f"/api/v1/requests/{filed['token']}/delay-notices"
    clock.set(bangkok(2026, 10, 13))
    held = client.post(url, json={"reason": "รอผลตรวจสอบ"}, headers=desk["clerk"])
    sent_before_review = outbox_kinds()
    citizen = client.get(f"/api/v1/requests/{filed['token']}").json
    another = client.post(url, json={"reason": "ซ้ำ"}, headers=desk["clerk"])
    clerk_approves = client.post(f"{url}/1/approve", headers=desk["clerk"])
    sign_in(client, "head1")
    page = client.get(f"/staff/requests/{filed['token']}").text
    approved = client.post(f"{url}/1/approve", headers=desk["head"])
    again = client.post(f"{url}/1/approve", headers=desk["head"])

    assert held.status_code == 201 and held.json["notices"][0]["pending_review"] is True
    assert held.json["notices"][0]["letter_number"] is None and sent_before_review == []
    assert citizen["notices"] == [] and citizen["notice_due"] is True  # not told yet: still owed
    assert (another.status_code, another.json["error"]["code"]) == (409, "invalid_state")
    assert clerk_approves.status_code == 403
    assert "รอหัวหน้าสำนักงานตรวจ ยังไม่ได้ส่ง" in page and "อนุมัติและส่ง" in page
    assert approved.status_code == 200 and approved.json["notices"][0]["pending_review"] is False
    assert approved.json["notices"][0]["letter_number"] == 1 and outbox_kinds() == ["delay_notice"]
    assert again.status_code == 409
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "delay_notice")).all()
    assert [(a.action, a.entity_id) for a in audit] == [("approve", f"{filed['reference']}#1")]


def outbox_kinds() -> list[str]:
    return sorted({m.kind for m in db.session.scalars(select(OutboxMessage))})
