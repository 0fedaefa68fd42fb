"""What schemathesis found on the request-tracking, complaint, hold and survey endpoints, by hand:
each answer below is the one the published document promises, on both engines."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Complaint, Service, ServiceRequest
from tests.factories import add_clerk, make_office, web_booking
from tests.integration.test_survey import ALL_SATISFIED, finished_visit

TUESDAY = "2026-11-24"


@pytest.fixture
def desk(app):
    office = make_office()
    db.session.query(Service).filter_by(office_id=office.id).one().processing_days = 5
    db.session.commit()
    return {"office": office, "clerk": add_clerk("clerk1", office.id), "head": add_clerk("head1", office.id, "head")}


def register(client, desk, **body):
    payload = {"service": "id-card", "name": "สมชาย ใจดี", "submitted_on": "2026-10-05", **body}
    return client.post(f"/api/v1/offices/{desk['office'].code}/requests", json=payload, headers=desk["clerk"])


def complain(client, desk, **body):
    return client.post("/api/v1/complaints", json={"office": desk["office"].code, "topic": "service_delay",
                                                   "text": "รอคิวนาน", **body})  # fmt: skip


@pytest.mark.parametrize("listing", ["requests", "complaints"])
@pytest.mark.parametrize("query", ["overdue=0", "overdue=1", "overdue=TRUE", "status=open"])
def test_a_list_filter_other_than_the_document_states_is_refused_by_name(client, desk, listing, query):
    response = client.get(f"/api/v1/offices/{desk['office'].code}/{listing}?{query}", headers=desk["clerk"])

    assert (response.status_code, response.json["error"]["field"]) == (400, query.split("=")[0])


@pytest.mark.parametrize("listing", ["requests", "complaints"])
def test_empty_filters_as_the_contract_writes_them_filter_nothing(client, desk, listing):
    register(client, desk) if listing == "requests" else complain(client, desk)
    base = f"/api/v1/offices/{desk['office'].code}/{listing}"

    blank = client.get(f"{base}?status=&overdue=", headers=desk["clerk"])

    assert blank.status_code == 200
    assert blank.json == client.get(base, headers=desk["clerk"]).json and len(blank.json) == 1


@pytest.mark.parametrize("reason", ["Ti\U000e0001late", "\u202ereversed", "ok\x1b[31m", "line\rfeed"])
def test_a_reason_that_cannot_be_shown_is_refused_on_every_free_text_field(client, desk, reason):
    booking = client.post("/api/v1/bookings", json=web_booking(desk["office"].code, date=TUESDAY)).json
    cancel = client.post(f"/api/v1/tickets/{booking['token']}/cancel", json={"reason": reason}, headers=desk["clerk"])
    filed = complain(client, desk, text=reason)

    assert (cancel.status_code, cancel.json["error"]["field"]) == (400, "reason")
    assert (filed.status_code, filed.json["error"]["field"]) == (400, "text")
    assert client.get(f"/api/v1/bookings/{booking['token']}").json["status"] == "booked"
    assert db.session.query(Complaint).count() == 0


def test_free_text_takes_line_breaks_tabs_and_any_space_and_counts_its_limit_as_sent(client, desk):
    token = register(client, desk).json["token"]
    note = "รอเอกสาร\r\nจากอำเภอ\u00a0ข้างเคียง\tครับ"  # a Windows line break, a no-break space, a tab

    moved = client.post(f"/api/v1/requests/{token}/status", json={"status": "in_progress", "note": note},
                        headers=desk["clerk"])  # fmt: skip
    too_long = client.post(f"/api/v1/requests/{token}/status", json={"status": "in_progress", "note": " " + "x" * 2000},
                           headers=desk["clerk"])  # fmt: skip

    assert moved.status_code == 200 and moved.json["events"][-1]["note"] == note.replace("\r\n", "\n")
    assert (too_long.status_code, too_long.json["error"]["field"]) == (400, "note")


def test_a_schema_valid_request_naming_something_missing_is_not_found_by_name(client, desk):
    lost = {"booking_token": "A" * 32}
    answers = {
        "service": register(client, desk, service="passport"),
        "booking_token": register(client, desk, booking_token="not-a-token"),
        "topic": complain(client, desk, topic="parking\x01"),
        "complaint booking_token": complain(client, desk, **lost),
    }
    token = complain(client, desk).json["token"]
    answers["assignee"] = client.patch(f"/api/v1/complaints/{token}", json={"assignee": "nobody"}, headers=desk["head"])
    answers["unprintable assignee"] = client.patch(f"/api/v1/complaints/{token}", json={"assignee": "a\x07b"},
                                               headers=desk["head"])  # fmt: skip

    got = {name: (r.status_code, r.json["error"]["field"]) for name, r in answers.items()}
    assert got == {name: (404, name.split()[-1]) for name in answers}
    assert db.session.query(ServiceRequest).count() == 0


def test_a_reference_the_office_already_has_is_a_conflict_and_a_whole_float_is_a_number_of_days(client, desk):
    first = register(client, desk, reference="ลพ 1/2569", processing_days=10.0)
    again = register(client, desk, reference="ลพ 1/2569")
    as_text = register(client, desk, processing_days="10")

    assert first.status_code == 201 and first.json["processing_days"] == 10
    assert (again.status_code, again.json["error"]["code"], again.json["error"]["field"]) == (
        409, "invalid_state", "reference")  # fmt: skip
    assert (as_text.status_code, as_text.json["error"]["field"]) == (400, "processing_days")


@pytest.mark.parametrize(
    ("respondent", "field"),
    [({"sex": {}}, "respondent.sex"), ({"age_band": ["20_39"]}, "respondent.age_band"), ([], "respondent"),
     ("female", "respondent")],
)  # fmt: skip
def test_a_survey_detail_that_is_an_object_or_a_list_names_its_field(client, clock, respondent, field):
    token = finished_visit(client, clock, make_office())

    body = {"answers": ALL_SATISFIED, "respondent": respondent}
    response = client.post(f"/api/v1/bookings/{token}/survey", json=body)

    assert (response.status_code, response.json["error"]["field"]) == (400, field)
    assert client.get(f"/api/v1/bookings/{token}/survey").json["open"]
