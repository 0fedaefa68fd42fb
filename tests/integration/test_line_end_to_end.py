"""LINE end to end against the stand-in, with a dispatcher running as in production: LINE's
verify call, linking a booking by its code, then booked → turn near → your turn → survey by
push, and the fall back to SMS for a citizen who blocked the account."""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import unquote

import pytest

from app.jobs.dispatch import Dispatcher
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from tests.factories import add_clerk, make_office, web_booking
from tests.support.line_api import BASIC_ID, PUSH, REPLY, FakeLine, event, line_config, signed, user_id, webhook_body

pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def line_api():
    server = FakeLine().start()
    yield server
    server.stop()


@pytest.fixture
def running_dispatcher(app, providers, line_api):
    app.config.update(line_config(line_api))
    line_api.reset()
    stop = threading.Event()
    thread = threading.Thread(target=Dispatcher(app).run, args=(stop,), daemon=True)
    thread.start()
    yield (*providers, line_api)
    stop.set()
    thread.join(timeout=10)


def send_to_webhook(client, *events):
    body = webhook_body(*events)
    return client.post(
        "/webhooks/line", data=body, headers={"Content-Type": "application/json", "X-Line-Signature": signed(body)}
    )


def follow_on_line(client, token: str, user: str) -> None:
    """What the citizen does: open the status page, tap "Follow on LINE", send the code."""
    page = client.get(f"/b/{token}").get_data(as_text=True)
    code = unquote(re.search(r'href="https://line\.me/R/oaMessage/[^/"]+/\?([^"]+)"', page)[1])
    assert send_to_webhook(client, event("message", user, text=code)).status_code == 200


def pushes_to(line, user: str, count: int, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r for r in line.accepted(PUSH) if r["body"]["to"] == user]
        if len(found) >= count:
            return found
        time.sleep(0.02)
    return [r for r in line.accepted(PUSH) if r["body"]["to"] == user]


def sms_saying(twilio, words: str, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r for r in twilio.delivered() if words in r["form"]["Body"]]
        if found:
            return found
        time.sleep(0.02)
    return []


def card(push: dict) -> tuple[str, list[str], str | None]:
    """(preview, texts of the card, the button's address) of a pushed Flex message."""
    [flex] = push["body"]["messages"]
    texts = [c["text"] for c in flex["contents"]["body"]["contents"]]
    footer = flex["contents"].get("footer")
    return flex["altText"], texts, footer["contents"][0]["action"]["uri"] if footer else None


