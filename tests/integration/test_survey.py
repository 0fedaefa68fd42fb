"""The Citizen Feedback survey: open once the visit is done, answered once, counted in reports."""

from __future__ import annotations

import re
from datetime import date

from app.domain.status import Status
from app.models import SurveyResponse
from app.services.survey import satisfaction
from tests.factories import make_office, web_booking
from tests.integration.notifications_support import move, outbox_rows

ALL_SATISFIED = {"process_1": "very_satisfied", "staff_3": "satisfied", "facilities_2": "satisfied"}


def finished_visit(client, clock, office, **extra) -> str:
    token = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00", **extra)
    ).json["token"]
    move(
        token,
        Status.WAITING,
        Status.CALLED,
        Status.SERVING,
        Status.DONE,
        now=clock.now,
        counter_id=office.counters[1].id,
    )
    return token


def test_the_survey_is_closed_until_the_visit_is_done(client):
    office = make_office()
    token = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="11:00")).json[
        "token"
    ]

    survey = client.get(f"/api/v1/bookings/{token}/survey").json
    answer = client.post(f"/api/v1/bookings/{token}/survey", json={"answers": ALL_SATISFIED})

    assert (survey["open"], survey["answered"], len(survey["questions"])) == (False, False, 17)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "invalid_state")


def test_a_finished_visit_is_invited_answers_once_and_is_counted(client, clock, app):
    office = make_office()
    token = finished_visit(client, clock, office, email="somchai@example.org")
    assert [r.channel for r in outbox_rows(kind="survey")] == ["email"]

    survey = client.get(f"/api/v1/bookings/{token}/survey", headers={"Accept-Language": "en"}).json
    first = client.post(f"/api/v1/bookings/{token}/survey", json={"answers": ALL_SATISFIED,
                        "respondent": {"sex": "female", "age_band": "20_39"}})  # fmt: skip
    second = client.post(f"/api/v1/bookings/{token}/survey", json={"answers": ALL_SATISFIED})

    text = "The service was convenient and easy to understand"
    first_question = {"id": "process_1", "group": "process", "text": text}
    assert survey["open"] and survey["questions"][0] == first_question
    assert first.status_code == 201 and (second.status_code, second.json["error"]["code"]) == (409, "invalid_state")
    after = client.get(f"/api/v1/bookings/{token}/survey").json
    assert (after["open"], after["answered"]) == (False, True)
    figures = satisfaction(office.code, date(2026, 11, 1), date(2026, 11, 30))
    assert (figures.responses, figures.satisfied_pct, figures.groups["staff"], figures.groups["confidence"]) == (
        1,
        100.0,
        100.0,
        None,
    )


def test_the_response_is_kept_against_the_office_service_counter_and_clerk_and_flagged_when_dissatisfied(
    client, clock, app
):
    from app.extensions import db
    from app.models import Staff

    office = make_office()
    db.session.add(Staff(username="clerk1", password_hash="x", display_name="Clerk", role="clerk", office_id=office.id))
    db.session.commit()
    token = finished_visit(client, clock, office)

    client.post(f"/api/v1/bookings/{token}/survey", json={"answers": {"staff_1": "dissatisfied"}})

    response = db.session.query(SurveyResponse).one()
    clerk = db.session.query(Staff).filter_by(username="clerk1").one()
    assert (response.office_id, response.counter_id, response.staff_id) == (office.id, office.counters[1].id, clerk.id)
    assert response.needs_follow_up and response.service_id == office.services[0].id


def test_bad_answers_name_the_field_and_store_nothing(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)

    bad = client.post(
        f"/api/v1/bookings/{token}/survey", json={"answers": {"staff_1": "meh"}}, headers={"Accept-Language": "en"}
    )
    bad_age = client.post(
        f"/api/v1/bookings/{token}/survey", json={"answers": ALL_SATISFIED, "respondent": {"age_band": "99"}}
    )

    assert (bad.status_code, bad.json["error"]["field"]) == (400, "answers.staff_1")
    assert (bad_age.status_code, bad_age.json["error"]["field"]) == (400, "respondent.age_band")
    assert client.get(f"/api/v1/bookings/{token}/survey").json["open"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_survey_form_without_its_csrf_token_is_refused_and_stores_nothing(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)

    forged = client.post(f"/b/{token}/survey", data={"q_staff_3": "dissatisfied"})

    assert forged.status_code == 400
    assert client.get(f"/api/v1/bookings/{token}/survey").json["answered"] is False


def test_the_survey_page_in_thai_takes_a_response_with_a_suggestion(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)

    page = client.get(f"/b/{token}/survey")
    sent = client.post(
        f"/b/{token}/survey",
        data={"csrf_token": _csrf(page.text), "q_staff_3": "very_satisfied", "suggestion": "ที่จอดรถน้อย", "sex": "male"},
    )
    thanks = client.get(sent.headers["Location"])
    again = client.get(f"/b/{token}/survey?lang=en")

    assert page.status_code == 200 and "เจ้าหน้าที่มีมารยาท สุภาพ และเอาใจใส่" in page.text and "พึงพอใจมาก" in page.text
    # Post/redirect/get: "back" or a refresh after sending never asks to send the answers again.
    assert sent.status_code == 303 and thanks.status_code == 200 and "ขอบคุณ" in thanks.text
    assert "already been answered" in again.text


def test_the_survey_page_keeps_the_answers_when_nothing_was_rated(client, clock):
    office = make_office()
    token = finished_visit(client, clock, office)

    form = client.get(f"/b/{token}/survey?lang=en").text
    page = client.post(f"/b/{token}/survey?lang=en", data={"csrf_token": _csrf(form), "suggestion": "more chairs"})

    assert page.status_code == 400 and "Rate at least one item." in page.text and "more chairs" in page.text
