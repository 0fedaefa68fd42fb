"""What citizens read: Thai in one SMS segment, Buddhist Era dates, no links unless allowed."""

from __future__ import annotations

import random
from datetime import date

import pytest

from notifier.dates import thai_date
from notifier.messages import Facts, Kind
from notifier.registry import channels, render
from notifier.retry import RetryPolicy
from notifier.sms import segments

FACTS = Facts(
    kind="booked", locale="th", number="W012", office_th="ที่ว่าการอำเภอป่าซาง", office_en="Pa Sang District Office",
    service_th="ทำบัตรประจำตัวประชาชน", service_en="National ID card", day="2026-12-01", slot_start="09:00",
    slot_end="09:30", counter_th="ช่องบริการ 3", counter_en="Counter 3", people_ahead=2,
    status_url="https://khiw.example/b/TOKEN", survey_url="https://khiw.example/b/TOKEN/survey",
    find_url="https://khiw.example/find", booking_channel="web",
)  # fmt: skip


def facts(kind: Kind, locale: str = "th", **changes) -> Facts:
    return Facts.from_json({**FACTS.to_json(), "kind": kind.value, "locale": locale, **changes})


@pytest.mark.parametrize("kind", list(Kind))
def test_every_thai_sms_fits_one_segment(kind):
    text = render(facts(kind), "sms").text

    assert segments(text) == 1, text


@pytest.mark.parametrize("kind", list(Kind))
def test_sms_carry_no_link_unless_the_sender_is_registered(kind):
    assert "https://" not in render(facts(kind), "sms").text
    assert "https://" not in render(facts(kind, "en"), "sms").text


def test_a_registered_sender_may_link_the_status_page():
    assert render(facts(Kind.BOOKED), "sms", links_allowed=True).text.endswith("https://khiw.example/b/TOKEN")


def test_the_call_names_the_number_and_the_counter():
    assert render(facts(Kind.CALLED), "sms").text.startswith("ถึงคิว W012 แล้ว เชิญที่ช่องบริการ 3")
    assert render(facts(Kind.CALLED, "en"), "sms").text.startswith("Khiw: your turn, W012 → Counter 3")


def test_the_confirmation_email_has_the_buddhist_era_date_window_and_link_in_both_parts():
    mail = render(facts(Kind.BOOKED), "email")

    assert "W012" in mail.subject
    for part in (mail.text, mail.html):
        assert "1 ธันวาคม พ.ศ. 2569" in part and "09:00–09:30" in part and "https://khiw.example/b/TOKEN" in part
    assert "<img" not in mail.html and "http" not in mail.html.replace("https://khiw.example/b/TOKEN", "")


def test_the_html_part_escapes_what_it_quotes():
    mail = render(facts(Kind.BOOKED, office_th="<script>x</script>"), "email")
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html


def test_english_messages_use_gregorian_dates():
    mail = render(facts(Kind.REMINDER, "en"), "email")
    assert "Tuesday 1 December 2026" in mail.text and "พ.ศ." not in mail.text


def test_the_survey_invitation_links_the_survey():
    assert "https://khiw.example/b/TOKEN/survey" in render(facts(Kind.SURVEY), "email").text


@pytest.mark.parametrize(
    ("day", "style", "expected"),
    [(date(2025, 3, 14), "long", "14 มีนาคม พ.ศ. 2568"), (date(2025, 3, 14), "short", "14 มี.ค. 68"),
     (date(2025, 3, 14), "full", "วันศุกร์ที่ 14 มีนาคม พ.ศ. 2568")],
)  # fmt: skip
def test_thai_dates_are_in_the_buddhist_era(day, style, expected):
    assert thai_date(day, style) == expected


def routed(kind, **addresses) -> list[str]:
    return [channel.name for channel, _ in channels().route(kind, addresses)]


def test_turn_alerts_go_by_sms_and_the_rest_by_email_when_both_are_known():
    both = {"phone_e164": "+66812345678", "email": "a@example.org"}
    assert routed(Kind.CALLED, **both) == ["sms"]
    assert routed(Kind.BOOKED, **both) == ["email"]
    assert routed(Kind.BOOKED, phone_e164="+66812345678") == ["sms"]
    assert routed(Kind.CALLED, email="a@example.org") == ["email"]
    assert routed(Kind.SURVEY) == []
    assert routed(Kind.DELAY_NOTICE, **both) == ["sms", "email"]  # Section 10: by every channel given


