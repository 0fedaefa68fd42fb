"""Reports: figures checked against a history whose right answers this test works out itself;
who may read them; CSV and Excel carrying the same figures; the survey follow-up list."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, timedelta

import pytest

from app.domain.booking import Placement
from app.domain.channels import Channel
from app.domain.report_figures import flatten
from app.domain.status import Status
from app.services.booking import Person, place_ticket
from app.services.office_rules import office_rules
from tests.factories import add_clerk, bangkok, make_office, web_booking
from tests.integration.notifications_support import move

DAY = date(2026, 11, 23)  # a Monday
# (minutes waited, minutes served) of each finished walk-in visit, in arrival order.
VISITS = [(3, 5), (12, 7), (7, 4), (25, 9), (0.5, 6), (18, 11), (9, 3), (41, 8), (15, 10), (6, 5), (30, 12)]
MISSED_WAITS = [20, 35]  # walk-ins called who never came to the counter
ANSWERS = [  # one survey response per finished visit (the first five)
    {"process_1": "very_satisfied", "staff_1": "satisfied", "facilities_1": "dissatisfied"},
    {"process_2": "satisfied", "staff_2": "satisfied"},
    {"service_quality_1": "dissatisfied", "confidence_1": "dissatisfied", "staff_3": "very_satisfied"},
    {"facilities_2": "satisfied", "confidence_2": "very_satisfied"},
    {"process_3": "very_satisfied"},
]


def walk_in(office, at) -> str:
    rules = office_rules(office.code)
    placement = Placement(channel=Channel.WALK_IN, day=DAY)
    return place_ticket(rules, rules.services[0], placement, Person(), now=at, actor="kiosk:1").token


def seed_day(client, office) -> dict:
    """The day: finished and missed walk-ins (one recalled), a cancelled web booking, a survey
    per finished visit for the first five. Returns the tokens of the finished visits."""
    counter = office.counters[0].id
    start = bangkok(2026, 11, 23, 9, 0)
    finished = []
    for n, (wait, service) in enumerate(VISITS):
        arrived = start + timedelta(minutes=4 * n)
        token = walk_in(office, arrived)
        called = arrived + timedelta(minutes=wait)
        move(token, Status.CALLED, now=called, counter_id=counter)
        if n == 3:  # recalled twice: the wait still ends at the first call
            move(token, Status.CALLED, now=called + timedelta(minutes=2))
            move(token, Status.CALLED, now=called + timedelta(minutes=4))
        serving = called + timedelta(minutes=5 if n == 3 else 1)
        move(token, Status.SERVING, now=serving)
        move(token, Status.DONE, now=serving + timedelta(minutes=service))
        finished.append(token)
    for n, wait in enumerate(MISSED_WAITS):
        arrived = start + timedelta(minutes=60 + n)
        token = walk_in(office, arrived)
        move(token, Status.CALLED, now=arrived + timedelta(minutes=wait), counter_id=counter)
        move(token, Status.NO_SHOW, now=arrived + timedelta(minutes=wait + 5))
    booked = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="14:00"))
    client.delete(f"/api/v1/bookings/{booked.json['token']}")
    for token, answers in zip(finished, ANSWERS, strict=False):
        suggestion = "ที่จอดรถน้อย" if token == finished[1] else None
        body = {"answers": answers, **({"suggestion": suggestion} if suggestion else {})}
        assert client.post(f"/api/v1/bookings/{token}/survey", json=body).status_code == 201
    return {"finished": finished}


def expected_minutes(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 1),
        "p50": round(statistics.median(ordered), 1),
        "p90": round(statistics.quantiles(ordered, n=10, method="inclusive")[8], 1),
    }


@pytest.fixture
def history(client, clock):
    clock.set(bangkok(2026, 11, 22, 8, 0))  # the web booking is made the day before
    office = make_office()
    seed_day(client, office)
    clock.set(bangkok(2026, 11, 24, 9, 0))
    head = add_clerk("head1", office.id, role="head")
    return office, head


def test_the_report_s_figures_match_the_history_worked_out_independently(client, history):
    office, head = history

    report = client.get(f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30", headers=head)

    assert report.status_code == 200
    body = report.json
    waits = [w for w, _ in VISITS] + MISSED_WAITS
    assert body["wait_minutes"] == expected_minutes(waits)
    assert body["service_minutes"] == expected_minutes([s for _, s in VISITS])
    assert body["tickets"]["walk_in"] == {"issued": 13, "served": 11, "no_show": 2, "cancelled": 0}
    assert body["tickets"]["web"] == {"issued": 1, "served": 0, "no_show": 0, "cancelled": 1}
    assert body["no_show"]["rate_pct"] == round(100 * 2 / 13, 1)
    ratings = [r for answers in ANSWERS for r in answers.values()]
    satisfied = sum(r != "dissatisfied" for r in ratings)
    assert body["satisfaction"]["responses"] == 5
    assert body["satisfaction"]["satisfied_pct"] == round(100 * satisfied / len(ratings), 1)
    assert body["satisfaction"]["groups"]["confidence"] == 50.0
    assert body["satisfaction"]["meets_target"] is (100 * satisfied / len(ratings) >= 80)
    assert body["arrivals_by_hour"] == {"09": 11, "10": 2}
    assert body["follow_ups"] == {"to_follow_up": 3, "followed_up": 0}
    assert body["capacity"]["walk_in"]["used"] == 13 and body["capacity"]["web"]["used"] == 0


def test_a_range_without_visits_has_empty_figures_not_errors(client, history):
    office, head = history

    body = client.get(f"/api/v1/offices/{office.code}/report?from=2026-10-01&to=2026-10-31", headers=head).json

    assert body["wait_minutes"] == {"mean": None, "p50": None, "p90": None}
    assert body["satisfaction"]["satisfied_pct"] is None and body["tickets"]["walk_in"]["issued"] == 0


def test_csv_and_excel_carry_the_same_figures_as_the_json_under_words_not_keys(client, history):
    from openpyxl import load_workbook

    from app.web.report_export import EVIDENCE_SECTIONS

    office, head = history
    address = f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30"
    body = client.get(address, headers=head).json
    english = {**head, "Accept-Language": "en"}
    as_csv = client.get(address, headers={**english, "Accept": "text/csv"})
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    as_xlsx = client.get(address, headers={**english, "Accept": xlsx_type})

    want = [v for s in body if s not in ("from", "to", *EVIDENCE_SECTIONS) for _, v in flatten(body[s])]
    assert len(want) > 40
    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    header = rows.index(["Section", "Figure", "Value"])
    figures = rows[header + 1 : header + 1 + len(want)]
    assert ["Waiting time (minutes)", "90th percentile", str(body["wait_minutes"]["p90"])] in figures
    assert ["Citizen satisfaction", "satisfied %", f"{body['satisfaction']['satisfied_pct']:.1f}%"] in figures
    assert ["Citizen satisfaction", "target met", "No"] in figures
    sheet = load_workbook(io.BytesIO(as_xlsx.data))["Figures"]
    lines = list(sheet.iter_rows(values_only=True))
    start = lines.index(("Section", "Figure", "Value"))
    got = lines[start + 1 :]
    assert as_xlsx.headers["Content-Type"] == xlsx_type and len(got) == len(want)
    assert ("Waiting time (minutes)", "90th percentile", body["wait_minutes"]["p90"]) in got
    pct = body["satisfaction"]["satisfied_pct"] / 100
    assert any(label == "satisfied %" and abs(value - pct) < 1e-9 for _, label, value in got)


def test_only_the_office_head_and_admins_read_the_report(client, history):
    office, head = history
    other = make_office()
    clerk = add_clerk("clerk9", office.id)
    other_head = add_clerk("head2", other.id, role="head")
    admin = add_clerk("admin1", None, role="admin")
    address = f"/api/v1/offices/{office.code}/report"

    assert client.get(address).status_code == 401
    assert client.get(address, headers=clerk).json["error"]["code"] == "forbidden"
    assert client.get(address, headers=other_head).status_code == 403
    assert client.get(address, headers=admin).status_code == 200
    assert client.get(address, headers=head).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-13-01", "from"), ("to=30/11/2026", "to"), ("from=2026-11-30&to=2026-11-01", "to"),
     ("from=2024-01-01&to=2026-11-30", "to")],
)  # fmt: skip
def test_bad_dates_are_refused_naming_the_field(client, history, query, field):
    office, head = history

    refused = client.get(f"/api/v1/offices/{office.code}/report?{query}", headers={**head, "Accept-Language": "en"})

    error = refused.json["error"]
    assert (refused.status_code, error["code"], error["field"]) == (400, "invalid", field)


def test_a_follow_up_is_marked_with_a_note_and_who_did_it(client, history):
    from app.extensions import db
    from app.models import Staff
    from app.services import auth, reports

    office, _ = history
    head = auth.member(db.session.query(Staff).filter_by(username="head1").one())
    now = bangkok(2026, 11, 24, 10, 0)
    _, items = reports.follow_up_list(office.code, "2026-11-01", "2026-11-30", head, now=now)
    first = items[0]

    reports.mark_followed_up(first.response_id, " Called the citizen back ", head, now=now)
    _, after = reports.follow_up_list(office.code, "2026-11-01", "2026-11-30", head, now=now)

    assert len(items) == 3 and any(i.suggestion == "ที่จอดรถน้อย" for i in items)
    done = next(i for i in after if i.response_id == first.response_id)
    assert (done.followed_up, done.note, done.by, done.at) == (True, "Called the citizen back", "head1", now)
    assert after[-1].response_id == first.response_id  # the ones still open come first


# --- the pages (the counter console's staff sign-in) ------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def password_hash():
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)  # once: hashing is slow on purpose


def page_user(username, office_id, role, password_hash):
    from app.extensions import db
    from app.models import Staff

    db.session.add(Staff(username=username, password_hash=password_hash, display_name=username, role=role,
                         office_id=office_id))  # fmt: skip
    db.session.commit()


def sign_in(client, username):
    import re

    page = client.get("/counter/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/counter/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_the_head_s_report_page_draws_its_charts_and_links_the_downloads(client, history, password_hash):
    office, _ = history
    page_user("boss", office.id, "head", password_hash)
    sign_in(client, "boss")

    page = client.get(f"/admin/reports/{office.code}?from=2026-11-01&to=2026-11-30&lang=en")
    csv_link = client.get(f"/admin/reports/{office.code}.csv?from=2026-11-01&to=2026-11-30")

    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count('<svg class="chart"') == 5
    assert "72.7 %" in text and "target 80 %" in text and "style=" not in text and "<script>" not in text
    assert f"/admin/reports/{office.code}.xlsx?from=2026-11-01" in text
    assert csv_link.status_code == 200
    assert "Waiting time (minutes),90th percentile,34.0" in csv_link.data.decode("utf-8-sig")
    assert client.get("/admin/reports/").status_code == 302  # a head goes to their own office


def test_report_pages_refuse_clerks_and_other_offices_and_need_a_sign_in(client, history, password_hash):
    office, _ = history
    other = make_office()
    page_user("clerk5", office.id, "clerk", password_hash)
    page_user("otherhead", other.id, "head", password_hash)

    assert client.get(f"/admin/reports/{office.code}").status_code == 302  # to the sign-in
    sign_in(client, "clerk5")
    assert client.get(f"/admin/reports/{office.code}").status_code == 403
    assert client.get(f"/admin/live/{office.code}").status_code == 403
    client.post("/counter/logout", data={})
    client.delete_cookie("session")
    sign_in(client, "otherhead")
    refused = client.get(f"/admin/reports/{office.code}?lang=en")
    assert refused.status_code == 403 and "another office" in refused.get_data(as_text=True)
    assert client.get(f"/admin/reports/{office.code}.xlsx").status_code == 403


def test_an_admin_sees_every_office_together_with_a_line_each(client, history, password_hash):
    office, _ = history
    make_office(code="second-office")
    page_user("root", None, "admin", password_hash)
    sign_in(client, "root")

    page = client.get("/admin/reports/?from=2026-11-01&to=2026-11-30&lang=en").get_data(as_text=True)
    chosen = client.get(f"/admin/reports/?office={office.code}&from=2026-11-01&to=2026-11-30")

    assert "All offices" in page and "Test District Office" in page and "second-office" in page
    assert chosen.status_code == 302 and chosen.location.startswith(f"/admin/reports/{office.code}?")


def test_the_follow_up_form_needs_its_csrf_token_and_records_the_note(client, history, password_hash):
    import re

    office, _ = history
    page_user("boss2", office.id, "head", password_hash)
    sign_in(client, "boss2")
    address = f"/admin/reports/{office.code}/follow-ups?from=2026-11-01&to=2026-11-30&lang=en"
    page = client.get(address).get_data(as_text=True)
    action = re.search(r'action="(/admin/reports/follow-ups/\d+)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    forged = client.post(action, data={"note": "done"})
    client.post(action, data={"note": "Phoned back; parking sign added", "csrf_token": token, "back": address})

    assert forged.status_code == 400  # the staff pages' one CSRF rule: the form-expired page
    after = client.get(address).get_data(as_text=True)
    assert "ที่จอดรถน้อย" in page and "Followed up by boss2" in after and "Phoned back; parking sign added" in after
    assert after.count("Followed up by") == 1


def test_the_live_view_shows_who_waits_where_and_which_counters_are_busy(client, clock, password_hash):
    office = make_office()
    page_user("boss3", office.id, "head", password_hash)
    first = walk_in_today(office, bangkok(2026, 11, 24, 9, 0))
    walk_in_today(office, bangkok(2026, 11, 24, 9, 10))
    move(first, Status.CALLED, now=bangkok(2026, 11, 24, 9, 20), counter_id=office.counters[0].id)
    clock.set(bangkok(2026, 11, 24, 9, 45))
    sign_in(client, "boss3")

    page = client.get(f"/admin/live/{office.code}?lang=en").get_data(as_text=True)
    panel = client.get(f"/admin/live/{office.code}/panel?lang=en")

    assert "A002" in page and "waiting now" in page and "reports.js" in page
    assert panel.headers["Cache-Control"] == "no-store" and "<html" not in panel.get_data(as_text=True)
    text = panel.get_data(as_text=True)
    assert "35" in text  # A002 has waited 35 minutes: the longest wait
    assert "A001" in text and "Idle" in text  # counter 1 calls A001; the others are idle


def walk_in_today(office, at) -> str:
    from app.domain.calendar import local_now

    rules = office_rules(office.code)
    placement = Placement(channel=Channel.WALK_IN, day=local_now(at).date())
    return place_ticket(rules, rules.services[0], placement, Person(), now=at, actor="kiosk:1").token


def test_the_report_counts_complaints_and_section_10_requests_of_the_range(client, history):
    office, head = history
    service = office_rules(office.code).active_services()[0].code
    complaint = {"office": office.code, "topic": "other", "text": "รอคิวนานเกินไป"}
    assert client.post("/api/v1/complaints", json=complaint).status_code == 201
    late = {"service": service, "name": "สมชาย ใจดี", "phone": "0812345678", "submitted_on": "2026-11-02",
            "processing_days": 5, "day_kind": "working"}  # fmt: skip
    filed = client.post(f"/api/v1/offices/{office.code}/requests", json=late, headers=head)
    assert filed.status_code == 201, filed.json

    body = client.get(f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30", headers=head).json
    october = client.get(f"/api/v1/offices/{office.code}/report?from=2026-10-01&to=2026-10-31", headers=head).json

    assert body["complaints"]["received"] == 1 and body["complaints"]["resolved"] == 0
    assert body["requests"]["registered"] == 1 and body["requests"]["overdue"] == 1
    assert body["requests"]["notices_sent"] == 0
    assert october["complaints"]["received"] == 0 and october["requests"]["registered"] == 0
    exported = client.get(
        f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30", headers={**head, "Accept": "text/csv"}
    ).get_data(as_text=True)
    assert "\r\nเรื่องร้องเรียน,รับเรื่อง,1\r\n" in exported  # the sections by their Thai titles, not keys
    assert "\r\nติดตามคำขอ (มาตรา 10),เกินกำหนด,1\r\n" in exported
