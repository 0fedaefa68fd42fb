"""Issue 21's low items: dates a person types on the audit and report pages are bounded (400
naming the field, never a 500), a bare CR in an office's address cannot break a citizen's
calendar file, and staff-typed names, reasons, notes and survey suggestions follow the
free-text rule (no control or invisible characters)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Office, Staff
from tests.factories import add_clerk, make_office, web_booking
from tests.integration.test_admin_pages import details, offices, post, sign_in  # noqa: F401


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=0001-01-01", "from"), ("to=9999-12-31", "to"), ("from=1999-12-31&to=2000-01-05", "from"),
     ("from=2026-11-30&to=2026-11-01", "to"), ("from=2026-02-30", "from")],
)  # fmt: skip
def test_extreme_dates_on_the_audit_page_are_a_400_naming_the_field(client, offices, query, field):  # noqa: F811
    sign_in(client)

    page = client.get(f"/admin/pa-sang/audit?{query}", headers={"Accept-Language": "en"})

    assert page.status_code == 400
    assert ("start date" if field == "from" else "end date") in page.get_data(as_text=True)


def test_the_audit_page_s_own_dates_still_work(client, offices):  # noqa: F811
    sign_in(client)
    assert client.get("/admin/pa-sang/audit?from=2000-01-01&to=2100-12-31").status_code == 200


@pytest.mark.parametrize(("query", "field"), [("from=0001-01-01&to=0001-01-31", "from"), ("to=9999-12-31", "to")])
def test_extreme_dates_on_the_report_are_a_400_naming_the_field(client, query, field):
    office = make_office()
    head = add_clerk("head-x", office.id, role="head")

    refused = client.get(f"/api/v1/offices/{office.code}/report?{query}", headers={**head, "Accept-Language": "en"})

    assert (refused.status_code, refused.json["error"]["field"]) == (400, field)
    assert "2000-01-01" in refused.json["error"]["message"]


def test_a_bare_cr_in_the_office_address_never_breaks_the_calendar_file(client):
    office = make_office()
    row = db.session.scalar(select(Office).where(Office.code == office.code))
    row.address_th = "99 หมู่ 1\rEND:VEVENT\r\nBEGIN:VEVENT;x,y"
    db.session.commit()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-25")).json["token"]

    body = client.get(f"/b/{token}/booking.ics").get_data(as_text=True)

    lines = body.split("\r\n")
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    assert lines.count("END:VEVENT") == 1 and lines.count("BEGIN:VEVENT") == 1
    location = "".join(line[1:] if line.startswith(" ") else "\n" + line for line in lines).split("\nLOCATION:")[1]
    assert location.split("\n")[0] == "99 หมู่ 1\\nEND:VEVENT\\nBEGIN:VEVENT\\;x\\,y"
    assert all(len(line.encode()) <= 75 for line in lines)


@pytest.mark.parametrize(
    ("url", "field", "data"),
    [
        ("/admin/pa-sang/details", "name_th", {"name_th": "สำนักงาน\u202eคืนเงิน"}),
        ("/admin/pa-sang/details", "address_th", {"address_th": "99\rหมู่ 1"}),
    ],
)
def test_staff_typed_names_and_addresses_follow_the_free_text_rule(client, offices, url, field, data):  # noqa: F811
    sign_in(client)

    post(client, url, details(**data))

    assert db.session.scalar(select(Office.name_th).where(Office.code == "pa-sang")) != data.get("name_th")
    page = client.get("/admin/pa-sang/").get_data(as_text=True)
    assert "อักขระควบคุม" in page  # "remove the control or invisible characters"


def test_a_staff_member_s_display_name_with_a_bidi_override_is_refused(client, offices):  # noqa: F811
    sign_in(client)
    form = {"username": "new-clerk", "display_name": "สมชาย\u202e", "role": "clerk", "password": "a long enough pass"}

    post(client, "/admin/pa-sang/staff", form, page="/admin/pa-sang/staff")

    assert db.session.scalar(select(Staff).where(Staff.username == "new-clerk")) is None


@pytest.mark.parametrize("suggestion", ["ดีมาก\u200b", "ok\x1b[31m", "line\rbreak"])
def test_a_survey_suggestion_with_control_or_invisible_characters_is_refused(client, suggestion):
    from app.domain.errors import InvalidField
    from app.domain.survey import read_submission

    with pytest.raises(InvalidField) as refused:
        read_submission({"process_1": "satisfied"}, suggestion)
    assert refused.value.field == "suggestion"
    assert read_submission({"process_1": "satisfied"}, " ที่จอดรถ\r\nน้อย ").suggestion == "ที่จอดรถ\nน้อย"


def test_the_audit_page_error_is_the_admin_s_page_in_thai(client, offices):  # noqa: F811
    sign_in(client)
    page = client.get("/admin/pa-sang/audit?to=9999-12-31").get_data(as_text=True)
    assert re.search(r"วันที่สิ้นสุดต้องอยู่ระหว่าง 2000-01-01 ถึง 2100-12-31", page)
