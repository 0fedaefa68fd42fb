"""Booking through the citizen API: web, mobile, reading live, cancelling."""

from __future__ import annotations

from datetime import date, time

from tests.factories import PA_SANG, bangkok, make_office, mobile_booking, web_booking

TUESDAY = "2026-11-24"


def book(client, body, **headers):
    return client.post("/api/v1/bookings", json=body, headers=headers)


def test_a_web_booking_returns_its_number_window_and_links(client):
    office = make_office()
    response = book(client, web_booking(office.code, date=TUESDAY, slot="10:30"))

    assert response.status_code == 201
    booking = response.json
    assert booking["number"] == "W001"
    assert (booking["date"], booking["slot_start"], booking["slot_end"]) == (TUESDAY, "10:30", "11:00")
    assert booking["status"] == "booked"
    assert booking["status_url"] == f"http://localhost/b/{booking['token']}"
    assert response.headers["Location"].endswith(f"/api/v1/bookings/{booking['token']}")
    assert len(booking["token"]) >= 22  # ≥128 bits, URL-safe
    assert booking["estimated_call_at"] == "2026-11-24T10:30:00+07:00"


def test_booking_numbers_count_up_per_channel_and_people_ahead_follow_the_windows(client):
    office = make_office()
    late = book(client, web_booking(office.code, date=TUESDAY, slot="11:00", serial=1)).json
    early = book(client, web_booking(office.code, date=TUESDAY, slot="09:00", serial=2)).json
    mobile = book(client, mobile_booking(office.code, serial=3)).json

    assert [late["number"], early["number"], mobile["number"]] == ["W001", "W002", "M001"]
    # W002 books the earlier window, so it goes first; W001 has one person ahead.
    assert client.get(f"/api/v1/bookings/{late['token']}").json["people_ahead"] == 1
    assert client.get(f"/api/v1/bookings/{early['token']}").json["people_ahead"] == 0
    assert mobile["people_ahead"] == 0


def test_the_same_person_cannot_hold_two_bookings_at_one_office_on_one_day(client):
    office = make_office()
    assert book(client, web_booking(office.code, date=TUESDAY, serial=5)).status_code == 201

    again = book(client, web_booking(office.code, date=TUESDAY, slot="14:00", serial=5), **{"Accept-Language": "en"})

    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_booked"
    # Whoever typed this ID may not be its owner: the refusal names no booking…
    assert "W001" not in again.json["error"]["message"]
    assert "Find my booking" in again.json["error"]["message"]
    # …and the refused attempt took no place and no number.
    web = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["channels"]["web"]
    assert web["used"] == 1
    assert book(client, web_booking(office.code, date=TUESDAY, serial=6)).json["number"] == "W002"


def test_a_phone_number_also_counts_as_the_same_person(client):
    office = make_office()
    first = mobile_booking(office.code, serial=9)
    assert book(client, first).status_code == 201
    web = web_booking(office.code, date="2026-11-23", slot="15:00", serial=77, phone=first["phone"])

    assert book(client, web).json["error"]["code"] == "already_booked"


def test_another_day_or_another_office_is_a_new_booking(client):
    office, other = make_office(), make_office()
    assert book(client, web_booking(office.code, date=TUESDAY, serial=5)).status_code == 201
    assert book(client, web_booking(office.code, date="2026-11-25", serial=5)).status_code == 201
    assert book(client, web_booking(other.code, date=TUESDAY, serial=5)).status_code == 201


def test_cancelling_gives_the_place_back_and_the_person_may_book_again(client):
    office = make_office(web_slot_capacity=1)
    booking = book(client, web_booking(office.code, date=TUESDAY, serial=1)).json
    assert book(client, web_booking(office.code, date=TUESDAY, serial=2)).json["error"]["code"] == "capacity_full"

    cancelled = client.delete(f"/api/v1/bookings/{booking['token']}")

    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    availability = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json
    assert availability["channels"]["web"]["used"] == 0
    assert next(s for s in availability["slots"] if s["start"] == "09:00")["remaining"] == 1
    assert book(client, web_booking(office.code, date=TUESDAY, serial=2)).status_code == 201
    assert book(client, web_booking(office.code, date=TUESDAY, slot="10:00", serial=1)).status_code == 201


