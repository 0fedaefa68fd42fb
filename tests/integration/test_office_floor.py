"""The office floor through the API: kiosk tickets, check-in rules, counters calling,
the waiting order, recalls and transfers, and the display board."""

from __future__ import annotations

import base64

import pytest

from app.extensions import db
from app.models import Booking, Office
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import add_clerk, bangkok, make_office, mobile_booking, web_booking

KEY = "front-door-key-123"


@pytest.fixture
def floor(app, client):
    """An office with a kiosk and a clerk (and a token), and another office with its clerk."""
    office = make_office()
    other = make_office()
    register_kiosk(office, "Front door", KEY)
    register_kiosk(other, "Other door", "other-office-key-456")
    db.session.commit()
    rules, other_rules = office_rules(office.code), office_rules(other.code)
    counters = {c.number: c.id for c in rules.counters}
    return {"office": office, "other": other, "clerk": add_clerk("clerk1", office.id),
            "stranger": add_clerk("clerk9", other.id), "counters": counters,
            "other_counter": other_rules.counters[0].id}  # fmt: skip


def ticket(client, office, service="id-card", key=KEY, **body):
    return client.post(
        f"/api/v1/offices/{office.code}/tickets", json={"service": service, **body}, headers={"X-Kiosk-Key": key}
    )


def call(client, floor, counter=1, who="clerk"):
    return client.post(f"/api/v1/counters/{floor['counters'][counter]}/call-next", headers=floor[who])


def act(client, floor, token, action, who="clerk", **body):
    return client.post(f"/api/v1/tickets/{token}/{action}", headers=floor[who], json=body or None)


def check_in(client, office, token):
    return client.post(f"/api/v1/offices/{office.code}/check-ins", json={"token": token}, headers={"X-Kiosk-Key": KEY})


def snapshot():
    db.session.expire_all()
    return sorted((b.number, b.status, b.counter_id, b.recalls) for b in db.session.query(Booking))


# --- the kiosk ---------------------------------------------------------------------------


def test_a_walk_in_ticket_waits_at_once_and_comes_with_its_escpos_bytes(client, floor):
    first = ticket(client, floor["office"])
    second = ticket(client, floor["office"], phone="0812345678")

    assert first.status_code == 201 and first.json["number"] == "A001" and first.json["status"] == "waiting"
    assert second.json["number"] == "A002" and second.json["people_ahead"] == 1
    escpos = base64.b64decode(second.json["escpos_b64"])
    assert escpos.startswith(b"\x1b@") and b"\x1dv0" in escpos and escpos.rstrip().endswith(b"\x1dV\x00")
    assert second.json["status_url"].encode() in escpos  # the QR code's content


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"service": "passport"}, 404, "not_found", "service"),  # like an unknown office: nothing by that name
        ({"service": ""}, 400, "invalid", "service"),
        ({"service": "id-card", "priority": "vip"}, 400, "invalid", "priority"),
        ({"service": "id-card", "phone": "021234567"}, 400, "invalid", "phone"),
    ],
)
def test_bad_ticket_requests_name_the_field_and_issue_nothing(client, floor, body, status, code, field):
    response = client.post(f"/api/v1/offices/{floor['office'].code}/tickets", json=body, headers={"X-Kiosk-Key": KEY})
    assert (response.status_code, response.json["error"]["code"], response.json["error"].get("field")) == (
        status, code, field)  # fmt: skip
    assert snapshot() == []


@pytest.mark.parametrize(
    ("key", "status", "code"),
    [(None, 401, "unauthorized"), ("wrong-key", 401, "unauthorized"), ("other-office-key-456", 403, "forbidden")],
)
def test_a_kiosk_without_its_own_offices_key_issues_nothing(client, floor, key, status, code):
    headers = {"X-Kiosk-Key": key} if key else {}
    response = client.post(
        f"/api/v1/offices/{floor['office'].code}/tickets", json={"service": "id-card"}, headers=headers
    )
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert snapshot() == []


def test_on_a_closed_day_the_kiosk_says_when_to_come_back(client, floor, clock):
    clock.set(bangkok(2026, 11, 29, 10, 0))  # a Sunday
    response = client.post(
        f"/api/v1/offices/{floor['office'].code}/tickets", json={"service": "id-card"},
        headers={"X-Kiosk-Key": KEY, "Accept-Language": "en"},
    )  # fmt: skip
    assert (response.status_code, response.json["error"]["code"]) == (409, "closed")
    assert "come back on 2026-11-30 from 08:30" in response.json["error"]["message"]
    assert snapshot() == []


