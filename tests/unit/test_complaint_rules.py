"""Complaint rules on their own: the status moves, the due time of each priority in working days,
breaches, the report's figures, and what a complaint and a reply must hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain import complaints as rules
from app.domain.calendar import BANGKOK
from app.domain.complaints import ComplaintStatus as S
from app.domain.complaints import Priority, SlaDays
from app.domain.errors import InvalidField, InvalidState
from notifier.complaints import ComplaintFacts
from notifier.registry import render as render_complaint
from notifier.sms import segments


def bkk(y, m, d, h=10, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BANGKOK).astimezone(UTC)


@pytest.mark.parametrize(
    ("priority", "due"),
    [(Priority.URGENT, bkk(2026, 11, 24)), (Priority.HIGH, bkk(2026, 11, 26)), (Priority.NORMAL, bkk(2026, 12, 14))],
)
def test_each_priority_is_due_its_default_working_days_later_at_the_same_time(priority, due):
    assert rules.due_at(bkk(2026, 11, 23), priority, rules.DEFAULT_SLA) == due


def test_a_complaint_received_on_friday_evening_skips_the_weekend_and_the_offices_closed_days():
    friday = bkk(2026, 12, 4, 18, 30)
    closed = {date(2026, 12, 7)}  # a substitute holiday on Monday

    assert rules.due_at(friday, Priority.URGENT, rules.DEFAULT_SLA, closed) == bkk(2026, 12, 8, 18, 30)
    assert rules.due_at(friday, Priority.HIGH, SlaDays(urgent=1, high=2, normal=5), closed) == bkk(2026, 12, 9, 18, 30)


def test_a_complaint_over_the_new_year_counts_only_working_days():
    closed = {date(2026, 12, 31), date(2027, 1, 1)}
    assert rules.due_at(bkk(2026, 12, 30, 9), Priority.HIGH, rules.DEFAULT_SLA, closed) == bkk(2027, 1, 6, 9)


def test_a_breach_is_an_open_complaint_past_its_due_time_or_one_resolved_late():
    due = bkk(2026, 11, 24)
    assert not rules.sla_breached(due, None, due)
    assert rules.sla_breached(due, None, due + timedelta(seconds=1))
    assert not rules.sla_breached(due, due - timedelta(hours=1), due + timedelta(days=9))
    assert rules.sla_breached(due, due + timedelta(hours=1), due + timedelta(hours=2))
    assert rules.resolved_within_sla(due, due) and not rules.resolved_within_sla(due, None)


def test_statuses_move_forward_a_resolved_one_may_reopen_and_closed_is_final():
    assert rules.can_move(S.RECEIVED, S.ASSIGNED) and rules.can_move(S.RECEIVED, S.CLOSED)
    assert rules.can_move(S.RESOLVED, S.IN_PROGRESS) and rules.can_move(S.RESOLVED, S.CLOSED)
    assert not rules.can_move(S.IN_PROGRESS, S.RECEIVED) and not rules.can_move(S.RESOLVED, S.ASSIGNED)
    # Closed is filed: no move reopens it; only the head does, with a reason (reopen_complaint).
    assert not any(rules.can_move(S.CLOSED, target) for target in S)
    with pytest.raises(InvalidState):
        rules.check_move(S.IN_PROGRESS, S.ASSIGNED)
    with pytest.raises(InvalidState):
        rules.check_open_for_changes(S.CLOSED)


def test_the_figures_count_received_resolved_within_the_service_level_and_the_median_hours():
    received = bkk(2026, 11, 23)
    due = bkk(2026, 11, 24)
    figures = rules.figures(
        [
            (received, received + timedelta(hours=2), due),
            (received, received + timedelta(hours=6), due),
            (received, received + timedelta(hours=48), due),  # late
            (received, None, due),
        ]
    )
    assert figures.as_dict() == {
        "received": 4,
        "resolved": 3,
        "resolved_within_sla_pct": 66.7,
        "median_hours_to_resolve": 6.0,
    }
    assert rules.figures([]).as_dict()["resolved_within_sla_pct"] is None


def test_a_complaint_needs_an_office_a_topic_and_a_text_and_takes_contact_details_only_when_valid():
    good = rules.read_complaint(
        {"office": "pa-sang", "topic": "other", "text": " ห้องน้ำ\r\nสกปรก ", "phone": "081-234-5678", "email": ""}
    )
    assert (good.text, good.phone, good.email, good.has_contact) == ("ห้องน้ำ\nสกปรก", "+66812345678", None, True)
    for body, field in [
        ({"topic": "other", "text": "x"}, "office"),
        ({"office": "a", "text": "x"}, "topic"),
        ({"office": "a", "topic": "b", "text": "\x07"}, "text"),
        ({"office": "a", "topic": "b", "text": "x", "email": "@"}, "email"),
    ]:
        with pytest.raises(InvalidField) as caught:
            rules.read_complaint(body)
        assert caught.value.field == field


def test_a_change_must_name_something_to_change_and_none_clears_the_assignee():
    assert rules.read_change({"assignee": None}).assignee is None
    assert rules.read_change({"priority": "high"}).assignee is rules.UNCHANGED
    with pytest.raises(InvalidField):
        rules.read_change({})
    assert rules.read_reply({"text": "ok", "status": "resolved", "internal": True}).internal


def test_a_survey_complaint_takes_the_topic_of_its_first_dissatisfied_group():
    order = ("process", "staff", "facilities", "service_quality", "confidence")
    assert rules.survey_topic(["facilities", "staff"], order) == "staff_conduct"
    assert rules.survey_topic([], order) == "other"


REPLY = ComplaintFacts(
    kind="complaint_reply", locale="th", office_th="ที่ว่าการอำเภอป่าซาง", office_en="Pa Sang District Office",
    reference="C-7K3M9Q", topic_th="ความล่าช้าในการให้บริการ", topic_en="Service delay", status="resolved",
    reply="ขออภัยในความล่าช้า สำนักงานได้เพิ่มเจ้าหน้าที่ช่วงเช้าแล้ว และจะแจ้งผลให้ทราบอีกครั้งภายในสัปดาห์นี้",
    due="2026-12-14 10:00", status_url="https://khiw.example/c/TOKEN",
)  # fmt: skip


@pytest.mark.parametrize("kind", ["complaint_received", "complaint_reply"])
@pytest.mark.parametrize("locale", ["th", "en"])
def test_complaint_sms_fit_one_segment_and_carry_no_link_unless_allowed(kind, locale):
    facts = ComplaintFacts.from_json({**REPLY.to_json(), "kind": kind, "locale": locale})
    text = render_complaint(facts, "sms").text

    assert segments(text) == 1 and "https://" not in text and "C-7K3M9Q" in text
    assert render_complaint(facts, "sms", links_allowed=True).text.endswith("https://khiw.example/c/TOKEN")


def test_the_reply_email_quotes_the_reply_with_the_tracking_link_and_a_buddhist_era_due_date():
    mail = render_complaint(REPLY, "email")
    received = render_complaint(ComplaintFacts.from_json({**REPLY.to_json(), "kind": "complaint_received"}), "email")

    assert "C-7K3M9Q" in mail.subject and REPLY.reply in mail.text and "https://khiw.example/c/TOKEN" in mail.html
    assert "14 ธันวาคม พ.ศ. 2569 เวลา 10:00 น." in received.text