def test_a_permanent_failure_falls_back_to_the_next_channel_in_the_kinds_order():
    both = {"phone_e164": "+66812345678", "email": "a@example.org"}
    registry = channels()
    assert registry.fallback(Kind.CALLED, "sms", both)[0].name == "email"
    assert registry.fallback(Kind.CALLED, "email", both) is None
    assert registry.fallback(Kind.BOOKED, "email", both)[0].name == "sms"
    assert registry.fallback(Kind.CALLED, "sms", {"phone_e164": "+66812345678"}) is None
    assert registry.fallback(Kind.DELAY_NOTICE, "sms", both) is None  # it went by both already


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("channel", channels().names())
@pytest.mark.parametrize("locale", ["th", "en"])
def test_every_registered_channel_renders_every_kind_in_thai_and_english(channel, kind, locale):
    rendered = render(facts(kind, locale), channel)

    assert rendered.text.strip()
    thai = any("\u0e00" <= ch <= "\u0e7f" for ch in rendered.text.replace("Khiw (คิว)", ""))
    assert thai == (locale == "th") or kind is Kind.CODE


def test_thai_text_costs_ucs2_segments():
    assert segments("ก" * 70) == 1 and segments("ก" * 71) == 2 and segments("a" * 160) == 1


def test_retries_back_off_with_jitter_and_give_up():
    policy = RetryPolicy(max_attempts=4, base_seconds=5, cap_seconds=60)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in (1, 2, 3, 4, 5, 6)]

    assert 2.5 <= delays[0] <= 5 and 5 <= delays[1] <= 10 and 10 <= delays[2] <= 20
    assert all(30 <= d <= 60 for d in delays[4:])  # capped
    assert len({round(policy.delay(3, rng), 6) for _ in range(5)}) == 5  # jittered
    assert policy.gives_up(4, permanent=False) and not policy.gives_up(3, permanent=False)
    assert policy.gives_up(1, permanent=True)


# --- messages that say where (issue 17) ---------------------------------------------------


def test_the_survey_invitation_by_sms_names_the_way_that_works_for_that_citizen():
    linked = render(facts(Kind.SURVEY), "sms", links_allowed=True).text
    walk_in = render(facts(Kind.SURVEY, booking_channel="walk_in"), "sms").text
    booked = render(facts(Kind.SURVEY), "sms").text
    english = render(facts(Kind.SURVEY, "en"), "sms").text

    assert linked.endswith("https://khiw.example/b/TOKEN/survey")
    assert "QR บนบัตรคิว" in walk_in and "find" not in walk_in
    assert "khiw.example/find" in booked and "W012" in booked and "https://" not in booked
    assert "khiw.example/find" in english and "W012" in english


def test_the_booking_sms_says_how_to_find_the_booking_again():
    assert "khiw.example/find" in render(facts(Kind.BOOKED), "sms").text
    assert "khiw.example/find" in render(facts(Kind.BOOKED, "en"), "sms").text
    assert render(facts(Kind.BOOKED), "sms", links_allowed=True).text.endswith("https://khiw.example/b/TOKEN")


def test_the_complaint_sms_names_the_page_that_finds_it():
    from notifier.complaints import ComplaintFacts

    complaint = ComplaintFacts(kind="complaint_received", locale="th", office_th="ที่ว่าการอำเภอป่าซาง",
                               office_en="Pa Sang", reference="C-7K2M", status="received",
                               status_url="https://khiw.example/c/TOKEN", find_url="https://khiw.example/c/find")
    text = render(complaint, "sms").text
    assert "khiw.example/c/find" in text and "C-7K2M" in text and segments(text) == 1


def test_every_message_text_comes_from_the_catalogue(monkeypatch):
    from notifier import i18n

    class Marked:
        def gettext(self, source):
            return "«" + source + "»"

    monkeypatch.setattr(i18n, "catalogue", lambda locale: Marked())
    for kind in Kind:
        for channel in channels().names():
            rendered = render(facts(kind), channel)
            for paragraph in rendered.text.split("\n\n")[:1]:
                assert "«" in paragraph, (kind, channel, paragraph)
