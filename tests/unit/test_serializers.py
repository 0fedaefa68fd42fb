"""Serializers are pure functions of plain values: they run with no app and no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.domain.calendar import OfficeCalendar, Slot
from app.domain.channels import Channel
from app.domain.office import ClosureInfo, CounterInfo, OfficeRules, ServiceInfo
from app.domain.status import Status
from app.services.availability import Availability, ChannelPlaces, SlotPlaces
from app.services.booking import BookingView
from app.web.api.serialize import availability_json, booking_json, office_json

SERVICE = ServiceInfo(7, "id-card", "ทำบัตรประจำตัวประชาชน", "National ID card", 10)
OLD_SERVICE = ServiceInfo(8, "old", "เลิกให้บริการ", "Discontinued", 10, active=False)
COUNTER = CounterInfo(3, 3, "ช่องบริการ 3", "Counter 3", frozenset({Channel.WEB}))
OFFICE = OfficeRules(
    id=1,
    code="pa-sang",
    name_th="ที่ว่าการอำเภอป่าซาง",
    name_en="Pa Sang District Office",
    address_th="ป่าซาง ลำพูน",
    address_en="Pa Sang, Lamphun",
    lat=18.525833,
    lon=98.939167,
    geofence_m=1500,
    booking_horizon_days=30,
    web_slot_minutes=30,
    web_slot_capacity=4,
    prefixes={Channel.WALK_IN: "A", Channel.WEB: "W", Channel.MOBILE: "M"},
    calendar=OfficeCalendar.build([(2, time(8, 30), time(16, 30))]),
    weekly_capacity={Channel.WEB: {2: 40}},
    capacity_overrides={},
    services=(SERVICE, OLD_SERVICE),
    counters=(COUNTER,),
)


def test_a_booking_serializes_from_its_view_alone():
    view = BookingView(
        token="tok",
        number="W012",
        office=OFFICE,
        service=SERVICE,
        channel=Channel.WEB,
        day=date(2026, 11, 24),
        slot_start=time(9, 0),
        slot_end=time(9, 30),
        status=Status.CALLED,
        counter=COUNTER,
        created_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
        people_ahead=2,
        estimated_call_at=datetime(2026, 11, 24, 2, 20, tzinfo=UTC),
    )

    body = booking_json(view, "en", "https://khiw.example")

    assert body["number"] == "W012" and body["status"] == "called"
    assert body["office_name"] == "Pa Sang District Office"
    assert body["counter"] == {"id": 3, "number": 3, "name": "Counter 3"}
    assert body["estimated_call_at"] == "2026-11-24T09:20:00+07:00"
    assert body["status_url"] == "https://khiw.example/b/tok"
    assert body["qr_png_url"] == "https://khiw.example/api/v1/bookings/tok/qr.png"
    assert booking_json(view, "th", "https://khiw.example")["service_name"] == "ทำบัตรประจำตัวประชาชน"


def test_an_office_lists_only_its_active_services():
    assert [s["code"] for s in office_json(OFFICE, "th")["services"]] == ["id-card"]


def test_availability_serializes_with_the_closure_reason_in_the_persons_language():
    availability = Availability(
        office=OFFICE,
        day=date(2026, 12, 7),
        open=False,
        channels={c: ChannelPlaces(0, 0) for c in Channel},
        slots=[SlotPlaces(Slot(time(9), time(9, 30)).start, time(9, 30), 4, 0, False)],
        closure=ClosureInfo(date(2026, 12, 7), "วันหยุดชดเชย", "Substitution day"),
    )

    assert availability_json(availability, "en")["closed_reason"] == "Substitution day"
    assert availability_json(availability, "th")["slots"][0] == {
        "start": "09:00", "end": "09:30", "capacity": 4, "remaining": 0, "bookable": False,
    }  # fmt: skip
