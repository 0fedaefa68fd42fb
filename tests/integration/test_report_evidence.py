"""The evidence a head hands an auditor (issue 19 §3): seed 004's satisfaction per item, per
customer group, per counter and per clerk, this period against a year earlier, and complaint
figures per topic and year over year, checked against answers worked out by hand below; and
the CSV and Excel that carry them in the head's language, formatted, formula-safe."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.domain.booking import Placement
from app.domain.channels import Channel
from app.domain.status import Status
from app.extensions import db
from app.models import Complaint, Office, SurveyAnswer, SurveyResponse
from app.services.booking import Person, place_ticket
from app.services.office_rules import office_rules
from tests.factories import add_clerk, bangkok, make_office
from tests.integration.notifications_support import move

DAY = date(2026, 11, 23)
RANGE = "from=2026-11-01&to=2026-11-30"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (counter number, clerk, respondent, answers) of each visit's survey this period.
VISITS = [
    (1, "somchai", {"age_band": "20_39", "occupation": "student", "education": "bachelor"},
     {"process_1": "very_satisfied", "staff_1": "satisfied", "facilities_1": "dissatisfied"}),
    (1, "somchai", {"age_band": "20_39", "occupation": "civil_servant"},
     {"process_1": "satisfied", "staff_1": "satisfied"}),
    (1, "malee", {"age_band": "51_plus"},
     {"process_1": "dissatisfied", "staff_1": "very_satisfied", "confidence_1": "dissatisfied",
      "confidence_2": "satisfied"}),
    (2, "malee", {}, {"process_1": "very_satisfied"}),
]  # fmt: skip


def shares(answers, very, satisfied, dissatisfied, liked):
    return {"answers": answers, "very_satisfied_pct": very, "satisfied_pct": satisfied,
            "dissatisfied_pct": dissatisfied, "satisfaction_pct": liked}  # fmt: skip


@pytest.fixture
def evidence(client, clock):
    clock.set(bangkok(2026, 11, 10, 9, 0))
    office = make_office()
    row = db.session.scalar(select(Office).where(Office.code == office.code))
    row.name_th = "=HYPERLINK(\"http://x\",\"ป่าซาง\")"  # formula injection through the office's name
    row.name_en = "@SUM(1+1)*cmd"
    db.session.commit()
    for username in ("somchai", "malee"):
        add_clerk(username, office.id)
    head = add_clerk("head-ev", office.id, role="head")
    # Complaints: two about delay (one resolved in 2 days), one about facilities resolved late.
    tokens = [client.post("/api/v1/complaints", json={"office": office.code, "topic": topic,
                                                      "text": "รอนานมากและไม่มีที่นั่ง"}).json["token"]
              for topic in ("service_delay", "service_delay", "facilities")]  # fmt: skip
    received = bangkok(2026, 11, 10, 9, 0)
    for token, days in ((tokens[0], 2), (tokens[2], 25)):
        db.session.execute(update(Complaint).where(Complaint.token == token)
                           .values(resolved_at=received + timedelta(days=days), status="resolved"))  # fmt: skip
    # A year earlier: one complaint resolved in a day, two survey responses.
    old = client.post("/api/v1/complaints", json={"office": office.code, "topic": "facilities",
                                                  "text": "ห้องน้ำสกปรก"}).json["token"]  # fmt: skip
    then = bangkok(2025, 11, 15, 9, 0)
    db.session.execute(update(Complaint).where(Complaint.token == old).values(
        received_at=then, due_at=then + timedelta(days=21), resolved_at=then + timedelta(days=1), status="resolved"))
    for answers in ({"process_1": "very_satisfied", "staff_1": "satisfied"},
                    {"facilities_1": "dissatisfied", "process_2": "satisfied"}):  # fmt: skip
        response = SurveyResponse(office_id=office.id, service_id=office.services[0].id, channel="walk_in",
                                  day=date(2025, 11, 20), submitted_at=then)  # fmt: skip
        response.answers = [SurveyAnswer(question_id=q, group=q.split("_")[0] if not q.startswith("facilities")
                                         else "facilities", rating=r) for q, r in answers.items()]  # fmt: skip
        db.session.add(response)
    db.session.commit()
    # This period's visits, each served at a counter by a clerk, then rated.
    clock.set(bangkok(2026, 11, 23, 9, 0))
    rules = office_rules(office.code)
    counters = {c.number: c.id for c in office.counters}
    for n, (counter, clerk, respondent, answers) in enumerate(VISITS):
        at = bangkok(2026, 11, 23, 9, 0) + timedelta(minutes=10 * n)
        token = place_ticket(rules, rules.services[0], Placement(channel=Channel.WALK_IN, day=DAY), Person(),
                             now=at, actor="kiosk:1").token  # fmt: skip
        move(token, Status.CALLED, Status.SERVING, Status.DONE, now=at + timedelta(minutes=3),
             actor=f"staff:{clerk}", counter_id=counters[counter])  # fmt: skip
        body = {"answers": answers, **({"respondent": respondent} if respondent else {})}
        assert client.post(f"/api/v1/bookings/{token}/survey", json=body).status_code == 201
    clock.set(bangkok(2026, 12, 1, 9, 0))
    return office, head


def test_satisfaction_per_item_group_counter_clerk_and_year_match_the_answers_worked_out_by_hand(client, evidence):
    office, head = evidence

    body = client.get(f"/api/v1/offices/{office.code}/report?{RANGE}", headers=head).json

    assert body["satisfaction_items"] == [
        {"item": "process_1", "group": "process", **shares(4, 50.0, 25.0, 25.0, 75.0)},
        {"item": "staff_1", "group": "staff", **shares(3, 33.3, 66.7, 0.0, 100.0)},
        {"item": "facilities_1", "group": "facilities", **shares(1, 0.0, 0.0, 100.0, 0.0)},
        {"item": "confidence_1", "group": "confidence", **shares(1, 0.0, 0.0, 100.0, 0.0)},
        {"item": "confidence_2", "group": "confidence", **shares(1, 0.0, 100.0, 0.0, 100.0)},
    ]
    ages = body["satisfaction_by_group"]["age_band"]
    assert ages == [
        {"key": "20_39", "responses": 2, **shares(5, 20.0, 60.0, 20.0, 80.0)},
        {"key": "51_plus", "responses": 1, **shares(4, 25.0, 25.0, 50.0, 50.0)},
        {"key": "not_given", "responses": 1, **shares(1, 100.0, 0.0, 0.0, 100.0)},
    ]
    assert body["satisfaction_by_group"]["channel"] == [{"key": "walk_in", "responses": 4,
                                                          **shares(10, 30.0, 40.0, 30.0, 70.0)}]  # fmt: skip
    assert [(c["counter"], c["responses"], c["satisfaction_pct"]) for c in body["satisfaction_by_counter"]] == [
        (1, 3, 66.7), (2, 1, 100.0)]  # fmt: skip
    assert body["satisfaction_by_clerk"] == [
        {"clerk": "malee", "responses": 2, **shares(5, 40.0, 20.0, 40.0, 60.0)},
        {"clerk": "somchai", "responses": 2, **shares(5, 20.0, 60.0, 20.0, 80.0)},
    ]
    yoy = body["satisfaction_year_over_year"]
    assert (yoy["this_period"]["satisfied_pct"], yoy["a_year_earlier"]["satisfied_pct"]) == (70.0, 75.0)
    assert yoy["change_points"] == -5.0 and yoy["a_year_earlier"]["from"] == "2025-11-01"
    assert yoy["a_year_earlier"]["groups"]["process"] == 100.0 and yoy["a_year_earlier"]["responses"] == 2


def test_complaints_per_topic_and_year_over_year_match_the_answers_worked_out_by_hand(client, evidence):
    office, head = evidence

    body = client.get(f"/api/v1/offices/{office.code}/report?{RANGE}", headers=head).json

    topics = [(t["topic"], t["received"], t["resolved"], t["resolved_pct"]) for t in body["complaints_by_topic"]]
    assert topics == [("service_delay", 2, 1, 50.0), ("facilities", 1, 1, 100.0)]
    now, before = body["complaints_year_over_year"]["this_period"], body["complaints_year_over_year"]["a_year_earlier"]
    assert now == {"from": "2026-11-01", "to": "2026-11-30", "received": 3, "resolved": 2, "resolved_pct": 66.7,
                   "resolved_within_sla_pct": 50.0, "median_days_to_resolve": 13.5}  # fmt: skip
    assert (before["received"], before["resolved_pct"], before["median_days_to_resolve"]) == (1, 100.0, 1.0)


def csv_tables(data: bytes) -> dict[str, list[list[str]]]:
    """The CSV's tables by title: each the header row then its rows."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    tables, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = tables.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return tables


