"""Office administration (/admin/): who may see what, capacities that never drop a booking,
closing a booked day, the holiday file, staff and kiosk keys, and the audit of every change."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import AuditEntry, Booking, ChannelCapacity, Closure, DailyQuota, Office, OutboxMessage, Staff
from app.services.office_rules import office_rules
from tests.factories import add_clerk, make_office, web_booking

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # once: hashing is slow on purpose
TUESDAY, WEDNESDAY = "2026-11-24", "2026-11-25"  # the clock says Monday 23 November 2026, 10:00


@pytest.fixture
def offices(app):
    return staffed_offices()


def staffed_offices():
    """Pa Sang (a head, a clerk) and Bang Rak (its head), and an administrator; one password."""
    mine, other = make_office(code="pa-sang"), make_office(code="bang-rak")
    for username, role, office in (("head", "head", mine), ("clerk", "clerk", mine), ("other-head", "head", other)):
        db.session.add(
            Staff(username=username, password_hash=PASSWORD_HASH, display_name=username, role=role, office_id=office.id)
        )
    db.session.add(Staff(username="root", password_hash=PASSWORD_HASH, display_name="root", role="admin"))
    db.session.commit()
    return mine, other


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, username="head"):
    page = client.get("/admin/login").get_data(as_text=True)
    response = client.post("/admin/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def post(client, url, data, page="/admin/pa-sang/", **kwargs):
    """Submit a form the way the page does: with the page's CSRF token."""
    token = csrf(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def flashed(client, page="/admin/pa-sang/capacity") -> str:
    return " ".join(re.findall(r'<p class="flash [a-z]+"[^>]*>([^<]*)</p>', client.get(page).get_data(as_text=True)))


def book(client, day, serial, **extra):
    response = client.post(
        "/api/v1/bookings", json=web_booking("pa-sang", date=day, slot="09:00", serial=serial, **extra)
    )
    assert response.status_code == 201, response.json
    return response.json


def weekly_grid(office_code: str, **changes) -> dict:
    rules = office_rules(office_code)
    grid = {
        f"cap-{day}-{channel.value}": str(places.get(day, 0))
        for channel, places in rules.weekly_capacity.items()
        for day in range(1, 8)
    }
    grid.update({"cap-{}-{}".format(*key.split("_", 2)[1:]): str(v) for key, v in changes.items()})
    return grid


# --- who may see what ------------------------------------------------------------------------

PAGES = [
    "/admin/",
    "/admin/pa-sang/",
    "/admin/pa-sang/hours",
    "/admin/pa-sang/closures",
    "/admin/pa-sang/services",
    "/admin/pa-sang/counters",
    "/admin/pa-sang/capacity",
    "/admin/pa-sang/staff",
    "/admin/pa-sang/audit",
]


def test_administration_needs_a_sign_in(client, offices):
    response = client.get("/admin/pa-sang/capacity")
    assert response.status_code == 302 and "/admin/login" in response.location


def test_a_clerk_gets_403_on_every_administration_page_and_change(client, offices):
    sign_in(client, "clerk")
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 403, page
    assert "หัวหน้าสำนักงานและผู้ดูแลระบบ" in client.get("/admin/").get_data(as_text=True)
    token = csrf(client.get("/admin/login").get_data(as_text=True))
    refused = client.post("/admin/pa-sang/capacity/weekly", data={**weekly_grid("pa-sang"), "csrf_token": token})
    assert refused.status_code == 403


def test_a_head_runs_only_their_own_office_on_pages_and_api(client, offices):
    mine, _ = offices
    sign_in(client, "head")
    home = client.get("/admin/")
    assert home.status_code == 302 and home.location.endswith("/admin/pa-sang/")
    page = client.get("/admin/pa-sang/").get_data(as_text=True)
    assert 'href="/admin/reports/pa-sang"' in page and 'href="/admin/live/pa-sang"' in page
    assert 'href="/staff/requests/?office=pa-sang"' in page and 'href="/staff/complaints/?office=pa-sang"' in page

    assert client.get("/admin/bang-rak/").status_code == 403
    assert client.get("/admin/bang-rak/capacity").status_code == 403
    changed = post(client, "/admin/bang-rak/capacity/weekly", weekly_grid("bang-rak", cap_1_web=1))
    assert changed.status_code == 403
    assert office_rules("bang-rak").weekly_capacity["web"][1] == 40

    headers = add_clerk("head-api", mine.id, role="head")
    assert client.get("/api/v1/offices/bang-rak/queue", headers=headers).status_code == 403
    assert client.get("/api/v1/offices/pa-sang/queue", headers=headers).status_code == 200


def test_an_admin_sees_every_office(client, offices):
    sign_in(client, "root")
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/pa-sang/" in home and "/admin/bang-rak/" in home
    assert client.get("/admin/bang-rak/capacity").status_code == 200


# --- capacity never drops a booking ----------------------------------------------------------


def test_lowering_a_weekday_below_what_is_booked_is_refused_with_the_numbers(client, offices):
    for serial in range(3):
        book(client, TUESDAY, serial)
    sign_in(client)

    post(client, "/admin/pa-sang/capacity/weekly", weekly_grid("pa-sang", cap_2_web=2))

    assert "ลดไม่ได้: วันที่ 24 พฤศจิกายน พ.ศ. 2569 มีการจองแล้ว 3 คิว มากกว่า 2 ที่ตั้งไว้" in flashed(client)
    assert office_rules("pa-sang").weekly_capacity["web"][2] == 40  # nothing changed

    post(client, "/admin/pa-sang/capacity/weekly?lang=en", weekly_grid("pa-sang", cap_2_web=1))
    assert "Cannot lower: 24 November 2026 already has 3 bookings, more than the 1 you set." in flashed(
        client, "/admin/pa-sang/capacity?lang=en"
    )

    post(client, "/admin/pa-sang/capacity/weekly", weekly_grid("pa-sang", cap_2_web=3))
    assert office_rules("pa-sang").weekly_capacity["web"][2] == 3
    quota = db.session.scalar(select(DailyQuota).where(DailyQuota.channel == "web"))
    assert (quota.used, quota.capacity) == (3, 3)  # in force on the day already counted
    assert book_fails(client, TUESDAY, 3)


def book_fails(client, day, serial) -> bool:
    response = client.post("/api/v1/bookings", json=web_booking("pa-sang", date=day, slot="09:30", serial=serial))
    return response.status_code == 409 and response.json["error"]["code"] == "capacity_full"


def test_a_dates_capacity_below_booked_is_refused_and_above_is_kept(client, offices):
    for serial in range(2):
        book(client, TUESDAY, serial)
    sign_in(client)

    post(client, "/admin/pa-sang/capacity/dates", {"day": TUESDAY, "channel": "web", "capacity": "1"})
    assert "มีการจองแล้ว 2 คิว มากกว่า 1 ที่ตั้งไว้" in flashed(client)

    post(client, "/admin/pa-sang/capacity/dates", {"day": TUESDAY, "channel": "web", "capacity": "2"})
    rules = office_rules("pa-sang")
    assert rules.capacity_overrides[("web", date(2026, 11, 24))] == 2
    assert book_fails(client, TUESDAY, 5)


# --- closing a booked day --------------------------------------------------------------------


def test_closing_a_booked_day_asks_first_then_cancels_and_tells_each_citizen(client, offices):
    book(client, WEDNESDAY, 1, email="one@example.org")
    book(client, WEDNESDAY, 2, phone="0812345678")
    book(client, TUESDAY, 3, email="other-day@example.org")
    sign_in(client)
    form = {"day": WEDNESDAY, "reason_th": "ปิดปรับปรุงระบบไฟฟ้า", "reason_en": "Electrical works"}

    asked = post(client, "/admin/pa-sang/closures", form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "2 คิว" in page and 'name="confirm" value="yes"' in page
    assert db.session.scalar(select(Closure)) is None  # nothing yet

    done = post(client, "/admin/pa-sang/closures", {**form, "confirm": "yes"})
    assert done.status_code == 302
    assert "ยกเลิก 2 การจอง" in flashed(client, "/admin/pa-sang/closures")
    statuses = {b.day.isoformat(): b.status for b in db.session.scalars(select(Booking))}
    assert statuses == {WEDNESDAY: "cancelled", TUESDAY: "booked"}
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "office_closed")).all()
    assert sorted(n.channel for n in notices) == ["email", "sms"]  # one per booked citizen
    assert all(n.facts["reason_th"] == "ปิดปรับปรุงระบบไฟฟ้า" for n in notices)
    availability = client.get(f"/api/v1/offices/pa-sang/availability?date={WEDNESDAY}").json
    assert availability["open"] is False