def test_a_visit_followed_on_line_and_a_blocked_account_falling_back_to_sms(app, client, running_dispatcher):
    from app.extensions import db

    inbox, twilio, line = running_dispatcher
    office = make_office()
    register_kiosk(office, "Front door", "front-door-key-123")
    db.session.commit()
    clerk = add_clerk("somsri", office.id)
    web_counter = next(c for c in office_rules(office.code).counters if c.number == 2)
    somchai, blocked = user_id(1), user_id(2)

    # LINE's verify call.
    assert send_to_webhook(client).status_code == 200

    # Two people book the same window; the first (no e-mail) follows on LINE, then blocks the account.
    first = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="10:30",
                                                             serial=1, phone="0812345671")).json  # fmt: skip
    follow_on_line(client, first["token"], blocked)
    line.block(blocked)
    # Somchai books with a phone and an e-mail: the confirmation comes by e-mail (LINE is not linked yet).
    booked = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="10:30",
                         serial=2, phone="0812345678", email="somchai@example.org")).json  # fmt: skip
    [mail] = inbox.wait_for(1)
    assert booked["number"] in mail["Subject"]
    # The e-mail offers "Follow on LINE" with the same one-time code as the status page.
    text = mail.get_body(("plain",)).get_content()
    mailed = re.search(rf"ติดตามคิวทาง LINE: (https://line\.me/R/oaMessage/{BASIC_ID}/\?(KHIW-\S+))", text)
    page = client.get(f"/b/{booked['token']}").get_data(as_text=True)
    assert mailed and f'href="{mailed[1]}"' in page
    assert f'href="{mailed[1]}"' in mail.get_body(("html",)).get_content()

    # Linked by the e-mail's code: the reply (free) says the number and the status link; the booking card by push.
    assert send_to_webhook(client, event("message", somchai, text=unquote(mailed[2]))).status_code == 200
    reply = [r for r in line.wait_for(2, REPLY) if booked["number"] in r["body"]["messages"][0]["text"]]
    assert reply and f"/b/{booked['token']}" in reply[0]["body"]["messages"][0]["text"]
    [confirmation] = pushes_to(line, somchai, 1)
    preview, texts, link = card(confirmation)
    assert preview == f"จองแล้ว: {booked['number']}" and booked["number"] in texts
    assert link == f"http://localhost/b/{booked['token']}"

    # Both check in; the first is called: LINE refuses (blocked) and "your turn" goes by SMS instead.
    for token in (first["token"], booked["token"]):
        response = client.post(f"/api/v1/offices/{office.code}/check-ins", json={"token": token},
                               headers={"X-Kiosk-Key": "front-door-key-123"})  # fmt: skip
        assert response.json["status"] == "waiting"
    assert client.post(f"/api/v1/counters/{web_counter.id}/call-next", headers=clerk).json["number"] == first["number"]
    [fallback] = sms_saying(twilio, "ถึงคิว")
    assert fallback["form"]["To"] == "+66812345671" and first["number"] in fallback["form"]["Body"]
    assert not [r for r in line.accepted(PUSH) if r["body"]["to"] == blocked]

    # Somchai is next: "your turn is near" by push.
    near = pushes_to(line, somchai, 2)[1]
    preview, texts, _ = card(near)
    assert preview == f"ใกล้ถึงคิวของท่านแล้ว: {booked['number']}"
    assert "คิวถัดไปคือคิวของท่าน กรุณามารอใกล้ช่องบริการ" in texts

    # Called: "your turn" reaches LINE within 2 seconds, the counter in large type.
    for token in (first["token"],):
        client.post(f"/api/v1/tickets/{token}/start", headers=clerk)
        client.post(f"/api/v1/tickets/{token}/done", headers=clerk)
    called_at = time.monotonic()
    assert client.post(f"/api/v1/counters/{web_counter.id}/call-next", headers=clerk).json["number"] == booked["number"]
    your_turn = pushes_to(line, somchai, 3)[2]
    latency = line.arrived_at[line.requests.index(your_turn)] - called_at
    preview, texts, _ = card(your_turn)
    assert preview.startswith(f"ถึงคิวของท่านแล้ว: {booked['number']} → ") and latency < 2.0

    # Served and done: the survey invitation by push, its button opening the survey.
    for step in ("start", "done"):
        assert client.post(f"/api/v1/tickets/{booked['token']}/{step}", headers=clerk).status_code == 200
    survey = pushes_to(line, somchai, 4)[3]
    preview, texts, link = card(survey)
    assert "ขอบคุณที่ใช้บริการ" in preview and link == f"http://localhost/b/{booked['token']}/survey"

    # Nothing for Somchai went by SMS once he followed on LINE; the report counts both channels.
    assert not [r for r in twilio.delivered() if r["form"]["To"] == "+66812345678"]
    # The blocked account refused three (booked, called, survey: each fell back to SMS).
    # SMS: the first person's booking (before linking), then the three LINE refused.
    head = add_clerk("head", office.id, role="head")
    expected = ({"sent": 4, "failed": 3, "delivered_pct": 57.1}, 4, 1)
    deadline = time.monotonic() + 10
    while True:  # a stand-in has a message a moment before the dispatcher records how it went
        messages = client.get(f"/api/v1/offices/{office.code}/report?from=2026-11-23&to=2026-11-23",
                              headers=head).json["messages"]  # fmt: skip
        counted = (messages["line"], messages["sms"]["sent"], messages["email"]["sent"])
        if counted == expected or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert counted == expected