def test_cancelling_twice_returns_the_cancelled_booking_and_gives_back_only_one_place(client):
    office = make_office()
    booking = book(client, web_booking(office.code, date=TUESDAY)).json
    client.delete(f"/api/v1/bookings/{booking['token']}")

    retry = client.delete(f"/api/v1/bookings/{booking['token']}")

    assert retry.status_code == 200 and retry.json["status"] == "cancelled"
    web = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["channels"]["web"]
    assert web["used"] == 0


def test_the_status_history_records_who_did_what_and_when(client, clock, app):
    from app.extensions import db
    from app.models import Booking

    office = make_office()
    token = book(client, web_booking(office.code, date=TUESDAY)).json["token"]
    clock.set(bangkok(2026, 11, 23, 11, 15))
    client.delete(f"/api/v1/bookings/{token}")

    booking = db.session.query(Booking).filter_by(token=token).one()
    history = [(e.from_status, e.to_status, e.actor, e.at) for e in booking.events]
    assert history == [
        (None, "booked", "citizen", bangkok(2026, 11, 23, 10, 0)),
        ("booked", "cancelled", "citizen", bangkok(2026, 11, 23, 11, 15)),
    ]


def test_a_retry_with_the_same_idempotency_key_gets_the_same_booking(client):
    office = make_office()
    body = web_booking(office.code, date=TUESDAY)
    first = book(client, body, **{"Idempotency-Key": "tap-1"})

    retry = book(client, body, **{"Idempotency-Key": "tap-1"})

    assert first.status_code == 201
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json["token"] == first.json["token"]
    web = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["channels"]["web"]
    assert web["used"] == 1


def test_an_idempotency_key_reused_with_another_body_is_refused_and_reveals_nothing(client):
    office = make_office()
    first = book(client, web_booking(office.code, date=TUESDAY, serial=1), **{"Idempotency-Key": "1"})

    other = book(client, web_booking(office.code, date=TUESDAY, serial=2), **{"Idempotency-Key": "1"})
    same_person_other_window = book(
        client, web_booking(office.code, date=TUESDAY, serial=1, slot="10:00"), **{"Idempotency-Key": "1"}
    )

    for refused in (other, same_person_other_window):
        assert refused.status_code == 422
        assert refused.json["error"]["code"] == "idempotency_mismatch"
        assert first.json["token"] not in refused.text and "W001" not in refused.text
    web = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["channels"]["web"]
    assert web["used"] == 1  # nothing was booked by the refused requests
    replay = book(client, web_booking(office.code, date=TUESDAY, serial=1), **{"Idempotency-Key": "1"})
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json["token"] == first.json["token"]


def test_a_mobile_booking_near_the_office_joins_todays_queue(client):
    office = make_office()
    response = book(client, mobile_booking(office.code, lat=PA_SANG[0] + 0.003, lon=PA_SANG[1], accuracy_m=25))

    assert response.status_code == 201
    assert response.json["channel"] == "mobile"
    assert response.json["date"] == "2026-11-23"  # the fixed clock's today
    assert response.json["number"] == "M001"


def test_a_mobile_booking_far_away_is_told_how_far(client):
    office = make_office()
    # Mueang Lamphun town, about 10 km north-east of Pa Sang.
    response = book(client, mobile_booking(office.code, lat=18.586389, lon=99.011944), **{"Accept-Language": "en"})

    assert response.status_code == 403
    error = response.json["error"]
    assert error["code"] == "outside_geofence"
    assert error["radius_m"] == 1500
    assert 9_000 < error["distance_m"] < 11_000
    assert "km from the office" in error["message"]


def test_a_mobile_booking_with_a_vague_position_is_asked_for_a_better_fix(client):
    office = make_office()
    response = book(client, mobile_booking(office.code, accuracy_m=400))

    assert response.status_code == 400
    assert response.json["error"]["field"] == "accuracy_m"


def test_the_accuracy_limit_is_a_setting(app, client):
    app.config["GEOFENCE_MAX_ACCURACY_M"] = 500
    office = make_office(geofence_m=2000)
    assert book(client, mobile_booking(office.code, accuracy_m=400)).status_code == 201