def test_a_day_without_bookings_closes_at_once_and_reopens(client, offices):
    sign_in(client)
    post(client, "/admin/pa-sang/closures", {"day": WEDNESDAY, "reason_th": "วันหยุดพิเศษ", "reason_en": ""})
    assert db.session.scalar(select(Closure)).reason_en == "วันหยุดพิเศษ"
    post(client, f"/admin/pa-sang/closures/{WEDNESDAY}/delete", {})
    assert db.session.scalar(select(Closure)) is None


# --- the holiday file ------------------------------------------------------------------------


def upload(client, content: bytes, name: str):
    token = csrf(client.get("/admin/pa-sang/closures").get_data(as_text=True))
    return client.post(
        "/admin/pa-sang/holidays",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_holiday_file_with_bad_lines_imports_nothing_and_names_each_line(client, offices):
    sign_in(client)
    bad = "date,name_th,name_en\n2027-01-01,วันขึ้นปีใหม่,New Year's Day\n2027-02-30,วันผิด,Wrong\n2027-04-13,,Songkran\n"
    response = upload(client, bad.encode(), "holidays.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "บรรทัด 3: 2027-02-30 ไม่ใช่วันที่" in page and "บรรทัด 4: ไม่มีชื่อภาษาไทย" in page
    assert db.session.scalar(select(Closure)) is None


def test_a_good_holiday_file_closes_each_date_and_a_large_file_is_accepted_on_this_route(client, offices):
    sign_in(client)
    comments = "# " + "x" * 70 + "\n"
    good = "\ufeff" + comments * 1000 + "2027-01-01,วันขึ้นปีใหม่,New Year's Day\n2027-04-13,วันสงกรานต์,Songkran\n"
    assert len(good.encode()) > 64 * 1024
    response = upload(client, good.encode(), "holidays.csv")
    assert response.status_code == 302
    assert sorted(c.day.isoformat() for c in db.session.scalars(select(Closure))) == ["2027-01-01", "2027-04-13"]
    assert client.post("/admin/pa-sang/details", data="x" * 70_000).status_code == 413  # elsewhere: 64 kB


def test_an_ics_holiday_file_is_read_too(client, offices):
    sign_in(client)
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270413\r\nDTEND;VALUE=DATE:20270416\r\n"
        "SUMMARY:วันสงกรานต์\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert upload(client, ics.encode(), "thai.ics").status_code == 302
    days = sorted(c.day.isoformat() for c in db.session.scalars(select(Closure)))
    assert days == ["2027-04-13", "2027-04-14", "2027-04-15"]


# --- details, hours, services, counters ------------------------------------------------------


def details(**changes) -> dict:
    form = {
        "name_th": "ที่ว่าการอำเภอทดสอบ",
        "name_en": "Test District Office",
        "address_th": "ถนนทดสอบ",
        "address_en": "Test Road",
        "lat": "18.525833",
        "lon": "98.939167",
        "geofence_m": "1500",
        "booking_horizon_days": "30",
        "web_slot_minutes": "30",
        "web_slot_capacity": "4",
        "checkin_early_minutes": "30",
        "checkin_late_minutes": "15",
        "no_show_after_recalls": "3",
        "near_turn_people": "3",
        "near_turn_minutes": "0",
        "verification": "none",
        "hold_minutes": "10",
    }
    form.update(changes)
    return form


def test_coordinates_outside_thailand_and_a_radius_out_of_range_are_refused(client, offices):
    sign_in(client)
    post(client, "/admin/pa-sang/details", details(lat="98.939167", lon="18.525833"))
    assert "ไม่ได้อยู่ในประเทศไทย" in flashed(client, "/admin/pa-sang/")
    post(client, "/admin/pa-sang/details", details(lat="17.97", lon="102.6", geofence_m="300"))
    post(client, "/admin/pa-sang/details", details(geofence_m="300"))
    assert "500–2000" in flashed(client, "/admin/pa-sang/")
    assert db.session.scalar(select(Office.geofence_m).where(Office.code == "pa-sang")) == 1500


def test_every_change_is_audited_before_and_after_and_the_audit_page_shows_no_citizen(client, offices):
    book(client, WEDNESDAY, 1, phone="0812345678")
    sign_in(client)
    post(client, "/admin/pa-sang/details", details(geofence_m="800", near_turn_people="5"))
    post(client, "/admin/pa-sang/closures", {"day": WEDNESDAY, "reason_th": "ปิด", "reason_en": "", "confirm": "yes"})

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert next((e.entity, e.action) for e in entries) == ("sign_in", "sign_in")  # sign-ins are audited too
    entries = [e for e in entries if e.entity != "sign_in"]
    assert [(e.entity, e.action) for e in entries] == [("office", "update"), ("closure", "create")]
    assert entries[0].before == {"geofence_m": 1500, "near_turn_people": 3}
    assert entries[0].after == {"geofence_m": 800, "near_turn_people": 5}
    assert entries[1].after["bookings_cancelled"] == 1
    page = client.get("/admin/pa-sang/audit").get_data(as_text=True)
    assert "1500 → 800" in page and "head" in page
    assert "สมชาย" not in page and "0812345678" not in page and "+66812345678" not in page
    later = client.get("/admin/pa-sang/audit?from=2026-12-01&to=2026-12-31").get_data(as_text=True)
    assert "→" not in later and "ไม่มีการแก้ไขในช่วงวันที่นี้" in later


def test_hours_extended_hours_services_and_counters(client, offices):
    sign_in(client)
    post(client, "/admin/pa-sang/hours", {"weekday": "1", "opens": "17:00", "closes": "19:00"})
    post(client, "/admin/pa-sang/hours", {"weekday": "1", "opens": "16:00", "closes": "18:00"})
    assert "ซ้อน" in flashed(client, "/admin/pa-sang/hours")
    post(client, "/admin/pa-sang/hours/extra", {"day": "2026-11-29", "opens": "09:00", "closes": "12:00"})  # a Sunday
    rules = office_rules("pa-sang")
    assert len(rules.calendar.weekly[1]) == 2
    assert rules.calendar.is_open_on(date(2026, 11, 29))

    post(
        client,
        "/admin/pa-sang/services",
        {
            "code": "house-reg",
            "name_th": "ทะเบียนบ้าน",
            "name_en": "House registration",
            "avg_minutes": "15",
            "documents_th": "บัตรประชาชน",
            "active": "1",
        },
    )
    service = office_rules("pa-sang").service("house-reg")
    assert service.avg_minutes == 15 and service.documents("th") == ["บัตรประชาชน"]
    post(
        client,
        "/admin/pa-sang/counters",
        {
            "number": "4",
            "name_th": "ช่อง 4",
            "name_en": "Counter 4",
            "channels": ["web"],
            "services": [str(service.id)],
            "active": "1",
        },
    )
    counter = next(c for c in office_rules("pa-sang").counters if c.number == 4)
    assert counter.services == {service.id} and not counter.calls_service(service.id + 1000)


# --- staff and kiosk keys --------------------------------------------------------------------


def test_a_head_manages_clerks_only_and_a_kiosk_key_is_shown_once(client, offices):
    mine, _ = offices
    sign_in(client)
    post(
        client,
        "/admin/pa-sang/staff",
        {"username": "newclerk", "role": "clerk", "password": "long enough pass"},
        page="/admin/pa-sang/staff",
    )
    assert db.session.scalar(select(Staff).where(Staff.username == "newclerk")).office_id == mine.id
    refused = post(
        client,
        "/admin/pa-sang/staff",
        {"username": "boss", "role": "admin", "password": "long enough pass"},
        page="/admin/pa-sang/staff",
    )
    assert refused.status_code == 403 and db.session.scalar(select(Staff).where(Staff.username == "boss")) is None

    clerk = db.session.scalar(select(Staff).where(Staff.username == "newclerk"))
    post(client, f"/admin/pa-sang/staff/{clerk.id}/deactivate", {}, page="/admin/pa-sang/staff")
    db.session.refresh(clerk)
    assert clerk.active is False

    made = post(client, "/admin/pa-sang/kiosks", {"name": "Front door"}, page="/admin/pa-sang/staff")
    key = re.search(r'id="kiosk-key">([^<]+)<', made.get_data(as_text=True)).group(1)
    assert made.status_code == 201 and key not in client.get("/admin/pa-sang/staff").get_data(as_text=True)
    ticket = {"service": "id-card"}
    assert client.post("/api/v1/offices/pa-sang/tickets", json=ticket, headers={"X-Kiosk-Key": key}).status_code == 201
    kiosk_id = re.search(r"/kiosks/(\d+)/revoke", client.get("/admin/pa-sang/staff").get_data(as_text=True)).group(1)
    post(client, f"/admin/pa-sang/kiosks/{kiosk_id}/revoke", {}, page="/admin/pa-sang/staff")
    assert client.post("/api/v1/offices/pa-sang/tickets", json=ticket, headers={"X-Kiosk-Key": key}).status_code == 401


def test_a_form_without_its_csrf_token_changes_nothing(client, offices):
    sign_in(client)
    client.post("/admin/pa-sang/capacity/weekly", data=weekly_grid("pa-sang", cap_1_web=1))
    assert (
        db.session.scalar(
            select(ChannelCapacity.capacity).where(ChannelCapacity.weekday == 1, ChannelCapacity.channel == "web")
        )
        == 40
    )