def test_the_thai_csv_has_thai_headers_words_not_keys_and_no_formula(client, evidence):
    office, head = evidence

    response = client.get(f"/api/v1/offices/{office.code}/report?{RANGE}", headers={**head, "Accept": "text/csv"})

    text = response.data.decode("utf-8-sig")
    tables = csv_tables(response.data)
    assert not re.search(r"\b(section|figure|value|label|True|False|true|false)\b", text)
    # every text cell that could be a formula is quoted (a negative number is a number)
    assert not re.search(r"(^|,)([=+@]|-[^0-9])", text, re.MULTILINE)
    assert "'=HYPERLINK" in text
    items = tables["ความพึงพอใจรายประเด็น"]
    assert items[1][:2] == ["ด้าน", "ประเด็น"]  # items[0] is the GECC target note
    assert items[2] == ["กระบวนการขั้นตอนการให้บริการ", "การให้บริการสะดวก เข้าใจง่าย", "4", "50.0%", "25.0%",
                        "25.0%", "75.0%"]  # fmt: skip
    groups = tables["ความพึงพอใจจำแนกตามกลุ่มผู้รับบริการ"]
    assert ["อายุ", "20–39 ปี", "2", "5", "20.0%", "60.0%", "20.0%", "80.0%"] in groups
    clerks = tables["ความพึงพอใจจำแนกตามเจ้าหน้าที่ผู้ให้บริการ"]
    assert clerks[1] == ["malee", "2", "5", "40.0%", "20.0%", "40.0%", "60.0%"]
    complaints = tables["เรื่องร้องเรียน: ช่วงนี้เทียบกับช่วงเดียวกันของปีก่อน"]
    assert ["ร้อยละที่แก้ไขแล้ว", "66.7%", "100.0%"] in complaints
    assert ["มัธยฐานจำนวนวันที่ใช้แก้ไข", "13.5", "1.0"] in complaints
    figures = tables["ตัวเลขสรุป"]
    assert figures[0] == ["หมวด", "รายการ", "ค่า"]
    assert ["ความพึงพอใจของประชาชน", "ผ่านเป้าหมาย", "ไม่ใช่"] in figures  # 70 % is below the 80 % target


