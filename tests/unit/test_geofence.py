"""Mobile booking only from inside the office's fence, measured with real coordinates."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from app.domain.errors import InvalidField, OutsideGeofence, format_distance
from app.domain.geofence import Position, check_inside_fence, parse_position
from app.web.api.parsing import read_json_number

PA_SANG = (18.525833, 98.939167)  # Pa Sang District Office, Lamphun
PA_SANG_RADIUS = 1500
BANG_RAK = (13.730556, 100.523611)  # Bang Rak District Office, Bangkok
BANG_RAK_RADIUS = 1000
MUEANG_LAMPHUN = (18.586389, 99.011944)
MAX_ACCURACY = 150


def away_from(origin: tuple[float, float], metres: float, bearing: float, accuracy: float = 20) -> Position:
    point = geodesic(meters=metres).destination(origin, bearing=bearing)
    return Position(point.latitude, point.longitude, accuracy)


def check_pa_sang(position: Position) -> int:
    return check_inside_fence(*PA_SANG, PA_SANG_RADIUS, position, MAX_ACCURACY)


# --- inside --------------------------------------------------------------------------


@pytest.mark.parametrize("bearing", [0, 90, 200, 315])
def test_a_phone_400_m_from_the_office_is_inside_and_told_its_distance(bearing):
    assert check_pa_sang(away_from(PA_SANG, 400, bearing, accuracy=20)) == 400


def test_a_phone_at_the_office_is_inside_at_distance_zero():
    assert check_pa_sang(Position(*PA_SANG, accuracy_m=5)) == 0


def test_a_fix_exactly_as_good_as_the_limit_is_accepted():
    assert check_pa_sang(Position(*PA_SANG, accuracy_m=MAX_ACCURACY)) == 0


# --- outside -------------------------------------------------------------------------


def test_a_phone_2_km_away_is_outside_with_the_distance_and_radius_given():
    with pytest.raises(OutsideGeofence) as caught:
        check_pa_sang(away_from(PA_SANG, 2000, 45))

    error = caught.value
    assert error.distance_m == pytest.approx(2000, abs=1)
    assert error.radius_m == PA_SANG_RADIUS
    assert (error.code, error.field) == ("outside_geofence", "lat")
    assert error.extra() == {"distance_m": error.distance_m, "radius_m": PA_SANG_RADIUS}
    assert {k: str(v) for k, v in error.params.items()} == {"distance": "2.0 km", "radius": "1.5 km", "accuracy": "20"}


def test_mueang_lamphun_town_is_about_10_km_from_pa_sang_and_outside():
    with pytest.raises(OutsideGeofence) as caught:
        check_pa_sang(Position(*MUEANG_LAMPHUN, accuracy_m=10))

    assert caught.value.distance_m == pytest.approx(10_000, rel=0.05)
    assert str(caught.value.params["distance"]).endswith(" km")


# --- the whole uncertainty circle must be inside ---------------------------------------


@pytest.mark.parametrize(
    ("distance", "accuracy", "inside"),
    [
        (1400, 60, True),  # 1460 m at worst
        (1450, 60, False),  # 1510 m at worst: it might be outside
        (1499, 5, False),
        (1000, 150, True),
    ],
)
def test_a_position_is_inside_only_if_distance_plus_accuracy_is_within_the_radius(distance, accuracy, inside):
    position = away_from(PA_SANG, distance, 120, accuracy)

    if inside:
        assert check_pa_sang(position) == distance
    else:
        with pytest.raises(OutsideGeofence) as caught:
            check_pa_sang(position)
        assert caught.value.distance_m == distance
        assert caught.value.params["accuracy"] == accuracy


def test_a_poor_fix_is_refused_even_at_the_office_door():
    with pytest.raises(InvalidField) as caught:
        check_pa_sang(Position(*PA_SANG, accuracy_m=200))

    assert (caught.value.field, caught.value.code) == ("accuracy_m", "invalid")
    assert caught.value.params == {"accuracy": 200, "limit": MAX_ACCURACY}
    assert "GPS" in caught.value.message


# --- another office ------------------------------------------------------------------


def test_bang_rak_office_accepts_a_phone_500_m_away():
    assert check_inside_fence(*BANG_RAK, BANG_RAK_RADIUS, away_from(BANG_RAK, 500, 270, 30), MAX_ACCURACY) == 500


def test_bang_rak_office_refuses_a_phone_1_2_km_away():
    with pytest.raises(OutsideGeofence) as caught:
        check_inside_fence(*BANG_RAK, BANG_RAK_RADIUS, away_from(BANG_RAK, 1200, 10), MAX_ACCURACY)

    assert caught.value.distance_m == 1200
    assert str(caught.value.params["radius"]) == "1.0 km"


def test_a_phone_in_pa_sang_cannot_book_in_bang_rak():
    with pytest.raises(OutsideGeofence) as caught:
        check_inside_fence(*BANG_RAK, BANG_RAK_RADIUS, Position(*PA_SANG, accuracy_m=10), MAX_ACCURACY)

    assert caught.value.distance_m > 500_000


# --- reading the position --------------------------------------------------------------


def test_a_position_is_read_from_a_json_body():
    position = parse_position({"lat": 18, "lon": 98.939167, "accuracy_m": 12.5}, read_json_number)

    assert position == Position(18.0, 98.939167, 12.5)


def test_a_position_posted_by_a_form_as_text_is_read_by_the_forms_own_reader():
    form = {"lat": "18.525833", "lon": " 98.939167", "accuracy_m": "20"}

    assert parse_position(form, float) == Position(18.525833, 98.939167, 20.0)
    with pytest.raises(InvalidField):
        parse_position(form, read_json_number)  # the API wants JSON numbers


def test_a_coordinate_too_large_for_a_float_names_its_field():
    with pytest.raises(InvalidField) as caught:
        parse_position({"lat": 10**400, "lon": 98.9, "accuracy_m": 20}, read_json_number)

    assert caught.value.field == "lat"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lon": 98.9, "accuracy_m": 20}, "lat"),
        ({"lat": 18.5, "accuracy_m": 20}, "lon"),
        ({"lat": 18.5, "lon": 98.9}, "accuracy_m"),
        ({"lat": 90.01, "lon": 98.9, "accuracy_m": 20}, "lat"),
        ({"lat": 18.5, "lon": -180.5, "accuracy_m": 20}, "lon"),
        ({"lat": "18.5", "lon": 98.9, "accuracy_m": 20}, "lat"),
        ({"lat": 18.5, "lon": "98.9", "accuracy_m": 20}, "lon"),
        ({"lat": False, "lon": 98.9, "accuracy_m": 20}, "lat"),
        ({"lat": float("inf"), "lon": 98.9, "accuracy_m": 20}, "lat"),
        ({"lat": 18.5, "lon": float("nan"), "accuracy_m": 20}, "lon"),
        ({"lat": 18.5, "lon": 98.9, "accuracy_m": 0}, "accuracy_m"),
        ({"lat": 18.5, "lon": 98.9, "accuracy_m": -10}, "accuracy_m"),
        ({"lat": 18.5, "lon": 98.9, "accuracy_m": "20"}, "accuracy_m"),
    ],
)
def test_a_missing_or_unusable_coordinate_names_its_field(body, field):
    with pytest.raises(InvalidField) as caught:
        parse_position(body, read_json_number)

    assert caught.value.field == field


def test_a_missing_location_asks_the_person_to_allow_location_access():
    with pytest.raises(InvalidField) as caught:
        parse_position({}, read_json_number)

    assert caught.value.field == "lat"
    assert "location access" in caught.value.message


def test_distances_read_in_thai_units_in_thai_and_in_english_units_in_english():
    assert [format_distance(m, "th") for m in (63, 1500, 12345)] == ["63 ม.", "1.5 กม.", "12.3 กม."]
    assert [format_distance(m, "en") for m in (63, 1500)] == ["63 m", "1.5 km"]
