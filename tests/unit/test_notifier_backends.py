"""One conformance suite for every backend of every registered channel (``notifier.registry``):
``console`` and ``null`` for each, and each channel's real provider against a local stand-in
(smtp: a real SMTP server; twilio: the real SDK against a stand-in for Twilio's API).

A new channel adds an example address and a stand-in for its real backend here; a test
fails until it does, so no registered channel goes untested."""

from __future__ import annotations

import io

import pytest

from notifier.backends.base import DeliveryFailed, Outgoing
from notifier.backends.console import ConsoleBackend
from notifier.backends.sms_twilio import TwilioBackend, is_permanent, valid_signature
from notifier.backends.smtp import SmtpBackend
from notifier.channel import BackendContext
from notifier.registry import build_backends, channels
from tests.support.providers import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, SmtpInbox

THAI = "ถึงคิว W012 แล้ว เชิญที่ช่องบริการ 3"

#: A good address for each registered channel.
EXAMPLE_ADDRESS = {"sms": "+66812345678", "email": "somchai@example.org", "line": "U" + "0" * 32}


@pytest.fixture(scope="module")
def inbox():
    server = SmtpInbox().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def twilio():
    server = FakeTwilio().start()
    yield server
    server.stop()


def message(channel: str, to: str, key: str = "booking:1:called:sms", **extra) -> Outgoing:
    return Outgoing(key=key, channel=channel, to=to, text=THAI, subject="คิว W012", html="<p>คิว W012</p>", **extra)


class Case:
    """A backend, a good recipient, and how to read what arrived (None: nothing arrives)."""

    def __init__(self, backend, to, received=None):
        self.backend, self.to, self.received = backend, to, received


def smtp_stand_in(request):
    inbox = request.getfixturevalue("inbox")
    start = len(inbox.messages)
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": inbox.port, "MAIL_FROM": "Khiw <no-reply@khiw.test>",
              "SMTP_STARTTLS": False}  # fmt: skip
    return config, lambda: [m.get_body(("plain",)).get_content() for m in inbox.messages[start:]]


def twilio_stand_in(request):
    twilio = request.getfixturevalue("twilio")
    start = len(twilio.requests)
    config = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+15005550006",
              "TWILIO_API_URL": twilio.url}  # fmt: skip
    return config, lambda: [r["form"]["Body"] for r in twilio.requests[start:]]


@pytest.fixture(scope="module")
def line_api():
    from tests.support.line_api import FakeLine

    server = FakeLine().start()
    yield server
    server.stop()


def line_stand_in(request):
    from tests.support.line_api import line_config

    line = request.getfixturevalue("line_api")
    start = len(line.requests)
    texts = lambda: [m.get("text", "") for r in line.requests[start:] if r["accepted"] for m in r["body"]["messages"]]  # noqa: E731
    return line_config(line), texts


#: (channel, real backend) → its stand-in: the settings pointing at it, and what arrived.
STAND_INS = {("email", "smtp"): smtp_stand_in, ("sms", "twilio"): twilio_stand_in, ("line", "line"): line_stand_in}

BACKENDS = [(channel.name, name) for channel in channels() for name in channel.backend_names()]


def test_every_registered_channel_and_real_backend_is_in_the_suite():
    assert set(EXAMPLE_ADDRESS) == set(channels().names())
    real = {(c.name, name) for c in channels() for name in c.backends}
    assert real == set(STAND_INS)


@pytest.fixture(params=BACKENDS, ids=[f"{c}-{b}" for c, b in BACKENDS])
def case(request):
    channel_name, backend_name = request.param
    channel = channels().get(channel_name)
    config, received = {channel.setting: backend_name}, None
    stream = io.StringIO()
    if backend_name in channel.backends:
        settings, received = STAND_INS[request.param](request)
        config.update(settings)
    backend = channel.build_backend(config, BackendContext(webhooks_url="https://khiw.example/webhooks"))
    if backend_name == "console":
        backend.inner._stream = stream
        received = lambda: [stream.getvalue()]  # noqa: E731
    return Case(backend, EXAMPLE_ADDRESS[channel_name], received)


def test_a_backend_returns_a_distinct_provider_id_for_each_message(case):
    channel = case.backend.channel
    first = case.backend.send(message(channel, case.to, key="k1"))
    second = case.backend.send(message(channel, case.to, key="k2"))

    assert first.provider_id and second.provider_id and first.provider_id != second.provider_id


def test_thai_text_arrives_unchanged(case):
    case.backend.send(message(case.backend.channel, case.to))

    if case.received is not None:
        assert any(THAI in text for text in case.received())


