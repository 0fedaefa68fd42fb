"""Survey forms per office (issue 19 §3, seed 004): a head chooses example 1 (17 items) or
example 2 (30 items); answers already given keep their items and stay in the report; an item
is retired (no longer asked), never deleted; the API's survey returns the office's form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.booking import Placement
from app.domain.channels import Channel
from app.domain.status import Status
from app.extensions import db
from app.models import AuditEntry, SurveyAnswer, SurveyResponse
from app.services.booking import Person, place_ticket
from app.services.office_rules import office_rules
from tests.factories import add_clerk, bangkok
from tests.integration.notifications_support import move
from tests.integration.test_admin_pages import offices, post, sign_in  # noqa: F401

DAY = date(2026, 11, 23)


@pytest.fixture
def visits(client, clock, offices):  # noqa: F811
    """Pa Sang (the admin tests' office, signed in as its head) and a way to finish a visit."""
    clock.set(bangkok(2026, 11, 23, 9, 0))
    mine, _ = offices
    rules = office_rules(mine.code)
    made = []

    def finished_visit() -> str:
        at = bangkok(2026, 11, 23, 9, 0) + timedelta(minutes=5 * len(made))
        token = place_ticket(rules, rules.services[0], Placement(channel=Channel.WALK_IN, day=DAY), Person(),
                             now=at, actor="kiosk:1").token  # fmt: skip
        move(token, Status.CALLED, Status.SERVING, Status.DONE, now=at, counter_id=mine.counters[0].id)
        made.append(token)
        return token

    sign_in(client)
    return mine, finished_visit


def citizen(client):
    """A browser with no staff session: a survey answered from a staff session is refused."""
    return client.application.test_client()


def test_an_office_asks_example_1_until_its_head_chooses_example_2_with_all_30_items(client, visits):
    _, finished_visit = visits
    before = client.get(f"/api/v1/bookings/{finished_visit()}/survey").json
    assert before["form"] == "example_1" and len(before["questions"]) == 17 and "improve" not in before

    post(client, "/admin/pa-sang/survey/form", {"form": "example_2"}, page="/admin/pa-sang/survey")
    token = finished_visit()
    after = client.get(f"/api/v1/bookings/{token}/survey", headers={"Accept-Language": "en"}).json
    form_page = client.get(f"/b/{token}/survey").get_data(as_text=True)
    assert 'name="q_ex2_27"' in form_page and 'name="q_process_1"' not in form_page
    assert 'name="feedback_channel" value="call_center"' in form_page and 'name="improve"' in form_page

    assert after["form"] == "example_2" and len(after["questions"]) == 27
    assert [q["id"] for q in after["questions"]][:2] == ["ex2_01", "ex2_02"]
    assert after["questions"][0] == {"id": "ex2_01", "group": "staff", "text": "Staff were polite and courteous"}
    assert len(after["feedback_channel"]["options"]) == 6 and after["improve"]["max_length"] == 500
    thai = client.get("/admin/pa-sang/survey").get_data(as_text=True)
    assert "ความสุภาพ กิริยามารยาทของเจ้าหน้าที่ผู้ให้บริการ" in thai and "ตัวอย่างที่ 2" in thai
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "survey_form")).all()
    assert (entry.before, entry.after) == ({"form": "example_1"}, {"form": "example_2"})


def test_answers_keep_their_form_and_items_and_both_forms_stay_in_the_report(client, visits):
    office, finished_visit = visits
    head = add_clerk("head-api", office.id, role="head")
    old = finished_visit()
    first = citizen(client).post(f"/api/v1/bookings/{old}/survey", json={"answers": {"process_1": "satisfied"}})
    assert first.status_code == 201
    post(client, "/admin/pa-sang/survey/form", {"form": "example_2"}, page="/admin/pa-sang/survey")
    new = finished_visit()

    stale = citizen(client).post(f"/api/v1/bookings/{new}/survey", json={"answers": {"process_1": "satisfied"}},
                        headers={"Accept-Language": "en"})  # fmt: skip
    body = {"answers": {"ex2_01": "very_satisfied", "ex2_07": "dissatisfied"}, "improve": "ลดขั้นตอนการยื่นเอกสาร",
            "feedback_channel": "website", "suggestion": "ขอบคุณครับ"}  # fmt: skip
    answered = citizen(client).post(f"/api/v1/bookings/{new}/survey", json=body)

    assert (stale.status_code, stale.json["error"]["field"]) == (400, "answers")
    assert answered.status_code == 201
    rows = {r.form: r for r in db.session.scalars(select(SurveyResponse)).all()}
    assert rows["example_2"].improve == "ลดขั้นตอนการยื่นเอกสาร" and rows["example_2"].feedback_channel == "website"
    assert [a.question_id for a in rows["example_1"].answers] == ["process_1"]  # unchanged by the switch
    groups = {a.question_id: a.group for a in db.session.scalars(select(SurveyAnswer)).all()}
    assert groups == {"process_1": "process", "ex2_01": "staff", "ex2_07": "process"}
    report = client.get(f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30", headers=head).json
    assert [i["item"] for i in report["satisfaction_items"]] == ["process_1", "ex2_01", "ex2_07"]
    assert report["satisfaction"]["groups"]["process"] == 50.0  # one satisfied (example 1), one not (example 2)


def test_a_retired_item_is_no_longer_asked_but_its_answers_stay_and_it_can_be_asked_again(client, visits):
    office, finished_visit = visits
    head = add_clerk("head-api", office.id, role="head")
    first = finished_visit()
    answered = citizen(client).post(f"/api/v1/bookings/{first}/survey", json={"answers": {"staff_2": "satisfied"}})
    assert answered.status_code == 201

    post(client, "/admin/pa-sang/survey/items/staff_2/retire", {}, page="/admin/pa-sang/survey")
    token = finished_visit()
    asked = [q["id"] for q in client.get(f"/api/v1/bookings/{token}/survey").json["questions"]]
    refused = citizen(client).post(f"/api/v1/bookings/{token}/survey", json={"answers": {"staff_2": "satisfied"}})
    report = client.get(f"/api/v1/offices/{office.code}/report?from=2026-11-01&to=2026-11-30", headers=head).json
    page = client.get("/admin/pa-sang/survey").get_data(as_text=True)

    assert "staff_2" not in asked and len(asked) == 16 and refused.status_code == 400
    assert [i["item"] for i in report["satisfaction_items"]] == ["staff_2"]
    assert "เลิกใช้แล้ว" in page and "กลับมาใช้" in page
    post(client, "/admin/pa-sang/survey/items/staff_2/restore", {}, page="/admin/pa-sang/survey")
    assert "staff_2" in [q["id"] for q in client.get(f"/api/v1/bookings/{token}/survey").json["questions"]]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "survey_item")).all()
    assert actions == ["retire", "restore"]


def test_only_a_form_khiw_has_can_be_chosen_and_a_clerk_cannot_choose(client, visits):
    post(client, "/admin/pa-sang/survey/form", {"form": "example_3"}, page="/admin/pa-sang/survey")
    assert "ตัวอย่างที่ 1 หรือตัวอย่างที่ 2" in client.get("/admin/pa-sang/survey").get_data(as_text=True)
    sign_in(client, "clerk")
    assert client.get("/admin/pa-sang/survey").status_code == 403