def test_after_closing_time_the_kiosk_says_tomorrow(client, floor, clock):
    clock.set(bangkok(2026, 11, 23, 16, 40))
    response = client.post(
        f"/api/v1/offices/{floor['office'].code}/tickets", json={"service": "id-card"},
        headers={"X-Kiosk-Key": KEY, "Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 409 and "come back on 2026-11-24 from 08:30" in response.json["error"]["message"]


def test_the_kiosk_stops_issuing_when_the_time_left_cannot_serve_one_more(client, floor, clock):
    clock.set(bangkok(2026, 11, 23, 16, 0))  # 30 minutes left, one walk-in counter, 10 minutes each
    numbers = [ticket(client, floor["office"]).status_code for _ in range(4)]
    assert numbers == [201, 201, 201, 409]


def test_the_days_walk_in_capacity_holds(client, clock):
    office = make_office(capacity={"walk_in": 2, "web": 10, "mobile": 10})
    register_kiosk(office, "Door", KEY)
    db.session.commit()
    codes = [ticket(client, office).status_code for _ in range(3)]
    full = ticket(client, office)
    assert codes == [201, 201, 409] and full.json["error"]["code"] == "capacity_full"


# --- checking in ---------------------------------------------------------------------------


def test_a_web_booking_checks_in_from_30_minutes_before_its_window(client, floor, clock):
    clock.set(bangkok(2026, 11, 23, 8, 0))
    early = client.post("/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="09:30"))
    on_time = client.post(
        "/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="09:00", serial=1)
    )
    clock.set(bangkok(2026, 11, 23, 8, 40))
    assert check_in(client, floor["office"], on_time.json["token"]).json["status"] == "waiting"
    assert check_in(client, floor["office"], early.json["token"]).json["status"] == "checked_in"
    # The early one joins the line when its check-in time comes (09:00 for 09:30).
    assert call(client, floor, 2).json["number"] == on_time.json["number"]
    assert call(client, floor, 2).status_code == 204
    clock.set(bangkok(2026, 11, 23, 9, 0))
    assert call(client, floor, 2).json["number"] == early.json["number"]


def test_too_late_for_the_window_offers_a_walk_in_ticket(client, floor, clock):
    clock.set(bangkok(2026, 11, 23, 8, 0))
    booked = client.post("/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="09:00"))
    clock.set(bangkok(2026, 11, 23, 9, 46))  # the window ended 09:30; 15 minutes' grace
    response = client.post(
        f"/api/v1/offices/{floor['office'].code}/check-ins", json={"token": booked.json["token"]},
        headers={"X-Kiosk-Key": KEY, "Accept-Language": "en"},
    )  # fmt: skip
    assert (response.status_code, response.json["error"]["code"], response.json["error"]["offer"]) == (
        409, "closed", "walk_in")  # fmt: skip
    assert "walk-in ticket" in response.json["error"]["message"]
    assert client.get(f"/api/v1/bookings/{booked.json['token']}").json["status"] == "booked"


def test_a_mobile_booking_checks_in_any_time_today(client, floor, clock):
    booked = client.post("/api/v1/bookings", json=mobile_booking(floor["office"].code))
    clock.set(bangkok(2026, 11, 23, 16, 20))
    assert check_in(client, floor["office"], booked.json["token"]).json["status"] == "waiting"


def test_a_person_without_the_qr_checks_in_with_the_number_and_four_digits(client, floor):
    booked = client.post(
        "/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="10:30", phone="0891234567")
    ).json
    url = f"/api/v1/offices/{floor['office'].code}/check-ins"
    wrong = client.post(url, json={"number": booked["number"], "last4": "0000"}, headers={"X-Kiosk-Key": KEY})
    by_phone = client.post(url, json={"number": booked["number"], "last4": "4567"}, headers={"X-Kiosk-Key": KEY})
    assert (wrong.status_code, wrong.json["error"]["code"]) == (404, "not_found")
    assert by_phone.status_code == 200 and by_phone.json["status"] == "waiting"


def test_the_last_four_digits_of_the_national_id_work_too(client, floor):
    from tests.factories import valid_national_id

    booked = client.post(
        "/api/v1/bookings", json=web_booking(floor["office"].code, date="2026-11-23", slot="10:30", serial=7)
    ).json
    url = f"/api/v1/offices/{floor['office'].code}/check-ins"
    last4 = valid_national_id(7)[-4:]
    response = client.post(url, json={"number": booked["number"], "last4": last4}, headers={"X-Kiosk-Key": KEY})
    assert response.status_code == 200 and response.json["status"] == "waiting"


# --- counters ------------------------------------------------------------------------------


def test_a_clerk_calls_starts_and_finishes_and_every_step_is_recorded(client, floor):
    issued = ticket(client, floor["office"]).json
    called = call(client, floor)
    assert called.status_code == 200 and called.json["status"] == "called"
    assert called.json["counter"]["number"] == 1 and called.json["number"] == issued["number"]
    assert act(client, floor, issued["token"], "start").json["status"] == "serving"
    assert act(client, floor, issued["token"], "done").json["status"] == "done"

    events = db.session.query(Booking).filter_by(token=issued["token"]).one().events
    assert [(e.to_status, e.actor) for e in events][1:] == [
        ("called", "staff:clerk1"), ("serving", "staff:clerk1"), ("done", "staff:clerk1")]  # fmt: skip


def test_calling_a_finished_ticket_is_invalid_state_and_changes_nothing(client, floor):
    issued = ticket(client, floor["office"]).json
    call(client, floor)
    act(client, floor, issued["token"], "start")
    act(client, floor, issued["token"], "done")
    before = snapshot()
    for action in ("recall", "start", "done", "no-show"):
        response = act(client, floor, issued["token"], action)
        assert (response.status_code, response.json["error"]["code"]) == (409, "invalid_state"), action
    assert snapshot() == before


def test_no_one_waiting_is_204(client, floor):
    assert call(client, floor).status_code == 204


def test_a_clerk_cannot_act_on_another_offices_counters_or_tickets(client, floor):
    issued = ticket(client, floor["office"]).json
    before = snapshot()
    office = floor["office"].code
    responses = [
        call(client, floor, who="stranger"),
        act(client, floor, issued["token"], "no-show", who="stranger"),
        client.get(f"/api/v1/offices/{office}/queue", headers=floor["stranger"]),
        client.get(f"/api/v1/offices/{office}/counters", headers=floor["stranger"]),
    ]
    assert [(r.status_code, r.json["error"]["code"]) for r in responses] == [(403, "forbidden")] * 4
    assert snapshot() == before
    assert client.post(f"/api/v1/counters/{floor['counters'][1]}/call-next").status_code == 401


def test_priority_goes_first_within_the_channel_then_first_come_first_served(client, floor, clock):
    a1 = ticket(client, floor["office"]).json
    clock.set(bangkok(2026, 11, 23, 10, 1))
    a2 = ticket(client, floor["office"]).json
    a3 = ticket(client, floor["office"], priority="elderly").json
    assert a3["people_ahead"] == 0 and a2["people_ahead"] == 1
    order = [call(client, floor).json["number"] for _ in range(3)]
    assert order == [a3["number"], a1["number"], a2["number"]]


def test_web_bookings_are_called_by_window_then_check_in_time(client, floor, clock):
    clock.set(bangkok(2026, 11, 23, 8, 0))
    code = floor["office"].code
    late_window = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot="09:00")).json
    w1 = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot="08:30", serial=1)).json
    w2 = client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot="08:30", serial=2)).json
    for minute, booked in enumerate((late_window, w2, w1)):  # w2 arrives before w1
        clock.set(bangkok(2026, 11, 23, 8, 35 + minute))
        check_in(client, floor["office"], booked["token"])
    queue = client.get(f"/api/v1/offices/{code}/queue", headers=floor["clerk"]).json
    assert [t["number"] for t in queue["tickets"]] == [w2["number"], w1["number"], late_window["number"]]
    assert queue["waiting"] == {"walk_in": 0, "web": 3, "mobile": 0}
    assert [call(client, floor, 2).json["number"] for _ in range(3)] == [t["number"] for t in queue["tickets"]]