def test_the_english_workbook_is_formatted_with_percentages_dates_and_widths(client, evidence):
    from openpyxl import load_workbook

    office, head = evidence

    response = client.get(f"/api/v1/offices/{office.code}/report?{RANGE}",
                          headers={**head, "Accept": XLSX, "Accept-Language": "en"})  # fmt: skip

    book = load_workbook(io.BytesIO(response.data))
    assert response.headers["Content-Type"] == XLSX
    assert "Satisfaction per item" in book.sheetnames and "Figures" in book.sheetnames
    sheet = book["Satisfaction per item"]
    rows = {row[1].value: row for row in sheet.iter_rows() if len(row) > 2 and row[1].value}
    process = rows["The service was convenient and easy to understand"]
    assert [c.value for c in process[2:]] == [4, 0.5, 0.25, 0.25, 0.75]
    assert process[3].number_format == "0.0%" and process[2].number_format == "#,##0"
    assert sheet["B1"].data_type == "s" and sheet["B1"].value == "'@SUM(1+1)*cmd"  # the office's name, never a formula
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    assert sheet.column_dimensions["B"].width >= 40 and sheet["A7"].font.bold
    assert sheet.freeze_panes == "A8"
    assert sheet["B2"].value.date() == date(2026, 11, 1) and sheet["B2"].number_format == "yyyy-mm-dd"
    [year] = [book[name] for name in book.sheetnames if name.startswith("Satisfaction this period")]
    values = {row[0].value: [c.value for c in row[1:]] for row in year.iter_rows() if row[0].value}
    assert values["From"][0].date() == date(2026, 11, 1) and values["From"][1].date() == date(2025, 11, 1)
    assert values["Satisfied, all items"] == [0.7, 0.75, -5.0]
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not {"True", "False", "true", "false", "section", "figure"} & set(texts)


def test_the_report_page_shows_the_same_tables_in_thai_and_english(client, evidence):
    from tests.integration.test_reports import page_user, sign_in

    office, _ = evidence
    from werkzeug.security import generate_password_hash

    page_user("boss-ev", office.id, "head", generate_password_hash("correct horse battery"))
    sign_in(client, "boss-ev")

    thai = client.get(f"/admin/reports/{office.code}?{RANGE}").get_data(as_text=True)
    english = client.get(f"/admin/reports/{office.code}?{RANGE}&lang=en").get_data(as_text=True)

    assert "ความพึงพอใจจำแนกตามช่องบริการ" in thai and "ช่วงเดียวกันปีก่อน" in thai and "66.7 %" in thai
    assert "Satisfaction per clerk" in english and "Complaints per topic" in english and "−" not in english
    assert english.count('class="evidence-table"') >= 7 and "-5.0" in english


def test_every_figure_of_the_report_has_words_for_its_name(client, evidence):
    from app.domain.channels import Channel
    from app.domain.report_figures import FIGURE_LABELS, flatten
    from app.domain.survey import GROUP_LABELS
    from app.web.report_export import EVIDENCE_SECTIONS

    office, head = evidence
    body = client.get(f"/api/v1/offices/{office.code}/report?{RANGE}", headers=head).json

    names = {part for s in body if s not in ("from", "to", *EVIDENCE_SECTIONS) for name, _ in flatten(body[s])
             for part in name.split(".")}  # fmt: skip
    unnamed = sorted(p for p in names if p not in FIGURE_LABELS and p not in GROUP_LABELS and not Channel.parse(p)
                     and not p.isdigit())  # fmt: skip
    assert unnamed == []
