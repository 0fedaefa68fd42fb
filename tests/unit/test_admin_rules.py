"""The administration rules: where Thailand is, the holiday file, never below what is booked,
who manages whom."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import admin_rules
from app.domain.admin_rules import (
    in_thailand,
    read_holiday_file,
    read_office_settings,
    refuse_capacity_below_booked,
    refuse_unless_manages,
)
from app.domain.errors import Forbidden, InvalidField
from app.domain.roles import Role, StaffMember

INSIDE = {
    "Pa Sang": (18.525833, 98.939167),
    "Bang Rak": (13.73, 100.52),
    "Phuket": (7.89, 98.40),
    "Hat Yai": (7.01, 100.47),
    "Ko Samui": (9.51, 100.01),
    "Mae Sai": (20.43, 99.88),
    "Ubon": (15.24, 104.85),
    "Trat": (12.24, 102.51),
    "Betong": (5.77, 101.07),
    "Nong Khai": (17.88, 102.74),
    "Mae Hong Son": (19.30, 97.97),
    "Loei": (17.49, 101.72),
}
OUTSIDE = {
    "Luang Prabang": (19.89, 102.13),
    "Pakse": (15.12, 105.8),
    "Siem Reap": (13.36, 103.86),
    "Kuala Lumpur": (3.14, 101.69),
    "Yangon": (16.84, 96.17),
    "Dawei": (14.08, 98.2),
    "Alor Setar": (6.12, 100.37),
    "the Gulf": (10.5, 101.5),
    "latitude and longitude swapped": (98.939167, 18.525833),
    "0, 0": (0.0, 0.0),
}


@pytest.mark.parametrize("place", INSIDE)
def test_thai_towns_and_islands_lie_in_thailand(place):
    assert in_thailand(*INSIDE[place])


@pytest.mark.parametrize("place", OUTSIDE)
def test_neighbouring_towns_and_swapped_coordinates_do_not(place):
    assert not in_thailand(*OUTSIDE[place])


def test_a_good_csv_is_read_header_bom_comments_and_an_empty_english_name():
    data = "\ufeffdate,name_th,name_en\n# 2570\n\n2027-01-01,วันขึ้นปีใหม่,New Year's Day\n2027-04-13,วันสงกรานต์,\n"
    parsed = read_holiday_file(data.encode(), "h.csv")
    assert parsed.errors == ()
    assert [(h.day, h.reason_en) for h in parsed.holidays] == [
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 4, 13), "วันสงกรานต์"),
    ]


def test_each_bad_line_is_named():
    data = "2027-02-30,ผิด,Wrong\n2027-01-01,,x\n2027-01-02\n2027-01-03,a,b\n2027-01-03,a,b\n1,2,3,4\n"
    errors = read_holiday_file(data.encode()).errors
    assert [(e.line, e.message.split(":")[1].strip()[:12]) for e in errors] == [
        (1, "%(value)s is"),
        (2, "the Thai nam"),
        (3, "write date,n"),
        (5, "%(value)s is"),
        (6, "write date,n"),
    ]


def test_a_file_that_is_not_utf8_or_lists_nothing_is_refused():
    with pytest.raises(InvalidField):
        read_holiday_file("2027-01-01,วันขึ้นปีใหม่".encode("cp874"))
    assert read_holiday_file(b"# nothing\n").errors[0].message == "The file lists no holidays."


def test_an_ics_file_gives_each_day_of_an_event():
    ics = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270413\nDTEND;VALUE=DATE:20270416\nSUMMARY:วันสง\n กรานต์\n"
        "SUMMARY;LANGUAGE=en:Songkran\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    parsed = read_holiday_file(ics.encode(), "thai.ics")
    assert [(h.day.day, h.reason_th, h.reason_en) for h in parsed.holidays] == [
        (13, "วันสงกรานต์", "Songkran"),
        (14, "วันสงกรานต์", "Songkran"),
        (15, "วันสงกรานต์", "Songkran"),
    ]


def test_a_capacity_below_a_days_bookings_is_refused_naming_the_first_such_day():
    booked = [(date(2026, 12, 8), 12), (date(2026, 12, 1), 11), (date(2026, 12, 15), 3)]
    with pytest.raises(InvalidField) as refused:
        refuse_capacity_below_booked(booked, 10, field="capacity")
    assert refused.value.params == {"date": "2026-12-01", "booked": 11, "capacity": 10}
    refuse_capacity_below_booked(booked, 12, field="capacity")  # equal is fine


def settings_form(**changes):
    form = {
        "name_th": "ที่ว่าการ",
        "name_en": "Office",
        "lat": "18.5",
        "lon": "98.9",
        "geofence_m": "1500",
        "booking_horizon_days": "30",
        "web_slot_minutes": "30",
        "web_slot_capacity": "4",
        "checkin_early_minutes": "30",
        "checkin_late_minutes": "15",
        "no_show_after_recalls": "3",
        "near_turn_people": "3",
        "near_turn_minutes": "0",
        "verification": "none",
        "hold_minutes": "10",
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"geofence_m": "499"}, "geofence_m"),
        ({"geofence_m": "2001"}, "geofence_m"),
        ({"lat": "nan"}, "lat"),
        ({"lat": "13.7", "lon": "104.9"}, "lat"),
        ({"name_en": " "}, "name_en"),
        ({"near_turn_people": "51"}, "near_turn_people"),
    ],
)
def test_office_settings_name_the_field_at_fault(changes, field):
    with pytest.raises(InvalidField) as refused:
        read_office_settings(settings_form(**changes))
    assert refused.value.field == field


def test_office_settings_accept_the_radius_bounds():
    assert read_office_settings(settings_form(geofence_m="500")).geofence_m == 500
    assert read_office_settings(settings_form(geofence_m="2000")).geofence_m == 2000


def member(role: Role, office_id: int | None = 1) -> StaffMember:
    return StaffMember(1, "x", "x", role, office_id)


def test_a_head_manages_clerks_of_their_office_and_only_an_admin_manages_heads():
    refuse_unless_manages(member(Role.HEAD), Role.CLERK, 1)
    refuse_unless_manages(member(Role.ADMIN, None), Role.HEAD, 2)
    for role, office in ((Role.HEAD, 1), (Role.ADMIN, None), (Role.CLERK, 2)):
        with pytest.raises(Forbidden):
            refuse_unless_manages(member(Role.HEAD), role, office)
    with pytest.raises(Forbidden):
        refuse_unless_manages(member(Role.CLERK), Role.CLERK, 1)


# --- the settings added for issues 12 and 13 -------------------------------------------------


def test_confirmation_by_code_and_its_hold_time():
    settings = read_office_settings(settings_form(verification="otp", hold_minutes="60"))
    assert (settings.verification, settings.hold_minutes) == ("otp", 60)
    for field, value in (("verification", "sms"), ("verification", ""), ("hold_minutes", "61"), ("hold_minutes", "0")):
        with pytest.raises(InvalidField) as refused:
            read_office_settings(settings_form(**{field: value}))
        assert refused.value.field == field


def test_the_letterhead_keeps_one_item_a_line_and_refuses_what_does_not_fit():
    letterhead = admin_rules.read_letterhead(
        {"letter_ref_prefix": " ที่ ลพ 0318/ ", "letterhead_th": "ที่ว่าการอำเภอ\r\n\r\n ถนนลำพูน ", "letter_contact_th": ""}
    )
    assert letterhead.letter_ref_prefix == "ที่ ลพ 0318/" and letterhead.letterhead_th == "ที่ว่าการอำเภอ\nถนนลำพูน"
    assert letterhead.letter_signatory_th == ""  # a missing field is empty
    for field, value in (
        ("letter_ref_prefix", "ที่\nลพ"),
        ("letter_signatory_th", "x" * 201),
        ("letterhead_th", "\n".join(["บรรทัด"] * 11)),
        ("letter_contact_th", "โทร.\x00"),
    ):
        with pytest.raises(InvalidField) as refused:
            admin_rules.read_letterhead({field: value})
        assert refused.value.field == field


def test_a_services_processing_time():
    assert admin_rules.read_processing({"processing_days": "", "processing_day_kind": ""}) == (None, "working")
    assert admin_rules.read_processing({"processing_days": "0", "processing_day_kind": "calendar"}) == (0, "calendar")
    for form, field in (
        ({"processing_days": "366"}, "processing_days"),
        ({"processing_days": "1.5"}, "processing_days"),
        ({"processing_days": "3", "processing_day_kind": "weekly"}, "processing_day_kind"),
    ):
        with pytest.raises(InvalidField) as refused:
            admin_rules.read_processing(form)
        assert refused.value.field == field


def test_complaint_service_levels_run_urgent_high_normal_within_1_to_60():
    sla = admin_rules.read_complaint_sla({"sla_urgent_days": "1", "sla_high_days": "1", "sla_normal_days": "60"})
    assert (sla.urgent, sla.high, sla.normal) == (1, 1, 60)
    for values, field in (
        (("0", "3", "15"), "sla_urgent_days"),
        (("1", "3", "61"), "sla_normal_days"),
        (("4", "3", "15"), "sla_urgent_days"),
        (("1", "16", "15"), "sla_high_days"),
    ):
        form = dict(zip(("sla_urgent_days", "sla_high_days", "sla_normal_days"), values, strict=True))
        with pytest.raises(InvalidField) as refused:
            admin_rules.read_complaint_sla(form)
        assert refused.value.field == field


def test_topics_and_e_mails():
    assert (
        admin_rules.read_new_topic({"code": "parking_lot", "name_th": "ที่จอดรถ", "name_en": "Parking"})[0]
        == "parking_lot"
    )
    with pytest.raises(InvalidField) as refused:
        admin_rules.read_new_topic({"code": "Parking", "name_th": "ที่จอดรถ", "name_en": "Parking"})
    assert refused.value.field == "code"
    with pytest.raises(InvalidField):
        admin_rules.refuse_no_active_topic(0)
    assert admin_rules.read_summary_email({"summary_email": ""}) is None
    with pytest.raises(InvalidField) as refused:
        admin_rules.read_summary_email({"summary_email": "head@"})
    assert refused.value.field == "summary_email"
    assert admin_rules.read_staff_email({"email": "Head@PaSang.go.th"}) == "Head@pasang.go.th"
