"""The office settings added after the administration pages (issues 12 and 13), run from
/admin/: booking confirmation by code, the delay letters' letterhead, the services' processing
time, complaint topics and service levels, staff e-mail; signing in back to a report; two
heads closing the same date at once. Each: a head changes it, a bad value names the field and
changes nothing, the audit shows before → after, another office's head gets 403."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.domain.admin_rules import ClosureRequest
from app.domain.errors import InvalidField
from app.domain.roles import Role, StaffMember
from app.extensions import db
from app.models import AuditEntry, Closure, Complaint, ComplaintTopic, Office, OfficeComplaintSettings, Staff
from app.services import admin_closures
from app.services.complaints import office_topics
from app.services.office_rules import office_rules
from app.web.security import safe_next
from tests.integration.test_admin_pages import PASSWORD, csrf, details, flashed, post, sign_in, staffed_offices

WEDNESDAY = date(2026, 11, 25)


@pytest.fixture
def offices(app):
    return staffed_offices()


def audit_rows(entity: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)).all()


def office_row(code: str = "pa-sang") -> Office:
    row = db.session.scalar(select(Office).where(Office.code == code))
    db.session.refresh(row)
    return row


# --- 1. confirming bookings by code ----------------------------------------------------------


def test_a_head_turns_on_code_confirmation_and_the_hold_time(client, offices):
    sign_in(client)
    page = client.get("/admin/pa-sang/?lang=en").get_data(as_text=True)
    assert "recommended in production" in page and "release_expired_holds" in page

    post(client, "/admin/pa-sang/details", details(verification="otp", hold_minutes="15"))
    rules = office_rules("pa-sang")  # the cached rules are reloaded at once
    assert (rules.verification, rules.hold_minutes) == ("otp", 15)
    [entry] = audit_rows("office")
    assert entry.before == {"verification": "none", "hold_minutes": 10}
    assert entry.after == {"verification": "otp", "hold_minutes": 15}
    audit_page = client.get("/admin/pa-sang/audit").get_data(as_text=True)
    assert "None: a booking is made at once → Code by phone (OTP)" in audit_page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("hold_minutes", "61", "1–60"), ("hold_minutes", "0", "1–60"), ("verification", "sms", "Verification is")],
)
def test_a_bad_confirmation_setting_names_the_field_and_changes_nothing(client, offices, field, value, message):
    sign_in(client)
    post(client, "/admin/pa-sang/details?lang=en", details(**{field: value}))
    assert message in flashed(client, "/admin/pa-sang/?lang=en")
    assert (office_row().verification, office_row().hold_minutes) == ("none", 10)
    assert audit_rows("office") == []


def test_another_offices_head_cannot_change_its_confirmation(client, offices):
    sign_in(client, "other-head")
    assert (
        post(client, "/admin/pa-sang/details", details(verification="otp"), page="/admin/bang-rak/").status_code == 403
    )
    assert office_row().verification == "none"


# --- 2. the letterhead of Section 10 delay letters -------------------------------------------

LETTERHEAD = {
    "letter_ref_prefix": "ที่ ลพ 0318/",
    "letterhead_th": "ที่ว่าการอำเภอป่าซาง\n\n  ถนนลำพูน-ลี้ จังหวัดลำพูน 51120 ",
    "letter_signatory_th": "นายอำเภอป่าซาง",
    "letter_contact_th": "ฝ่ายทะเบียนและบัตร\nโทร. 0 5352 1234",
}


def test_a_head_sets_the_letterhead_and_the_audit_shows_it(client, offices):
    sign_in(client)
    assert post(client, "/admin/pa-sang/letterhead", LETTERHEAD).status_code == 302
    row = office_row()
    assert row.letter_ref_prefix == "ที่ ลพ 0318/" and row.letter_signatory_th == "นายอำเภอป่าซาง"
    assert row.letterhead_th == "ที่ว่าการอำเภอป่าซาง\nถนนลำพูน-ลี้ จังหวัดลำพูน 51120"  # blank line and spaces dropped
    [entry] = audit_rows("letterhead")
    assert entry.before["letter_ref_prefix"] == "" and entry.after["letter_ref_prefix"] == "ที่ ลพ 0318/"
    assert 'value="ที่ ลพ 0318/"' in client.get("/admin/pa-sang/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("letter_ref_prefix", "x" * 41, "ข้อความนำหน้าเลขที่หนังสือ"),
        ("letter_signatory_th", "นายอำเภอ\tป่าซาง", "ตำแหน่งผู้ลงนาม"),
        ("letter_contact_th", "\n".join(["โทร."] * 6), "ช่องทางติดต่อ"),
    ],
)
def test_a_bad_letterhead_names_the_field_and_changes_nothing(client, offices, field, value, message):
    sign_in(client)
    post(client, "/admin/pa-sang/letterhead", {**LETTERHEAD, field: value})
    assert message in flashed(client, "/admin/pa-sang/")
    assert office_row().letter_ref_prefix == "" and audit_rows("letterhead") == []


def test_another_offices_head_cannot_set_the_letterhead(client, offices):
    sign_in(client, "other-head")
    assert post(client, "/admin/pa-sang/letterhead", LETTERHEAD, page="/admin/bang-rak/").status_code == 403
    assert office_row().letter_ref_prefix == ""


# --- 3. a service's processing time (Section 10) ---------------------------------------------


def service_form(**changes) -> dict:
    return {"code": "id-card", "name_th": "บัตรประชาชน", "name_en": "ID card", "avg_minutes": "10", "active": "1",
            **changes}  # fmt: skip


def test_a_head_sets_a_services_processing_time(client, offices):
    sign_in(client)
    service_id = office_rules("pa-sang").service("id-card").id
    url = f"/admin/pa-sang/services/{service_id}"
    post(client, url, service_form(processing_days="15", processing_day_kind="calendar"))
    service = office_rules("pa-sang").service("id-card")
    assert (service.processing_days, service.processing_day_kind) == (15, "calendar")
    entry = audit_rows("service")[-1]
    assert (entry.before["processing_days"], entry.after["processing_days"]) == (None, 15)
    assert "working days → calendar days" in client.get("/admin/pa-sang/audit?lang=en").get_data(as_text=True)

    post(client, url, service_form(processing_days="", processing_day_kind="working"))  # empty: none stated
    assert office_rules("pa-sang").service("id-card").processing_days is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"processing_days": "366"}, "0–365"), ({"processing_days": "-1"}, "0–365"),
     ({"processing_days": "5", "processing_day_kind": "monthly"}, "working")],
)  # fmt: skip
def test_a_bad_processing_time_names_the_field_and_changes_nothing(client, offices, changes, message):
    sign_in(client)
    service_id = office_rules("pa-sang").service("id-card").id
    post(client, f"/admin/pa-sang/services/{service_id}?lang=en", service_form(**changes))
    assert message in flashed(client, "/admin/pa-sang/services?lang=en")
    assert office_rules("pa-sang").service("id-card").processing_days is None and audit_rows("service") == []


def test_another_offices_head_cannot_change_a_services_processing_time(client, offices):
    sign_in(client, "other-head")
    service_id = office_rules("pa-sang").service("id-card").id
    changed = post(
        client, f"/admin/pa-sang/services/{service_id}", service_form(processing_days="3"), page="/admin/bang-rak/"
    )
    assert changed.status_code == 403 and office_rules("pa-sang").service("id-card").processing_days is None


# --- 4. complaint topics, service levels, the daily summary ----------------------------------


def topics(code: str = "pa-sang") -> dict[str, ComplaintTopic]:
    office_id = office_row(code).id
    return {t.code: t for t in db.session.scalars(select(ComplaintTopic).where(ComplaintTopic.office_id == office_id))}


def test_a_head_adds_renames_and_hides_topics_and_one_in_use_stays(client, offices):
    filed = client.post("/api/v1/complaints", json={"office": "pa-sang", "topic": "facilities", "text": "ห้องน้ำสกปรก"})
    assert filed.status_code == 201
    sign_in(client)
    page = client.get("/admin/pa-sang/complaints").get_data(as_text=True)
    assert "ความล่าช้าในการให้บริการ" in page

    post(client, "/admin/pa-sang/complaints/topics", {"code": "parking", "name_th": "ที่จอดรถ", "name_en": "Parking"})
    post(
        client, "/admin/pa-sang/complaints/topics/facilities", {"name_th": "สถานที่", "name_en": "Premises"}
    )  # fmt: skip  (unticked: no longer offered)
    rows = topics()
    assert rows["parking"].active and rows["parking"].position > rows["other"].position
    assert (rows["facilities"].name_th, rows["facilities"].active) == ("สถานที่", False)
    complaint = db.session.scalar(select(Complaint))
    assert complaint.topic_id == rows["facilities"].id  # the complaint keeps its topic
    _, offered = office_topics("pa-sang")
    assert "parking" in {t.code for t in offered} and "facilities" not in {t.code for t in offered}

    entry = audit_rows("complaint_topic")[-1]
    assert entry.entity_id == "facilities"
    assert entry.before == {"name_th": "สถานที่และสิ่งอำนวยความสะดวก", "name_en": "Facilities", "active": True}
    assert entry.after == {"name_th": "สถานที่", "name_en": "Premises", "active": False}
    assert "1" in client.get("/admin/pa-sang/complaints").get_data(as_text=True)


def test_bad_topics_name_the_field_and_the_last_offered_topic_stays(client, offices):
    sign_in(client)
    post(client, "/admin/pa-sang/complaints/topics", {"code": "Parking Lot", "name_th": "ที่จอดรถ", "name_en": "P"})
    assert "รหัสหัวข้อ" in flashed(client, "/admin/pa-sang/complaints")
    post(client, "/admin/pa-sang/complaints/topics", {"code": "other", "name_th": "อื่น", "name_en": "Other"})
    assert "other" in flashed(client, "/admin/pa-sang/complaints")
    for code in ("service_delay", "staff_conduct", "facilities", "corruption"):
        post(client, f"/admin/pa-sang/complaints/topics/{code}", {"name_th": code, "name_en": code})
    post(client, "/admin/pa-sang/complaints/topics/other", {"name_th": "อื่น ๆ", "name_en": "Other"})
    assert "อย่างน้อยหนึ่งหัวข้อ" in flashed(client, "/admin/pa-sang/complaints")
    assert topics()["other"].active and topics()["other"].name_th == "เรื่องอื่น ๆ"


def test_a_head_sets_the_service_levels_and_the_summary_address(client, offices):
    sign_in(client)
    post(
        client, "/admin/pa-sang/complaints/sla", {"sla_urgent_days": "2", "sla_high_days": "5", "sla_normal_days": "20"}
    )
    post(client, "/admin/pa-sang/complaints/summary", {"summary_email": "head@pasang.go.th"})
    row = db.session.get(OfficeComplaintSettings, office_row().id)
    db.session.refresh(row)
    assert (row.sla_urgent_days, row.sla_high_days, row.sla_normal_days) == (2, 5, 20)
    assert row.summary_email == "head@pasang.go.th"
    sla, summary = audit_rows("complaint_settings")
    assert sla.before == {"sla_urgent_days": 1, "sla_high_days": 3, "sla_normal_days": 15}
    assert sla.after == {"sla_urgent_days": 2, "sla_high_days": 5, "sla_normal_days": 20}
    assert (summary.before, summary.after) == ({"summary_email": None}, {"summary_email": "head@pasang.go.th"})


@pytest.mark.parametrize(
    ("url", "form", "message"),
    [
        ("sla", {"sla_urgent_days": "0", "sla_high_days": "3", "sla_normal_days": "15"}, "1–60"),
        ("sla", {"sla_urgent_days": "1", "sla_high_days": "3", "sla_normal_days": "61"}, "1–60"),
        ("sla", {"sla_urgent_days": "5", "sla_high_days": "3", "sla_normal_days": "15"}, "urgent complaint"),
        ("sla", {"sla_urgent_days": "1", "sla_high_days": "20", "sla_normal_days": "15"}, "high-priority"),
        ("summary", {"summary_email": "head@"}, "e-mail address is not valid"),
    ],
)
def test_bad_complaint_settings_name_the_field_and_change_nothing(client, offices, url, form, message):
    sign_in(client)
    post(client, f"/admin/pa-sang/complaints/{url}?lang=en", form)
    assert message in flashed(client, "/admin/pa-sang/complaints?lang=en")
    assert db.session.get(OfficeComplaintSettings, office_row().id) is None
    assert audit_rows("complaint_settings") == []


def test_another_offices_head_gets_403_on_its_complaint_settings(client, offices):
    sign_in(client, "other-head")
    assert client.get("/admin/pa-sang/complaints").status_code == 403
    sla = {"sla_urgent_days": "2", "sla_high_days": "5", "sla_normal_days": "20"}
    assert post(client, "/admin/pa-sang/complaints/sla", sla, page="/admin/bang-rak/").status_code == 403
    topic = {"code": "parking", "name_th": "ที่จอดรถ", "name_en": "Parking"}
    assert post(client, "/admin/pa-sang/complaints/topics", topic, page="/admin/bang-rak/").status_code == 403
    assert db.session.get(OfficeComplaintSettings, office_row().id) is None and topics() == {}


# --- 5. staff e-mail -------------------------------------------------------------------------


def test_a_head_gives_an_e_mail_to_a_new_clerk_and_to_themself(client, offices):
    sign_in(client)
    new = {"username": "newclerk", "role": "clerk", "password": "long enough pass", "email": "Clerk@PaSang.go.th"}
    post(client, "/admin/pa-sang/staff", new, page="/admin/pa-sang/staff")
    clerk = db.session.scalar(select(Staff).where(Staff.username == "newclerk"))
    assert clerk.email == "Clerk@pasang.go.th"
    head = db.session.scalar(select(Staff).where(Staff.username == "head"))
    post(client, f"/admin/pa-sang/staff/{head.id}/email", {"email": "head@pasang.go.th"}, page="/admin/pa-sang/staff")
    db.session.refresh(head)
    assert head.email == "head@pasang.go.th"
    entry = audit_rows("staff")[-1]
    assert (entry.entity_id, entry.before, entry.after) == ("head", {"email": None}, {"email": "head@pasang.go.th"})


def test_a_bad_staff_e_mail_names_the_field_and_changes_nothing(client, offices):
    sign_in(client)
    new = {"username": "newclerk", "role": "clerk", "password": "long enough pass", "email": "not an address"}
    post(client, "/admin/pa-sang/staff", new, page="/admin/pa-sang/staff")
    assert "อีเมล" in flashed(client, "/admin/pa-sang/staff")
    assert db.session.scalar(select(Staff).where(Staff.username == "newclerk")) is None
    clerk = db.session.scalar(select(Staff).where(Staff.username == "clerk"))
    post(client, f"/admin/pa-sang/staff/{clerk.id}/email", {"email": "clerk@"}, page="/admin/pa-sang/staff")
    db.session.refresh(clerk)
    assert clerk.email is None and audit_rows("staff") == []


def test_another_offices_head_cannot_set_an_e_mail_here(client, offices):
    clerk = db.session.scalar(select(Staff).where(Staff.username == "clerk"))
    sign_in(client, "other-head")
    changed = post(
        client, f"/admin/pa-sang/staff/{clerk.id}/email", {"email": "x@example.org"}, page="/admin/bang-rak/"
    )
    assert changed.status_code == 403
    db.session.refresh(clerk)
    assert clerk.email is None


# --- 6. signing in back to a report ----------------------------------------------------------


def sign_in_via(client, login_url: str):
    page = client.get(login_url).get_data(as_text=True)
    return client.post(login_url, data={"username": "head", "password": PASSWORD, "csrf_token": csrf(page)})


def test_signing_in_from_a_report_or_the_live_view_returns_there(client, offices):
    asked = client.get("/admin/reports/pa-sang?from=2026-11-01")
    assert asked.status_code == 302 and asked.location.startswith("/admin/login?next=")
    signed = sign_in_via(client, asked.location)
    assert signed.status_code == 302 and signed.location == "/admin/reports/pa-sang?from=2026-11-01"
    assert client.get(signed.location).status_code == 200

    client.post("/admin/logout", data={"csrf_token": csrf(client.get("/admin/pa-sang/").get_data(as_text=True))})
    asked = client.get("/admin/live/pa-sang")
    assert sign_in_via(client, asked.location).location == "/admin/live/pa-sang"


def test_the_counter_sign_in_follows_next_to_admin_pages_too_but_never_to_another_host(client, offices):
    assert sign_in_via(client, "/counter/login?next=/admin/live/pa-sang").location == "/admin/live/pa-sang"
    for target in ("https://evil.example/admin/", "//evil.example/admin/", "/admin/\\evil.example", "/elsewhere"):
        assert safe_next(target) is None, target
    assert safe_next("/staff/requests/?office=pa-sang") == "/staff/requests/?office=pa-sang"


def test_the_admin_sign_in_ignores_a_next_to_another_host(client, offices):
    signed = sign_in_via(client, "/admin/login?next=//evil.example/admin/")
    assert signed.location == "/admin/"


# --- 7. two heads closing the same date at the same moment -----------------------------------


def head_of(office: Office) -> StaffMember:
    row = db.session.scalar(select(Staff).where(Staff.username == "head"))
    return StaffMember(row.id, row.username, row.display_name, Role.HEAD, office.id)


def close_wednesday(office, head):
    request = ClosureRequest(WEDNESDAY, "ปิด", "Closed")
    return admin_closures.close_days("pa-sang", head, [request], now=_now(), confirmed=True)


def _now():
    return datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_a_date_someone_closed_a_moment_ago_gets_a_clear_refusal(app, offices, monkeypatch):
    """The other head's closure lands between this one's read and its write."""
    mine, _ = offices
    head = head_of(mine)
    real = admin_closures._booked_counts

    def the_other_head_closes_first(office_id, days):
        for day in days:
            db.session.add(Closure(office_id=office_id, day=day, reason_th="อีกคน", reason_en="other"))
        db.session.flush()
        return real(office_id, days)

    monkeypatch.setattr(admin_closures, "_booked_counts", the_other_head_closes_first)
    with pytest.raises(InvalidField) as refused:
        close_wednesday(mine, head)
    assert refused.value.field == "day" and "a moment ago" in str(refused.value)
    assert audit_rows("closure") == []


def test_the_unique_constraint_race_is_a_clear_refusal_not_a_500(client, offices, monkeypatch):
    """Both heads read the date open and checked again; the other's commit came first, so
    this one's insert breaks the one-closure-a-day constraint."""
    real_close = admin_closures._close

    def racing_close(connection, office, wanted, staff, now, booked):
        db.session.add(Closure(office_id=office.id, day=wanted[0].day, reason_th="อีกคน", reason_en="other"))
        return real_close(connection, office, wanted, staff, now, booked)

    monkeypatch.setattr(admin_closures, "_close", racing_close)
    sign_in(client)
    form = {"day": WEDNESDAY.isoformat(), "reason_th": "ปิดปรับปรุง", "reason_en": ""}
    response = post(client, "/admin/pa-sang/closures", form, page="/admin/pa-sang/closures")
    assert response.status_code == 302
    assert "เมื่อสักครู่" in flashed(client, "/admin/pa-sang/closures")
    assert audit_rows("closure") == []
