"""Staff access rules (app/domain/staff_access.py) and request references (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain import requests as request_rules
from app.domain.errors import InvalidField
from app.domain.roles import Role
from app.domain.staff_access import (
    SESSION_IDLE,
    FailurePolicy,
    check_new_password,
    common_passwords,
    session_alive,
    session_ends_at,
)
from tests.factories import bangkok


def test_the_common_password_list_ships_with_khiw_and_holds_the_usual_suspects():
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"1234567890", "password1234", "qwertyuiop12"} <= common


@pytest.mark.parametrize("password", ["1234567890", "PASSWORD1234", "short", "x" * 201, "tab\there pass", ""])
def test_a_weak_password_is_refused_naming_the_field(password):
    with pytest.raises(InvalidField) as refused:
        check_new_password(password, field="new_password")
    assert refused.value.field == "new_password"


def test_a_long_uncommon_password_is_accepted_unless_it_holds_the_username():
    assert check_new_password("river lamphun morning", username="somchai") == "river lamphun morning"
    with pytest.raises(InvalidField):
        check_new_password("Somchai-river-morning", username="somchai")


def test_a_session_lasts_a_working_day_and_ends_when_idle():
    start = bangkok(2026, 11, 23, 8, 0)
    ends = session_ends_at(start)
    assert ends - start == timedelta(hours=12)
    just_before = start + SESSION_IDLE - timedelta(seconds=1)
    assert session_alive(expires_at=ends, last_seen_at=start, ended=False, now=just_before)
    assert not session_alive(expires_at=ends, last_seen_at=start, ended=False, now=start + SESSION_IDLE)
    assert not session_alive(expires_at=ends, last_seen_at=ends, ended=False, now=ends)
    assert not session_alive(expires_at=ends, last_seen_at=start, ended=True, now=start)


def test_failures_slow_down_by_doubling_up_to_a_cap_and_tell_the_owner_once():
    policy = FailurePolicy(free=5, first_delay=0.25, max_delay=2.0, alert_after=10)
    assert [policy.delay_seconds(n) for n in (0, 4, 5, 6, 7, 8, 50)] == [0, 0, 0.25, 0.5, 1.0, 2.0, 2.0]
    assert [n for n in range(100) if policy.tell_owner(n)] == [10]
    assert FailurePolicy(max_delay=0).delay_seconds(99) == 0


def test_khiw_references_carry_the_office_and_a_random_part():
    assert request_rules.new_reference("pa-sang", "7KQ4M2XP") == "PA-SANG-7KQ4-M2XP"
    assert request_rules.new_reference("x" * 40, "ABCDEFGH").startswith("X" * 20 + "-")
    assert request_rules.reference_candidates(" pa-sang-7kq4-m2xp ") == ["pa-sang-7kq4-m2xp", "PA-SANG-7KQ4-M2XP"]


def test_the_last_digits_check_matches_only_the_end_of_the_phone():
    assert request_rules.same_last_digits("5678", "+66812345678")
    assert not request_rules.same_last_digits("5679", "+66812345678")
    assert not request_rules.same_last_digits("0000", None)
    assert not request_rules.same_last_digits("\0\0\0\0", None)


def test_only_heads_and_admins_export_names():
    assert [request_rules.export_shows_names(r) for r in Role] == [False, True, True]
