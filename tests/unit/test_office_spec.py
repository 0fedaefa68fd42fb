"""An office specification refuses, naming the field, what the database would refuse."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from app import demo_data
from app.domain.channels import Channel
from app.domain.errors import InvalidField
from app.domain.office_spec import CounterSpec, OfficeSpec, ServiceSpec

WEEKDAY = ((time(8, 30), time(12, 0)), (time(13, 0), time(16, 30)))


def valid_fields(**changes) -> dict:
    fields = {
        "code": "pa-sang",
        "name_th": "ที่ว่าการอำเภอป่าซาง",
        "name_en": "Pa Sang District Office",
        "lat": 18.525833,
        "lon": 98.939167,
        "hours": {day: WEEKDAY for day in range(1, 6)},
        "capacity": {day: {"walk_in": 100, "web": 30, "mobile": 20} for day in range(1, 6)},
        "services": (ServiceSpec("id-card", "ทำบัตรประจำตัวประชาชน", "National ID card"),),
        "counters": (CounterSpec(1, "ช่องบริการ 1", "Counter 1", ("walk_in",)),),
        "closures": ((date(2026, 12, 10), "วันรัฐธรรมนูญ", "Constitution Day"),),
    }
    fields.update(changes)
    return fields


def refusal(build) -> InvalidField:
    with pytest.raises(InvalidField) as caught:
        build()
    return caught.value


def test_a_valid_spec_passes_and_keeps_channels_as_channels():
    spec = OfficeSpec(**valid_fields())

    assert spec.code == "pa-sang"
    assert spec.prefixes == {Channel.WALK_IN: "A", Channel.WEB: "W", Channel.MOBILE: "M"}
    assert spec.capacity[1] == {Channel.WALK_IN: 100, Channel.WEB: 30, Channel.MOBILE: 20}
    assert all(isinstance(channel, Channel) for channel in spec.capacity[1])
    assert spec.counters[0].channels == (Channel.WALK_IN,)
    assert spec.hours[1] == WEEKDAY


def test_an_office_with_no_hours_services_or_counters_yet_is_still_valid():
    spec = OfficeSpec(code="new-office", name_th="สำนักงานใหม่", name_en="New office", lat=13.7, lon=100.5)

    assert (spec.hours, spec.services, spec.counters, spec.closures) == ({}, (), (), ())


@pytest.mark.parametrize("office", demo_data.OFFICES, ids=lambda o: o["code"])
def test_every_demo_office_reads_as_a_valid_spec(office):
    spec = OfficeSpec.from_mapping({**office, "closures": demo_data.PUBLIC_HOLIDAYS})

    assert spec.code == office["code"]
    assert [s.code for s in spec.services] == [s["code"] for s in office["services"]]
    assert len(spec.closures) == len(demo_data.PUBLIC_HOLIDAYS)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("code", {"code": ""}),
        ("code", {"code": "Pa Sang"}),
        ("code", {"code": "x" * 33}),
        ("code", {"code": None}),
        ("name_th", {"name_th": "  "}),
        ("name_en", {"name_en": "x" * 201}),
        ("address_th", {"address_th": None}),
        ("lat", {"lat": 91}),
        ("lat", {"lat": float("nan")}),
        ("lon", {"lon": "98.9"}),
        ("lon", {"lon": True}),
        ("geofence_m", {"geofence_m": 99}),
        ("geofence_m", {"geofence_m": 20001}),
        ("geofence_m", {"geofence_m": 1500.0}),
        ("booking_horizon_days", {"booking_horizon_days": -1}),
        ("booking_horizon_days", {"booking_horizon_days": 366}),
        ("web_slot_minutes", {"web_slot_minutes": 4}),
        ("web_slot_minutes", {"web_slot_minutes": 241}),
        ("web_slot_capacity", {"web_slot_capacity": -1}),
        ("prefixes", {"prefixes": {"walk_in": "A", "web": "A", "mobile": "M"}}),
        ("prefixes", {"prefixes": {"walk_in": "A", "web": "W"}}),
        ("prefixes", {"prefixes": {"walk_in": "ABC", "web": "W", "mobile": "M"}}),
        ("prefixes", {"prefixes": {"walk_in": "A1", "web": "W", "mobile": "M"}}),
        ("prefixes", {"prefixes": {"walk_in": "A", "web": "W", "mobile": "M", "fax": "F"}}),
        ("hours", {"hours": {0: WEEKDAY}}),
        ("hours", {"hours": {8: WEEKDAY}}),
        ("hours", {"hours": {1: ((time(12, 0), time(8, 30)),)}}),
        ("hours", {"hours": {1: ((time(9, 0), time(9, 0)),)}}),
        ("hours", {"hours": {1: ((time(8, 30), time(12, 0)), (time(11, 0), time(16, 30)))}}),
        ("hours", {"hours": {1: (("08:30", "12:00"),)}}),
        ("hours", {"hours": [(1, time(8, 30), time(12, 0))]}),
        ("capacity", {"capacity": {1: {"walk_in": -1}}}),
        ("capacity", {"capacity": {1: {"fax": 10}}}),
        ("capacity", {"capacity": {9: {"web": 10}}}),
        ("capacity", {"capacity": {1: {"web": 2.5}}}),
        ("services", {"services": (ServiceSpec("id-card", "ก", "A"), ServiceSpec("id-card", "ข", "B"))}),
        ("services", {"services": ({"code": "id-card"},)}),
        ("counters", {"counters": (CounterSpec(1, "ช่อง 1", "Counter 1"), CounterSpec(1, "ช่อง 1", "Counter 1"))}),
        ("counters", {"counters": "1"}),
        ("closures", {"closures": ((date(2026, 12, 10), "ก", "A"), (date(2026, 12, 10), "ข", "B"))}),
        ("closures", {"closures": ((date(2026, 12, 10), "ก"),)}),
        ("closures", {"closures": (("2026-12-10", "ก", "A"),)}),
        ("closures", {"closures": ((datetime(2026, 12, 10, 0, 0), "ก", "A"),)}),
    ],
)
def test_an_office_spec_refusal_names_its_field(field, changes):
    error = refusal(lambda: OfficeSpec(**valid_fields(**changes)))

    assert error.field == field


@pytest.mark.parametrize(
    "kwargs",
    [
        {"code": "ID card"},
        {"code": "id-card", "name_th": ""},
        {"code": "id-card", "name_en": "x" * 201},
        {"code": "id-card", "avg_minutes": 0},
        {"code": "id-card", "avg_minutes": 481},
    ],
)
def test_a_service_spec_refusal_names_the_services_field(kwargs):
    fields = {"code": "id-card", "name_th": "ทำบัตร", "name_en": "ID card", **kwargs}

    assert refusal(lambda: ServiceSpec(**fields)).field == "services"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"number": 0},
        {"number": "1"},
        {"name_th": ""},
        {"name_en": "x" * 101},
        {"channels": ("web", "fax")},
        {"channels": ("web", Channel.WEB)},
        {"channels": "web"},
    ],
)
def test_a_counter_spec_refusal_names_the_counters_field(kwargs):
    fields = {"number": 1, "name_th": "ช่อง 1", "name_en": "Counter 1", "channels": ("web",), **kwargs}

    assert refusal(lambda: CounterSpec(**fields)).field == "counters"


def test_an_unknown_channel_is_named_in_the_message():
    error = refusal(lambda: CounterSpec(1, "ช่อง 1", "Counter 1", ("fax",)))

    assert "fax" in str(error) and error.params == {"value": "fax"}


def test_a_duplicate_is_named_in_the_message():
    twice = (ServiceSpec("id-card", "ก", "A"), ServiceSpec("id-card", "ข", "B"))

    assert "id-card" in str(refusal(lambda: OfficeSpec(**valid_fields(services=twice))))


@pytest.mark.parametrize("missing", ["code", "name_th", "name_en", "lat", "lon"])
def test_from_mapping_names_a_missing_required_key(missing):
    data = {k: v for k, v in demo_data.OFFICES[0].items() if k != missing}

    assert refusal(lambda: OfficeSpec.from_mapping(data)).field == missing


def test_from_mapping_names_a_malformed_service_or_counter():
    office = demo_data.OFFICES[0]

    bad_service = refusal(lambda: OfficeSpec.from_mapping({**office, "services": [{"code": "id-card"}]}))
    bad_counter = refusal(lambda: OfficeSpec.from_mapping({**office, "counters": [{"number": 1, "colour": "red"}]}))

    assert (bad_service.field, bad_counter.field) == ("services", "counters")


def test_from_mapping_leaves_out_optional_keys_to_the_defaults():
    spec = OfficeSpec.from_mapping({"code": "x", "name_th": "ก", "name_en": "X", "lat": 13.7, "lon": 100.5})

    assert (spec.geofence_m, spec.booking_horizon_days, spec.web_slot_minutes, spec.web_slot_capacity) == (
        1500,
        30,
        30,
        4,
    )
