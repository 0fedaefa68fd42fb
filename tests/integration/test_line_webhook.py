"""LINE's webhook and linking a booking by its one-time code, against the stand-in LINE API."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Booking, LineWebhookEvent
from tests.factories import make_office, web_booking
from tests.support.line_api import (
    BASIC_ID,
    REPLY,
    FakeLine,
    event,
    line_config,
    signed,
    user_id,
    webhook_body,
)


@pytest.fixture(scope="session")
def line_api():
    server = FakeLine().start()
    yield server
    server.stop()


@pytest.fixture
def line(app, line_api):
    app.config.update(line_config(line_api))
    line_api.reset()
    return line_api


def post_events(client, *events, signature=None, body=None):
    body = body if body is not None else webhook_body(*events)
    return client.post(
        "/webhooks/line",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": signed(body) if signature is None else signature,
        },
    )


def book(client, office, *, locale="th", serial=0) -> str:
    headers = {"Accept-Language": "en"} if locale == "en" else {}
    payload = web_booking(office.code, date="2026-11-24", serial=serial)
    response = client.post("/api/v1/bookings", json=payload, headers=headers)
    assert response.status_code == 201, response.json
    return response.json["token"]


def follow_link(client, token: str, lang: str = "th") -> str:
    """The code the status page's "Follow on LINE" link carries."""
    page = client.get(f"/b/{token}?lang={lang}").get_data(as_text=True)
    match = re.search(r'href="https://line\.me/R/oaMessage/([^/"]+)/\?([^"]+)"', page)
    assert match, "the status page offers no LINE link"
    assert unquote(match[1]) == BASIC_ID
    return unquote(match[2])


def linked_user() -> list[str]:
    """The LINE users following any booking."""
    db.session.expire_all()
    return [u for u in db.session.scalars(select(Booking.line_user_id)).all() if u]


def test_the_verify_call_with_no_events_gets_200(client, line):
    assert post_events(client).status_code == 200


def test_a_forged_call_gets_400_and_links_nothing(client, line):
    office = make_office()
    token = book(client, office)
    code = follow_link(client, token)
    body = webhook_body(event("message", user_id(1), text=code))

    assert post_events(client, body=body, signature=signed(body, "another-secret")).status_code == 400
    assert post_events(client, body=body, signature="").status_code == 400
    assert client.post("/webhooks/line", data=body, headers={"Content-Type": "application/json"}).status_code == 400
    assert linked_user() == [] and db.session.scalars(select(LineWebhookEvent)).all() == []
    assert line.accepted(REPLY) == []


def test_a_signed_body_that_is_not_an_event_list_is_a_400(client, line):
    for body in (b"not json", b'{"events": {}}', b"[]"):
        assert post_events(client, body=body).status_code == 400


def test_without_line_settings_there_is_no_webhook_and_no_offer(client, app):
    office = make_office()
    token = book(client, office)
    body = webhook_body()
    assert post_events(client, body=body).status_code == 404
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "line.me" not in page and "LINE" not in page


def test_sending_the_code_links_the_booking_and_replies_in_thai_with_the_number(client, line):
    office = make_office()
    token = book(client, office)
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "ติดตามคิวทาง LINE" in page and "line-qr.png" in page
    code = follow_link(client, token)

    assert post_events(client, event("message", user_id(1), text=code)).status_code == 200

    assert linked_user() == [user_id(1)]
    reply = line.wait_for(1, REPLY)[0]["body"]
    text = reply["messages"][0]["text"]
    assert "W001" in text and "ท่านจะได้รับข่าวคิว" in text and f"http://localhost/b/{token}" in text
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "ติดตามคิวทาง LINE แล้ว" in page and "oaMessage" not in page


def test_the_reply_is_in_english_for_an_english_booking(client, line):
    office = make_office()
    token = book(client, office, locale="en")
    code = follow_link(client, token, "en")
    post_events(client, event("message", user_id(2), text=f"  {code.lower()} "))
    text = line.wait_for(1, REPLY)[0]["body"]["messages"][0]["text"]
    assert "You will get your queue updates here" in text and "W001" in text


def test_a_code_works_once_and_a_wrong_code_gets_a_polite_reply(client, line):
    office = make_office()
    token = book(client, office)
    code = follow_link(client, token)
    post_events(client, event("message", user_id(1), text=code))
    post_events(client, event("message", user_id(3), text=code))  # the same code again, another user
    post_events(client, event("message", user_id(3), text=code[:-1] + ("A" if code[-1] != "A" else "B")))

    assert linked_user() == [user_id(1)]
    replies = [r["body"]["messages"][0]["text"] for r in line.wait_for(3, REPLY)]
    assert all("ขออภัย รหัสนี้ใช้ไม่ได้" in r and "Sorry, this code does not work" in r for r in replies[1:])


def test_a_redelivered_event_is_handled_once(client, line):
    office = make_office()
    token = book(client, office)
    code = follow_link(client, token)
    once = event("message", user_id(1), text=code)
    post_events(client, once)
    again = dict(once, deliveryContext={"isRedelivery": True})
    assert post_events(client, again).status_code == 200

    assert len(line.wait_for(2, REPLY, timeout=0.5)) == 1  # answered once, not "code already used"
    assert linked_user() == [user_id(1)]


