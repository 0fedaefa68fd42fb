"""The commands an IT officer runs: seed-demo and create-staff."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app import demo_data
from app.extensions import db
from app.models import Closure, Office
from tests.factories import bangkok, make_office, web_booking


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_seed_demo_is_idempotent_and_prints_the_same_logins(app):
    first = run(app, "seed-demo")
    second = run(app, "seed-demo")

    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert re.fullmatch(r"staff: demo \S{10,}", lines[0])
    assert re.fullmatch(r"staff: head-pa-sang \S{10,}", lines[1])
    assert [line.split()[1] for line in lines if line.startswith("kiosk:")] == ["pa-sang", "mueang-lamphun", "bang-rak"]
    assert db.session.scalar(select(func.count(Office.id))) == 3
    assert db.session.scalar(select(func.count(Closure.id))) == 3 * len(demo_data.PUBLIC_HOLIDAYS)


def test_the_printed_staff_login_signs_in(app, client):
    staff_line = run(app, "seed-demo").stdout.splitlines()[0]
    _, username, password = staff_line.split()

    good = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    bad = client.post("/api/v1/auth/token", json={"username": username, "password": password + "x"})

    assert good.status_code == 200 and len(good.json["token"]) > 30
    assert good.json["expires_at"].endswith("+07:00")
    assert (bad.status_code, bad.json["error"]["code"]) == (401, "unauthorized")


def test_the_printed_kiosk_key_checks_in_a_booking_at_its_own_office(app, client, clock):
    lines = run(app, "seed-demo").stdout.splitlines()
    keys = dict(line.split()[1:] for line in lines if line.startswith("kiosk:"))
    clock.set(bangkok(2026, 11, 24, 9, 0))  # a Tuesday; Pa Sang opens at 08:30
    booking = client.post("/api/v1/bookings", json=web_booking("pa-sang", date="2026-11-24", slot="09:30")).json
    url = "/api/v1/offices/pa-sang/check-ins"

    wrong_office = client.post(url, json={"token": booking["token"]}, headers={"X-Kiosk-Key": keys["bang-rak"]})
    checked_in = client.post(url, json={"token": booking["token"]}, headers={"X-Kiosk-Key": keys["pa-sang"]})

    assert wrong_office.status_code == 403
    assert checked_in.status_code == 200 and checked_in.json["status"] == "waiting"


def test_the_demo_offices_take_bookings_on_their_open_days(app, client):
    run(app, "seed-demo")
    offices = client.get("/api/v1/offices").json
    assert {o["code"] for o in offices} == {"pa-sang", "mueang-lamphun", "bang-rak"}
    for office in offices:
        availability = client.get(f"/api/v1/offices/{office['code']}/availability?date=2026-11-24").json
        assert availability["open"] is True and availability["slots"], office["code"]
    # 5 December is a public holiday in every demo office.
    assert client.get("/api/v1/offices/pa-sang/availability?date=2026-12-05").json["open"] is False


def test_create_staff_adds_a_clerk_who_can_sign_in(app, client):
    office = make_office(code="pa-sang")
    result = run(
        app,
        "create-staff",
        "somsri",
        "--office",
        office.code,
        "--name",
        "สมศรี",
        input="long-enough-pw\nlong-enough-pw\n",
    )

    assert result.exit_code == 0, result.output
    assert "created clerk somsri at pa-sang" in result.output
    token = client.post("/api/v1/auth/token", json={"username": "somsri", "password": "long-enough-pw"})
    assert token.status_code == 200


def test_create_staff_names_the_field_that_is_wrong(app):
    make_office(code="pa-sang")
    short = run(app, "create-staff", "somsri", "--office", "pa-sang", "--password", "short")
    eleven = run(app, "create-staff", "somsri", "--office", "pa-sang", "--password", "elevenchars")
    common = run(app, "create-staff", "somsri", "--office", "pa-sang", "--password", "password1234")
    nowhere = run(app, "create-staff", "somsri", "--office", "atlantis", "--password", "long-enough-pw")
    officeless = run(app, "create-staff", "somsri", "--password", "long-enough-pw")
    run(app, "create-staff", "somsri", "--office", "pa-sang", "--password", "long-enough-pw")
    taken = run(app, "create-staff", "somsri", "--office", "pa-sang", "--password", "long-enough-pw")

    assert short.exit_code != 0 and "password" in short.output
    assert eleven.exit_code != 0 and "12" in eleven.output  # the policy: 12 characters at least
    assert common.exit_code != 0 and "common" in common.output
    assert nowhere.exit_code != 0 and "office" in nowhere.output and "atlantis" in nowhere.output
    assert officeless.exit_code != 0 and "office" in officeless.output
    assert taken.exit_code != 0 and "taken" in taken.output


def test_seed_demo_adds_a_few_past_days_for_the_reports_once(app, clock):
    from app.models import Booking, SurveyResponse

    run(app, "seed-demo")
    tickets = db.session.scalar(select(func.count(Booking.id)))
    run(app, "seed-demo")

    assert tickets == 3 * 5 * 40
    assert db.session.scalar(select(func.count(Booking.id))) == tickets
    assert db.session.scalar(select(func.count(SurveyResponse.id))) > 0
def test_in_production_seed_demo_adds_the_offices_but_no_demo_login(app):
    from app.models import Staff

    app.config["KHIW_ENV"] = "production"
    result = run(app, "seed-demo")

    assert result.exit_code == 0, result.output
    assert not any(line.startswith("staff:") for line in result.stdout.splitlines())
    assert "create-staff" in result.stderr
    assert db.session.scalar(select(func.count(Office.id))) == 3
    assert db.session.scalar(select(func.count(Staff.id))) == 0