def test_mobile_booking_is_refused_outside_opening_hours(client, clock):
    office = make_office(hours={1: [(time(8, 30), time(12, 0)), (time(13, 0), time(16, 30))]})
    clock.set(bangkok(2026, 11, 23, 12, 30))  # Monday lunch

    response = book(client, mobile_booking(office.code), **{"Accept-Language": "en"})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "closed"
    assert "08:30–12:00, 13:00–16:30" in response.json["error"]["message"]


def test_web_bookings_stay_within_the_offices_horizon_and_open_days(client):
    office = make_office(horizon_days=14, closures=[date(2026, 12, 1)])
    cases = {
        "2026-11-22": "closed",  # yesterday
        "2026-12-08": "closed",  # 15 days ahead
        "2026-11-29": "closed",  # a Sunday
        "2026-12-01": "closed",  # a holiday
    }
    for day, code in cases.items():
        response = book(client, web_booking(office.code, date=day))
        assert (response.status_code, response.json["error"]["code"]) == (409, code), day
    assert book(client, web_booking(office.code, date="2026-12-07")).status_code == 201  # 14 days ahead


def test_a_window_that_has_started_can_no_longer_be_booked(client, clock):
    office = make_office()
    clock.set(bangkok(2026, 11, 23, 9, 0))
    started = book(client, web_booking(office.code, date="2026-11-23", slot="09:00", serial=1))
    later = book(client, web_booking(office.code, date="2026-11-23", slot="09:30", serial=2))

    assert (started.status_code, started.json["error"]["code"], started.json["error"]["field"]) == (
        409,
        "closed",
        "slot",
    )
    assert later.status_code == 201


def test_a_window_that_does_not_exist_names_the_slot_field(client):
    office = make_office()
    response = book(client, web_booking(office.code, date=TUESDAY, slot="12:15"))
    assert (response.status_code, response.json["error"]["field"]) == (400, "slot")


def test_a_full_day_is_refused_even_when_its_window_has_room(client):
    office = make_office(capacity={"walk_in": 100, "web": 1, "mobile": 20})
    book(client, web_booking(office.code, date=TUESDAY, serial=1))
    response = book(client, web_booking(office.code, date=TUESDAY, slot="10:00", serial=2))
    assert (response.status_code, response.json["error"]["code"]) == (409, "capacity_full")


def test_a_capacity_override_for_one_date_wins_over_the_weekday(client, app):
    from app.extensions import db
    from app.models import CapacityOverride

    office = make_office()
    db.session.add(CapacityOverride(office_id=office.id, day=date(2026, 11, 24), channel="web", capacity=3))
    db.session.commit()

    availability = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json
    assert availability["channels"]["web"]["capacity"] == 3


def test_a_booking_that_does_not_exist_is_404(client):
    response = client.get("/api/v1/bookings/not-a-real-token")
    assert (response.status_code, response.json["error"]["code"]) == (404, "not_found")


def test_the_qr_code_is_a_png_of_the_status_page(client):
    office = make_office()
    token = book(client, web_booking(office.code, date=TUESDAY)).json["token"]
    response = client.get(f"/api/v1/bookings/{token}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")


def test_a_finished_visit_cannot_be_cancelled(client, app):
    from app.extensions import db
    from app.models import Booking

    office = make_office()
    token = book(client, web_booking(office.code, date=TUESDAY)).json["token"]
    db.session.query(Booking).filter_by(token=token).update({"status": "done"})
    db.session.commit()

    response = client.delete(f"/api/v1/bookings/{token}", headers={"Accept-Language": "en"})

    assert (response.status_code, response.json["error"]["code"]) == (409, "invalid_state")
    assert response.json["error"]["message"] == "This booking is “Finished”, so it cannot become “Cancelled”."


def test_a_malformed_idempotency_key_is_refused_and_books_nothing(client):
    office = make_office()
    response = book(client, web_booking(office.code, date=TUESDAY), **{"Idempotency-Key": "k" * 129})

    assert (response.status_code, response.json["error"]["field"]) == (400, "Idempotency-Key")
    web = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json["channels"]["web"]
    assert web["used"] == 0