def test_a_counter_calls_from_another_channel_only_when_the_office_allows_and_its_own_is_empty(client, floor):
    mobile = client.post("/api/v1/bookings", json=mobile_booking(floor["office"].code)).json
    check_in(client, floor["office"], mobile["token"])
    assert call(client, floor, 1).status_code == 204  # the walk-in counter; the office does not allow it

    db.session.get(Office, floor["office"].id).cross_channel_calls = True
    db.session.commit()
    walk_in = ticket(client, floor["office"]).json
    assert call(client, floor, 1).json["number"] == walk_in["number"]  # its own channel first
    assert call(client, floor, 1).json["number"] == mobile["number"]


def test_after_n_recalls_the_next_recall_marks_the_ticket_missed(client, floor):
    db.session.get(Office, floor["office"].id).no_show_after_recalls = 2
    db.session.commit()
    issued = ticket(client, floor["office"]).json
    call(client, floor)
    statuses = [act(client, floor, issued["token"], "recall").json["status"] for _ in range(3)]
    assert statuses == ["called", "called", "no_show"]
    assert act(client, floor, issued["token"], "recall").json["error"]["code"] == "invalid_state"


def test_a_ticket_transferred_to_a_counter_is_called_there_first(client, floor):
    first = ticket(client, floor["office"]).json
    second = ticket(client, floor["office"]).json
    call(client, floor, 1)
    act(client, floor, first["token"], "start")
    moved = act(client, floor, first["token"], "transfer", counter_id=floor["counters"][2])
    assert moved.json["status"] == "waiting"
    assert call(client, floor, 2).json["number"] == first["number"]  # the web counter takes it
    assert call(client, floor, 1).json["number"] == second["number"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"service": "passport"}, 404, "service"), ({"counter_id": 999999}, 404, "counter_id"), ({}, 400, "service"),
     ({"counter_id": "2"}, 400, "counter_id")],
)  # fmt: skip
def test_a_bad_transfer_names_the_field_and_changes_nothing(client, floor, body, status, field):
    issued = ticket(client, floor["office"]).json
    call(client, floor)
    before = snapshot()
    response = act(client, floor, issued["token"], "transfer", **body) if body else client.post(
        f"/api/v1/tickets/{issued['token']}/transfer", json={}, headers=floor["clerk"])  # fmt: skip
    assert (response.status_code, response.json["error"]["field"]) == (status, field)
    assert snapshot() == before