def test_unfollow_unbinds_and_the_page_offers_a_new_code(client, line):
    office = make_office()
    token = book(client, office)
    first = follow_link(client, token)
    post_events(client, event("message", user_id(1), text=first))
    post_events(client, event("unfollow", user_id(1)))

    assert linked_user() == []
    second = follow_link(client, token)
    assert second != first
    post_events(client, event("message", user_id(1), text=second))
    assert linked_user() == [user_id(1)]


def test_a_follow_gets_a_welcome_that_says_how_to_link(client, line):
    post_events(client, event("follow", user_id(4)))
    text = line.wait_for(1, REPLY)[0]["body"]["messages"][0]["text"]
    assert "ยินดีต้อนรับ" in text and "Welcome to Khiw" in text


def test_a_code_ends_with_its_booking(client, line, clock):
    office = make_office()
    token = book(client, office)
    code = follow_link(client, token)
    client.delete(f"/api/v1/bookings/{token}")

    assert "oaMessage" not in client.get(f"/b/{token}").get_data(as_text=True)
    post_events(client, event("message", user_id(1), text=code))
    assert linked_user() == []
    assert "Sorry, this code does not work" in line.wait_for(1, REPLY)[0]["body"]["messages"][0]["text"]


def test_the_follow_qr_is_drawn_by_khiw_and_not_kept(client, line):
    office = make_office()
    token = book(client, office)
    response = client.get(f"/b/{token}/line-qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in response.headers["Cache-Control"]
    assert client.get("/b/no-such-token-here-000/line-qr.png").status_code == 404


def test_plain_chat_that_is_no_code_gets_no_reply(client, line):
    post_events(client, event("message", user_id(5), text="สวัสดีครับ"))
    assert line.wait_for(1, REPLY, timeout=0.3) == []


def test_the_purge_erases_the_line_user_with_the_phone_number(client, line, clock):
    from datetime import timedelta

    from app.services import retention

    office = make_office()
    token = book(client, office)
    post_events(client, event("message", user_id(1), text=follow_link(client, token)))

    kept = retention.purge_personal_data(now=clock.now + timedelta(days=91), retention_days=90)
    assert kept.line_links == 0 and linked_user() == [user_id(1)]
    purged = retention.purge_personal_data(now=clock.now + timedelta(days=92), retention_days=90)
    assert purged.line_links == 1 and purged.bookings == 1 and linked_user() == []
    assert db.session.scalars(select(LineWebhookEvent)).all() == []  # a week on, LINE redelivers no more


def test_a_head_sees_whether_line_is_connected_and_the_webhook_address(client, app, line_api):
    from tests.integration.test_admin_pages import sign_in, staffed_offices

    staffed_offices()
    sign_in(client, "head")
    page = client.get("/admin/pa-sang/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "LINE Official Account" in page and "Not set up" in page

    app.config.update(line_config(line_api))
    page = client.get("/admin/pa-sang/").get_data(as_text=True)
    assert "เชื่อมต่อแล้ว: @khiwtest" in page and "http://localhost/webhooks/line" in page


def test_a_linked_booking_s_messages_go_by_line_and_after_unfollow_by_sms_again(client, line, clock):
    from app.domain.status import Status
    from tests.integration.notifications_support import move, outbox_rows

    office = make_office()
    booking = client.post(
        "/api/v1/bookings", json=web_booking(office.code, date="2026-11-23", slot="10:30", phone="0812345678")
    ).json
    assert [(r.kind, r.channel) for r in outbox_rows()] == [("booked", "sms")]
    post_events(client, event("message", user_id(1), text=follow_link(client, booking["token"])))
    # The confirmation again, now as a LINE card; then "your turn" by LINE.
    move(booking["token"], Status.WAITING, Status.CALLED, now=clock.now)
    assert [(r.kind, r.channel, r.recipient) for r in outbox_rows()][1:] == [
        ("booked", "line", user_id(1)), ("called", "line", user_id(1)),
    ]  # fmt: skip

    post_events(client, event("unfollow", user_id(1)))
    move(booking["token"], Status.SERVING, Status.DONE, now=clock.now)
    assert [(r.kind, r.channel) for r in outbox_rows()][-1] == ("survey", "sms")


def test_a_walk_in_follows_on_line_from_the_page_its_ticket_s_qr_opens(client, line):
    from app.extensions import db as database
    from app.services.auth import register_kiosk

    office = make_office()
    register_kiosk(office, "Front door", "front-door-key-123")
    database.session.commit()
    ticket = client.post(f"/api/v1/offices/{office.code}/tickets", json={"service": "id-card"},
                         headers={"X-Kiosk-Key": "front-door-key-123"}).json  # fmt: skip
    assert ticket["status"] == "waiting" and ticket["status_url"].endswith(f"/b/{ticket['token']}")

    post_events(client, event("message", user_id(6), text=follow_link(client, ticket["token"])))

    assert linked_user() == [user_id(6)]
    assert ticket["number"] in line.wait_for(1, REPLY)[0]["body"]["messages"][0]["text"]
