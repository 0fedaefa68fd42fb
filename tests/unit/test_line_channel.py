"""LINE as a channel: its settings, the Messaging API backend (the real SDK against the strict
stand-in), the Flex messages in Thai and English for every kind, link codes, and that a
LINE user id never shows in a log or the console."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.domain import line_link
from app.domain.status import Status
from app.links import line_follow_url
from config import ConfigError, settings_from_env
from notifier.backends.base import DeliveryFailed, Outgoing
from notifier.backends.console import ConsoleBackend
from notifier.backends.line import (
    LineBackend,
    LineConsoleBackend,
    is_permanent,
    line_backend,
    retry_key,
    valid_signature,
)
from notifier.channel import RenderOptions
from notifier.channels import line as line_texts
from notifier.channels.email import render as render_email
from notifier.messages import Facts, Kind
from notifier.redact import scrub
from tests.support.line_api import ACCESS_TOKEN, CHANNEL_SECRET, PUSH, FakeLine, signed, user_id

ROOT = Path(__file__).resolve().parents[2]
KEY = b"test-key-for-line-codes"
BOOKING_KINDS = [Kind.BOOKED, Kind.REMINDER, Kind.TURN_NEAR, Kind.CALLED, Kind.NO_SHOW, Kind.CANCELLED,
                 Kind.SURVEY, Kind.OFFICE_CLOSED]  # fmt: skip


@pytest.fixture(scope="module")
def line_api():
    server = FakeLine().start()
    yield server
    server.stop()


@pytest.fixture
def api(line_api):
    line_api.reset()
    return line_api


def facts(kind: Kind, locale: str = "th", **extra) -> Facts:
    values = dict(
        kind=kind.value, locale=locale, number="W012", office_th="ที่ว่าการอำเภอป่าซาง",
        office_en="Pa Sang District Office",
        service_th="บัตรประชาชน", service_en="ID card", day="2026-12-01", slot_start="09:00", slot_end="09:30",
        counter_th="ช่องบริการ 3", counter_en="Counter 3", people_ahead=2,
        status_url="http://khiw.test/b/tok", survey_url="http://khiw.test/b/tok/survey",
    )  # fmt: skip
    values.update(extra)
    return Facts(**values)


def outgoing(to: str, kind: Kind = Kind.CALLED, key: str = "booking:1:called:line") -> Outgoing:
    rendered = line_texts.render_line(facts(kind))
    return Outgoing(key=key, channel="line", to=to, text=rendered.text, subject=rendered.subject,
                    data=rendered.data, tag=kind.value)  # fmt: skip


# --- settings ----------------------------------------------------------------------------


def test_no_line_setting_means_no_line(tmp_path):
    config = settings_from_env({}, tmp_path)
    assert config["LINE_ENABLED"] is False and line_backend(config) is None


def test_line_settings_must_come_together_and_the_error_names_what_is_missing(tmp_path):
    with pytest.raises(ConfigError, match="LINE needs LINE_BASIC_ID, LINE_CHANNEL_ACCESS_TOKEN as well"):
        settings_from_env({"LINE_CHANNEL_SECRET": "s"}, tmp_path)
    with pytest.raises(ConfigError, match="LINE_BASIC_ID must be the account's basic ID"):
        settings_from_env(
            {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_BASIC_ID": "khiw"}, tmp_path
        )
    config = settings_from_env(
        {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_BASIC_ID": "@Khiw123"}, tmp_path
    )
    assert config["LINE_ENABLED"] and config["LINE_BASIC_ID"] == "@khiw123"
    assert config["LINE_API_URL"] == "https://api.line.me"
    assert isinstance(line_backend(config), LineBackend)


def test_the_console_backend_needs_no_access_token(tmp_path):
    config = settings_from_env(
        {"LINE_BACKEND": "console", "LINE_CHANNEL_SECRET": "s", "LINE_BASIC_ID": "@khiw123"}, tmp_path
    )
    assert isinstance(line_backend(config), LineConsoleBackend)


# --- the backend against the stand-in ----------------------------------------------------


def test_a_push_reaches_the_api_with_the_bearer_token_a_retry_key_and_the_flex_message(api):
    sent = LineBackend(access_token=ACCESS_TOKEN, api_url=api.url).send(outgoing(user_id(1)))

    [request] = api.accepted(PUSH)
    body = request["body"]
    assert body["to"] == user_id(1) and request["retry_key"] == retry_key("booking:1:called:line") == sent.provider_id
    [flex] = body["messages"]
    assert flex["type"] == "flex" and "W012" in flex["altText"]
    texts = [c["text"] for c in flex["contents"]["body"]["contents"]]
    assert "W012" in texts and "ช่องบริการ 3" in texts


def test_a_retried_push_that_line_already_took_counts_as_sent_not_twice(api):
    backend = LineBackend(access_token=ACCESS_TOKEN, api_url=api.url)
    backend.send(outgoing(user_id(1)))
    again = backend.send(outgoing(user_id(1)))  # LINE answers 409 to a known retry key
    assert again.status == "sent" and len(api.accepted(PUSH)) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_passing_failures(api, status):
    api.fail_next(1, status)
    with pytest.raises(DeliveryFailed) as failed:
        LineBackend(access_token=ACCESS_TOKEN, api_url=api.url).send(outgoing(user_id(1), key=f"k{status}"))
    assert failed.value.permanent is False and failed.value.code == str(status)


def test_a_user_who_blocked_the_account_is_a_permanent_failure(api):
    api.block(user_id(2))
    with pytest.raises(DeliveryFailed) as failed:
        LineBackend(access_token=ACCESS_TOKEN, api_url=api.url).send(outgoing(user_id(2)))
    assert failed.value.permanent is True and failed.value.code == "400"


def test_a_wrong_access_token_is_retried_once_it_is_fixed_not_dropped(api):
    with pytest.raises(DeliveryFailed) as failed:
        LineBackend(access_token="revoked", api_url=api.url).send(outgoing(user_id(1)))
    assert failed.value.permanent is False and failed.value.code == "401"


def test_an_unreachable_api_is_a_passing_failure():
    with pytest.raises(DeliveryFailed) as failed:
        LineBackend(access_token=ACCESS_TOKEN, api_url="http://127.0.0.1:9", timeout=1).send(outgoing(user_id(1)))
    assert failed.value.permanent is False


def test_something_that_is_no_line_user_id_is_refused_without_a_request(api):
    with pytest.raises(DeliveryFailed) as failed:
        LineBackend(access_token=ACCESS_TOKEN, api_url=api.url).send(outgoing("+66812345678"))
    assert failed.value.permanent and api.requests == []


def test_the_status_codes_read_as_line_documents_them():
    assert [is_permanent(s) for s in (400, 404, 401, 403, 409, 429, 500, 502, None)] == [
        True, True, False, False, False, False, False, False, False,
    ]  # fmt: skip


def test_the_webhook_signature_is_the_hmac_of_the_raw_body():
    body = b'{"events":[],"destination":"U0"}'
    assert valid_signature(CHANNEL_SECRET, body, signed(body))
    assert not valid_signature(CHANNEL_SECRET, body + b" ", signed(body))
    assert not valid_signature(CHANNEL_SECRET, body, None) and not valid_signature("", body, signed(body, ""))


# --- messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["th", "en"])
@pytest.mark.parametrize("kind", BOOKING_KINDS)
def test_every_kind_is_a_flex_bubble_with_the_number_large_and_a_link(kind, locale, api):
    rendered = line_texts.render_line(facts(kind, locale))
    flex = rendered.data
    body = flex["contents"]["body"]["contents"]
    number = next(c for c in body if c["text"] == "W012")
    assert number["size"] == "5xl" and number["weight"] == "bold"
    button = flex["contents"]["footer"]["contents"][0]["action"]
    expected = "http://khiw.test/b/tok/survey" if kind is Kind.SURVEY else "http://khiw.test/b/tok"
    assert button["uri"] == expected
    thai = bool(re.search(r"[\u0e00-\u0e7f]", rendered.subject + " ".join(c["text"] for c in body)))
    assert thai == (locale == "th"), rendered.subject
    # The stand-in takes it as LINE would (a Flex message with alt text, a valid user).
    LineBackend(access_token=ACCESS_TOKEN, api_url=api.url).send(
        Outgoing(key=f"{kind}:{locale}", channel="line", to=user_id(1), text=rendered.text, data=rendered.data)
    )
    assert len(api.accepted(PUSH)) == 1


def test_your_turn_names_the_counter_in_large_type_in_the_citizens_language():
    th = line_texts.render_line(facts(Kind.CALLED)).data
    en = line_texts.render_line(facts(Kind.CALLED, "en")).data
    assert th["altText"] == "ถึงคิวของท่านแล้ว: W012 → ช่องบริการ 3"
    assert en["altText"] == "It is your turn: W012 → Counter 3"
    counter = next(c for c in en["contents"]["body"]["contents"] if c["text"] == "Counter 3")
    assert counter["size"] == "xxl"


def test_turn_near_says_how_many_are_ahead_or_that_you_are_next():
    assert "อีก 2 คิวจะถึงคิวของท่าน" in line_texts.render_line(facts(Kind.TURN_NEAR)).text
    assert "You are next" in line_texts.render_line(facts(Kind.TURN_NEAR, "en", people_ahead=0)).text


def test_every_line_text_has_a_thai_translation_with_its_placeholders():
    with (ROOT / "app/translations/th/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    texts = [t for pair in line_texts.TEXTS.values() for t in pair]
    texts += [line_texts.NEXT_IN_LINE, line_texts.STATUS_BUTTON, line_texts.SURVEY_BUTTON, line_texts.NUMBER_LABEL,
              line_texts.PREVIEW, line_texts.PREVIEW_COUNTER, line_texts.LINKED, line_texts.WRONG_CODE,
              line_texts.WELCOME]  # fmt: skip
    placeholder = re.compile(r"%\((\w+)\)s")
    for text in texts:
        entry = catalogue.get(text)
        assert entry is not None and entry.string, f"no Thai for {text!r}"
        assert set(placeholder.findall(entry.string)) == set(placeholder.findall(text))


# --- link codes ---------------------------------------------------------------------------


def test_a_link_code_names_its_booking_and_works_for_one_generation_only():
    code = line_link.link_code(KEY, 12345, "token-a", 0)
    read = line_link.read_code(f"ติดตามคิว {code.lower()} ครับ")
    assert read.booking_id == 12345
    assert line_link.code_matches(KEY, read, "token-a", 0)
    assert not line_link.code_matches(KEY, read, "token-a", 1)  # used: the booking moved on
    assert not line_link.code_matches(KEY, read, "token-b", 0)
    assert not line_link.code_matches(b"another key", read, "token-a", 0)
    assert line_link.read_code("hello") is None and line_link.looks_like_code("khiw 123")


def test_a_code_works_only_while_the_booking_is_ahead():
    today = date(2026, 12, 1)
    assert line_link.can_link(Status.BOOKED, today, today)
    assert line_link.can_link(Status.WAITING, today, today)
    assert not line_link.can_link(Status.BOOKED, date(2026, 11, 30), today)
    for over in (Status.DONE, Status.CANCELLED, Status.NO_SHOW, Status.HELD):
        assert not line_link.can_link(over, today, today)


def test_the_follow_link_opens_a_chat_with_the_code_typed_in():
    assert line_follow_url("@khiw123", "KHIW-9-ABCDEFGH") == "https://line.me/R/oaMessage/@khiw123/?KHIW-9-ABCDEFGH"


def test_the_booked_email_offers_follow_on_line_in_the_citizens_language_and_nothing_else_does():
    link = line_follow_url("@khiw123", "KHIW-9-ABCDEFGH")
    base = dict(number="W012", office_th="สำนักงาน", office_en="Office", service_th="บัตร", service_en="ID card",
                day="2026-11-23", status_url="http://localhost/b/tok", line_url=link)  # fmt: skip
    thai = render_email(Facts(kind="booked", locale="th", **base), RenderOptions())
    english = render_email(Facts(kind="booked", locale="en", **base), RenderOptions())
    assert f"ติดตามคิวทาง LINE: {link}" in thai.text and f'href="{link}"' in thai.html
    assert f"Follow on LINE: {link}" in english.text and "send the code LINE fills in" in english.text
    # The status link stays first; a reminder (or a booking without the link) says nothing of LINE.
    assert english.text.index("See your booking") < english.text.index("Follow on LINE")
    reminder = render_email(Facts(kind="reminder", locale="en", **base), RenderOptions())
    plain = render_email(Facts(kind="booked", locale="en", **{**base, "line_url": None}), RenderOptions())
    assert "LINE" not in reminder.text and "LINE" not in plain.text and "LINE" not in plain.html


def test_a_link_code_never_shows_in_a_log_line_or_the_console():
    assert "ABCDEFGH" not in scrub("text https://line.me/R/oaMessage/@khiw123/?KHIW-9-ABCDEFGH sent")
    stream = io.StringIO()
    ConsoleBackend("email", stream).send(Outgoing(key="k", channel="email", to="s@example.org", subject="s",
                                                  text="Follow on LINE: https://line.me/R/oaMessage/@k/?KHIW-9-ABCDEFGH"))
    assert "KHIW-9-ABCDEFGH" not in stream.getvalue() and "KHIW-***" in stream.getvalue()


# --- personal data --------------------------------------------------------------------------


def test_a_line_user_id_never_shows_in_a_log_line():
    line = f"push to {user_id(7)} failed; token {user_id(8)[1:]}"
    assert user_id(7) not in scrub(line) and f"U***{user_id(7)[-4:]}" in scrub(line)


def test_the_console_backend_masks_the_user_id_and_the_links():
    stream = io.StringIO()
    LineConsoleBackend(stream).send(outgoing(user_id(3)))
    printed = stream.getvalue()
    assert user_id(3) not in printed and f"U***{user_id(3)[-4:]}" in printed
    assert "W012" in printed and "/b/tok" not in printed


def test_the_stand_in_refuses_what_line_would_refuse(api):
    import urllib.error
    import urllib.request

    def post(path, body, token=ACCESS_TOKEN, content_type="application/json"):
        request = urllib.request.Request(api.url + path, data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": content_type})  # fmt: skip
        try:
            return urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            return error.code

    good = json.dumps({"to": user_id(1), "messages": [{"type": "text", "text": "hi"}]}).encode()
    assert post("/v2/bot/message/push", good) == 200
    assert post("/v2/bot/message/pushes", good) == 404
    assert post("/v2/bot/message/push", good, token="other") == 401
    assert post("/v2/bot/message/push", b"{not json") == 400
    assert post("/v2/bot/message/push", good, content_type="text/plain") == 400
    assert post("/v2/bot/message/push", json.dumps({"to": "someone", "messages": []}).encode()) == 400
    assert len(api.accepted(PUSH)) == 1