def test_counters_show_what_each_is_serving(client, floor):
    issued = ticket(client, floor["office"]).json
    call(client, floor)
    counters = client.get(f"/api/v1/offices/{floor['office'].code}/counters", headers=floor["clerk"]).json
    by_number = {c["number"]: c for c in counters}
    assert by_number[1]["serving"]["number"] == issued["number"] and by_number[2]["serving"] is None
    assert by_number[1]["channels"] == ["walk_in"] and by_number[1]["services"] == ["id-card"]


# --- the board ------------------------------------------------------------------------------


def test_the_board_shows_who_goes_where_without_names_or_tokens_and_answers_304_when_unchanged(client, floor):
    issued = ticket(client, floor["office"], phone="0812345678").json
    url = f"/api/v1/offices/{floor['office'].code}/board"
    empty = client.get(url)
    call(client, floor)
    board = client.get(url, headers={"If-None-Match": empty.headers["ETag"].strip('"')})
    same = client.get(url, headers={"If-None-Match": board.headers["ETag"]})

    assert board.status_code == 200 and board.json["calling"][0]["number"] == issued["number"]
    assert board.json["calling"][0]["counter"] == 1
    assert board.json["waiting"] == {"walk_in": 0, "web": 0, "mobile": 0}
    assert same.status_code == 304 and same.data == b""
    text = board.get_data(as_text=True)
    assert issued["token"] not in text and "0812345678" not in text and "+66" not in text


def test_an_unknown_office_has_no_board(client):
    assert client.get("/api/v1/offices/nowhere/board").status_code == 404


def test_the_database_counts_people_ahead_as_the_domain_orders_with_priority_and_arrival(client, floor, clock):
    from datetime import time

    from app.domain.channels import Channel
    from app.domain.queue import QueueEntry, people_ahead

    clock.set(bangkok(2026, 11, 23, 8, 0))
    code = floor["office"].code
    windows = ["09:00", "08:30", "09:00", "08:30", "09:00"]
    made = [client.post("/api/v1/bookings", json=web_booking(code, date="2026-11-23", slot=w, serial=i)).json
            for i, w in enumerate(windows)]  # fmt: skip
    for minute, index in enumerate([2, 0, 3]):  # some arrive, in this order; the others not yet
        clock.set(bangkok(2026, 11, 23, 8, 31 + minute))
        check_in(client, floor["office"], made[index]["token"])
    db.session.query(Booking).filter_by(token=made[4]["token"]).update({"priority": "pregnant"})
    db.session.commit()
    rows = {b.token: b for b in db.session.query(Booking)}

    def entry(m):
        row = rows[m["token"]]
        return QueueEntry(Channel.WEB, row.seq, time.fromisoformat(m["slot_start"]), row.priority, row.checked_in_at)

    for m in made:
        expected = people_ahead(entry(m), [entry(o) for o in made if o is not m])
        assert client.get(f"/api/v1/bookings/{m['token']}").json["people_ahead"] == expected, m["number"]
