"""Opening an office from a specification: everything is stored, or nothing is."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from app.domain.channels import Channel
from app.domain.errors import InvalidField
from app.domain.office_spec import CounterSpec, OfficeSpec, ServiceSpec
from app.extensions import db
from app.models import ChannelCapacity, Closure, Counter, CounterChannel, Office, OpeningPeriod, Service
from app.services import offices
from app.services.offices import create_office
from tests.factories import make_office

CHILD_TABLES = [OpeningPeriod, ChannelCapacity, Service, Counter, CounterChannel, Closure]


def bang_rak(code: str = "bang-rak") -> OfficeSpec:
    weekday = ((time(8, 0), time(12, 0)), (time(13, 0), time(16, 0)))
    return OfficeSpec(
        code=code,
        name_th="สำนักงานเขตบางรัก",
        name_en="Bang Rak District Office",
        address_th="ถนนนเรศ แขวงสี่พระยา",
        address_en="Naret Road, Si Phraya",
        lat=13.730556,
        lon=100.523611,
        geofence_m=1000,
        booking_horizon_days=14,
        web_slot_minutes=15,
        web_slot_capacity=3,
        prefixes={"walk_in": "A", "web": "B", "mobile": "C"},
        hours={1: weekday, 2: weekday, 6: ((time(9, 0), time(12, 0)),)},
        capacity={1: {"walk_in": 250, "web": 80, "mobile": 60}, 6: {"walk_in": 40}},
        services=(
            ServiceSpec("id-card", "ทำบัตรประจำตัวประชาชน", "National ID card", avg_minutes=10),
            ServiceSpec("marriage-reg", "จดทะเบียนสมรส", "Marriage registration", avg_minutes=20),
        ),
        counters=(
            CounterSpec(1, "ช่องบริการ 1", "Counter 1", ("walk_in",)),
            CounterSpec(5, "ช่องบริการ 5", "Counter 5", ("web", "mobile")),
        ),
        closures=((date(2026, 12, 10), "วันรัฐธรรมนูญ", "Constitution Day"),),
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored(code: str) -> Office:
    """The office as read back from the database, not the objects still in the session."""
    db.session.expunge_all()
    return db.session.scalar(select(Office).where(Office.code == code))


def test_create_office_stores_the_office_and_everything_it_owns(app):
    create_office(bang_rak())

    office = stored("bang-rak")
    assert (office.name_en, office.address_th, office.lat, office.lon) == (
        "Bang Rak District Office",
        "ถนนนเรศ แขวงสี่พระยา",
        13.730556,
        100.523611,
    )
    assert (office.geofence_m, office.booking_horizon_days, office.web_slot_minutes, office.web_slot_capacity) == (
        1000,
        14,
        15,
        3,
    )
    assert [office.prefix(ch) for ch in Channel] == ["A", "B", "C"]
    assert [(p.weekday, p.opens, p.closes) for p in office.periods] == [
        (1, time(8, 0), time(12, 0)),
        (1, time(13, 0), time(16, 0)),
        (2, time(8, 0), time(12, 0)),
        (2, time(13, 0), time(16, 0)),
        (6, time(9, 0), time(12, 0)),
    ]
    assert office.weekly_capacity(Channel.WEB) == {1: 80}
    assert office.weekly_capacity(Channel.WALK_IN) == {1: 250, 6: 40}
    assert [(s.code, s.avg_minutes) for s in office.services] == [("id-card", 10), ("marriage-reg", 20)]
    assert [(c.number, c.channel_set) for c in office.counters] == [
        (1, {Channel.WALK_IN}),
        (5, {Channel.WEB, Channel.MOBILE}),
    ]
    assert [(c.day, c.reason_en) for c in office.closures] == [(date(2026, 12, 10), "Constitution Day")]
    assert not office.calendar().is_open_on(date(2026, 12, 10))


def test_a_taken_code_is_refused_and_nothing_is_stored(app):
    make_office(code="bang-rak")
    before = {model.__name__: count(model) for model in [Office, *CHILD_TABLES]}

    with pytest.raises(InvalidField) as refused:
        create_office(bang_rak())

    assert not db.session.new  # nothing left pending for a later commit to store
    assert refused.value.field == "code" and "bang-rak" in str(refused.value)
    assert {model.__name__: count(model) for model in [Office, *CHILD_TABLES]} == before
    assert stored("bang-rak").name_en == "Test District Office"


def test_a_code_taken_by_a_concurrent_request_is_refused_by_the_unique_index(app, monkeypatch):
    make_office(code="bang-rak")
    # As if the other request committed between our check and our insert.
    answers = iter([False, True])
    monkeypatch.setattr(offices, "_code_taken", lambda code: next(answers))

    with pytest.raises(InvalidField) as refused:
        create_office(bang_rak())

    assert refused.value.field == "code"
    assert count(Office) == 1 and count(Service) == 1 and count(Closure) == 0


def test_without_commit_the_caller_decides(app):
    create_office(bang_rak("kept"), commit=False)
    db.session.commit()
    create_office(bang_rak("dropped"), commit=False)
    db.session.rollback()

    assert stored("kept") is not None
    assert stored("dropped") is None
    assert count(Office) == 1 and count(Counter) == 2


def test_an_office_made_by_the_factory_comes_from_the_same_service(app):
    office = make_office(counters={1: ["walk_in", "web"]}, closures=[date(2026, 12, 10)])

    office = stored(office.code)
    assert [c.channel_set for c in office.counters] == [{Channel.WALK_IN, Channel.WEB}]
    assert [c.day for c in office.closures] == [date(2026, 12, 10)]
    assert office.weekly_capacity(Channel.WEB) == {day: 40 for day in range(1, 7)}
