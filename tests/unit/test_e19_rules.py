"""Issue 19 / 21 rules in plain Python: who reads a complaint, who closes it, the history
sentences, the paused Section 10 clock, the letter number, the holiday file's years and caps,
and the free-text caps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain import admin_rules, outgoing
from app.domain import complaints as c
from app.domain import requests as r
from app.domain.complaints import ComplaintStatus as S
from app.domain.errors import InvalidField, InvalidState, TooSoon

HOLIDAY = {date(2026, 10, 13), date(2026, 10, 23)}  # King Bhumibol Memorial Day, Chulalongkorn Day


@pytest.mark.parametrize(
    ("role", "staff_id", "assignee", "confidential", "reads"),
    [("clerk", 1, None, True, False), ("clerk", 1, 2, True, False), ("clerk", 1, 1, True, True),
     ("head", 1, None, True, True), ("admin", 1, None, True, True), ("clerk", 1, None, False, True)],
)  # fmt: skip
def test_a_confidential_complaint_is_read_by_the_head_admins_and_the_assignee_only(
    role, staff_id, assignee, confidential, reads
):
    assert c.may_read(role, staff_id, assignee, confidential) is reads


def test_internal_notes_are_read_by_the_head_admins_and_the_assignee_only():
    assert c.may_read_notes("head", 1, None) and c.may_read_notes("clerk", 1, 1)
    assert not c.may_read_notes("clerk", 1, None) and not c.may_read_notes("clerk", 1, 2)


def test_the_default_topics_staff_conduct_and_corruption_are_confidential():
    assert {t.code for t in c.DEFAULT_TOPICS if t.confidential} == {"staff_conduct", "corruption"}


def test_only_the_head_closes_and_reopens():
    c.check_move_by("clerk", S.IN_PROGRESS, S.RESOLVED)
    c.check_move_by("head", S.RESOLVED, S.CLOSED)
    with pytest.raises(InvalidState):
        c.check_move_by("clerk", S.RESOLVED, S.CLOSED)
    with pytest.raises(InvalidState):
        c.check_move_by("clerk", S.CLOSED, S.IN_PROGRESS)


def test_reopening_is_allowed_within_the_service_level_period_after_closing():
    closed = datetime(2026, 11, 23, 3, tzinfo=UTC)  # Monday 10:00 Bangkok
    deadline = c.reopen_deadline(closed, "urgent", c.DEFAULT_SLA)
    assert deadline == datetime(2026, 11, 24, 3, tzinfo=UTC)
    c.check_reopen(closed, deadline, deadline)
    with pytest.raises(InvalidState):
        c.check_reopen(closed, deadline, datetime(2026, 11, 24, 4, tzinfo=UTC))


def test_the_history_names_people_and_statuses():
    reply = c.history_line("reply", "สมชาย", None, citizen=False)
    status = c.history_line("status", "สมชาย", "resolved", citizen=False)
    assert reply.message == "Staff member %(who)s replied to the complainant" and reply.values == {"who": "สมชาย"}
    assert status.message == "Status: %(status)s" and status.values == {"status": "resolved"}


def test_staff_record_a_complaint_only_from_the_offline_channels():
    submission = c.read_staff_complaint({"channel": "phone", "topic": "other", "text": "โทรมา"}, "pa-sang")
    assert submission.channel is c.ComplaintChannel.PHONE and submission.office == "pa-sang"
    with pytest.raises(InvalidField) as refused:
        c.read_staff_complaint({"channel": "web", "topic": "other", "text": "x"}, "pa-sang")
    assert refused.value.field == "channel"


def test_the_handling_answer_is_yes_or_no_with_an_optional_comment():
    assert c.read_handling_answer({"satisfied": "no", "comment": " ช้า "}) == c.HandlingAnswer(False, "ช้า")
    with pytest.raises(InvalidField):
        c.read_handling_answer({"satisfied": "maybe"})
    assert c.may_answer_handling(S.RESOLVED, False) and not c.may_answer_handling(S.IN_PROGRESS, False)
    assert not c.may_answer_handling(S.CLOSED, True)


def test_a_public_reply_fits_a_few_sms_but_an_internal_note_may_be_longer():
    with pytest.raises(InvalidField):
        c.read_reply({"text": "ก" * (outgoing.MESSAGE_TEXT_MAX + 1)})
    assert c.read_reply({"text": "ก" * 1000, "internal": True}).internal


def test_the_daily_cap_refuses_the_next_message_until_midnight():
    outgoing.check_daily_cap(39, 40, seconds_to_midnight=100)
    with pytest.raises(TooSoon) as refused:
        outgoing.check_daily_cap(40, 40, seconds_to_midnight=100)
    assert refused.value.retry_after == 100


# --- Section 10 ------------------------------------------------------------------------------


def test_thirty_working_days_from_1_october_2026_end_on_16_november_with_the_october_holidays():
    assert r.due_on(date(2026, 10, 1), 30, "working") == date(2026, 11, 12)
    assert r.due_on(date(2026, 10, 1), 30, "working", HOLIDAY) == date(2026, 11, 16)


def test_a_pause_over_a_weekend_and_a_holiday_counts_only_the_working_days():
    # Stopped Friday 9 Oct, documents on Wednesday 14 Oct: Mon 12 and Wed 14 (Sat, Sun, Tue 13 are not).
    assert r.paused_days(date(2026, 10, 9), date(2026, 10, 14), "working", HOLIDAY) == 2
    assert r.paused_days(date(2026, 10, 9), date(2026, 10, 14), "calendar") == 5
    assert r.paused_days(date(2026, 10, 9), date(2026, 10, 9), "working") == 0
    assert r.due_on_after_pauses(date(2026, 10, 5), 5, "working", 2, HOLIDAY) == date(2026, 10, 15)


def test_a_waiting_request_is_never_overdue_and_owes_no_notice():
    waiting = r.timing(date(2026, 10, 12), r.RequestStatus.WAITING_FOR_CITIZEN, None, date(2026, 10, 30),
                       date(2026, 10, 9))  # fmt: skip
    assert not waiting.overdue and not waiting.notice_due and waiting.next_notice_on is None
    assert waiting.paused_on == date(2026, 10, 9)
    with pytest.raises(InvalidState):
        r.check_notice_allowed(waiting)


def test_notices_are_7_days_apart():
    last = r.timing(date(2026, 10, 12), r.RequestStatus.IN_PROGRESS, date(2026, 10, 13), date(2026, 10, 19))
    with pytest.raises(InvalidState):
        r.check_notice_allowed(last)
    r.check_notice_allowed(r.timing(date(2026, 10, 12), r.RequestStatus.IN_PROGRESS, date(2026, 10, 13),
                                    date(2026, 10, 20)))  # fmt: skip


def test_a_future_filing_date_is_refused():
    r.check_submitted_on(date(2026, 10, 5), date(2026, 10, 5))
    with pytest.raises(InvalidField) as refused:
        r.check_submitted_on(date(2026, 10, 6), date(2026, 10, 5))
    assert refused.value.field == "submitted_on"


@pytest.mark.parametrize(
    ("prefix", "number", "printed"),
    [("ลพ 0318/", 123, "ลพ 0318/๑๒๓"), ("ที่ ลพ 0318/", 7, "ลพ 0318/๗"), ("ที่ลพ 0318/", None, "ลพ 0318/"),
     ("", 5, "๕")],
)  # fmt: skip
def test_the_letter_number_never_reads_ti_ti(prefix, number, printed):
    assert r.letter_number_text(prefix, number) == printed


def test_the_signatory_line_is_name_and_position():
    assert r.read_signatory("นายสมชาย ใจดี | นายอำเภอป่าซาง") == r.Signatory("นายสมชาย ใจดี", "นายอำเภอป่าซาง")
    assert r.read_signatory("นายอำเภอป่าซาง") == r.Signatory("", "นายอำเภอป่าซาง")


# --- the holiday file --------------------------------------------------------------------------


def test_a_buddhist_era_year_is_refused_with_the_christian_date():
    parsed = admin_rules.read_holiday_file("2570-01-04,วันหยุด,Holiday\n".encode())
    assert parsed.holidays == () and parsed.errors[0].params == {"value": "2570-01-04", "suggestion": "2027-01-04"}


def test_an_ics_event_in_9999_is_a_line_error_not_an_overflow():
    ics = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:99991231\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n"
    parsed = admin_rules.read_holiday_file(ics, "h.ics")
    assert parsed.holidays == () and parsed.errors[0].line == 3


def test_a_holiday_file_over_the_line_cap_is_refused_and_comments_do_not_count():
    lines = "".join(f"2027-01-{1 + n % 28:02d},x{n},y\n" for n in range(admin_rules.HOLIDAY_LINES_MAX + 2))
    with pytest.raises(InvalidField) as refused:
        admin_rules.read_holiday_file(lines.encode())
    assert refused.value.field == "file"
    comments = "# note\n" * 5000 + "2027-01-01,x,y\n"
    assert len(admin_rules.read_holiday_file(comments.encode()).holidays) == 1


def test_a_closure_may_be_in_the_past_but_not_over_two_years_back():
    today = date(2026, 11, 2)
    admin_rules.refuse_closure_too_old(date(2026, 10, 13), today)
    with pytest.raises(InvalidField):
        admin_rules.refuse_closure_too_old(date(2024, 1, 2), today)
    with pytest.raises(InvalidField):
        admin_rules.refuse_closure_too_old(date(2569, 10, 13), today)