def test_a_malformed_recipient_is_a_permanent_failure(case):
    with pytest.raises(DeliveryFailed) as failed:
        case.backend.send(message(case.backend.channel, "0812345678 (home)"))
    assert failed.value.permanent


def test_the_console_masks_the_recipient_and_prints_no_link_token(case):
    if case.backend.name != "console":
        pytest.skip("only the console prints")
    link = "https://k.example/b/" + "T" * 30
    case.backend.send(Outgoing(key="k", channel=case.backend.channel, to=case.to, text=link))

    printed = case.received()[0]
    assert case.to not in printed and case.to[-4:] in printed and "T" * 30 not in printed


def test_the_console_masks_the_recipient():
    stream = io.StringIO()
    ConsoleBackend("sms", stream).send(message("sms", "+66812345678"))
    assert "08x-xxx-5678" in stream.getvalue() and "812345678" not in stream.getvalue()


def test_smtp_sends_a_plain_and_an_html_part_with_a_message_id_from_the_key(inbox):
    backend = SmtpBackend(host="127.0.0.1", port=inbox.port, mail_from="Khiw <no-reply@khiw.test>", starttls=False)
    backend.send(message("email", "somchai@example.org", key="booking:7:booked:email"))
    backend.send(message("email", "somchai@example.org", key="booking:7:booked:email"))

    first, again = inbox.messages[-2:]
    assert first["Message-ID"] == again["Message-ID"] and first["Message-ID"].endswith("@khiw.test>")
    assert first.get_body(("html",)).get_content().strip() == "<p>คิว W012</p>"
    assert first["To"] == "somchai@example.org" and first["Subject"] == "คิว W012"


def test_an_unreachable_smtp_server_is_a_passing_failure():
    backend = SmtpBackend(host="127.0.0.1", port=1, mail_from="k@khiw.test", starttls=False, timeout=2)
    with pytest.raises(DeliveryFailed) as failed:
        backend.send(message("email", "a@example.org"))
    assert not failed.value.permanent


def test_twilio_receives_the_request_it_expects(twilio):
    backend = TwilioBackend(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_="+15005550006", api_url=twilio.url,
                            status_callback="https://khiw.example/webhooks/twilio/status")  # fmt: skip
    sent = backend.send(message("sms", "+66812345678", validity_seconds=300))

    request = twilio.requests[-1]
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["auth"].startswith("Basic ")
    assert request["form"] == {"To": "+66812345678", "From": "+15005550006", "Body": THAI, "ValidityPeriod": "300",
                               "StatusCallback": "https://khiw.example/webhooks/twilio/status"}  # fmt: skip
    assert sent.provider_id.startswith("SM") and sent.status == "queued"


@pytest.mark.parametrize(("status", "code", "permanent"), [(400, 21211, True), (400, 21614, True), (429, 20429, False),
                                                           (503, 20503, False), (401, 20003, False)])  # fmt: skip
def test_twilio_errors_are_permanent_only_when_the_recipient_cannot_get_the_message(twilio, status, code, permanent):
    backend = TwilioBackend(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_="+15005550006", api_url=twilio.url)
    twilio.fail_next(1, status, code)
    with pytest.raises(DeliveryFailed) as failed:
        backend.send(message("sms", "+66812345678"))
    assert (failed.value.permanent, failed.value.code) == (permanent, str(code))


def test_delivery_receipt_codes_that_mean_a_dead_number_are_permanent():
    assert is_permanent(30006) and is_permanent(30003) and not is_permanent(30001) and not is_permanent(None)


def test_a_twilio_signature_is_checked():
    from twilio.request_validator import RequestValidator

    url, params = "https://khiw.example/webhooks/twilio/status", {"MessageSid": "SM1", "MessageStatus": "delivered"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)

    assert valid_signature(AUTH_TOKEN, url, params, signature)
    assert not valid_signature(AUTH_TOKEN, url, {**params, "MessageStatus": "failed"}, signature)
    assert not valid_signature(AUTH_TOKEN, url, params, None)


def test_backends_are_chosen_by_name():
    backends = build_backends({"EMAIL_BACKEND": "null", "SMS_BACKEND": "console"})
    assert (backends.for_channel("email").name, backends.for_channel("sms").name) == ("null", "console")
    with pytest.raises(ValueError, match="SMS_BACKEND"):
        build_backends({"SMS_BACKEND": "carrier-pigeon"})


def test_every_channel_defaults_to_the_console():
    backends = build_backends({})
    assert {backends.for_channel(name).name for name in channels().names()} == {"console"}
