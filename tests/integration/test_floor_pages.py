"""The kiosk, counter console and display board pages (the browser tests in tests/web
drive them for real; these check what the server answers)."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Booking, Staff
from app.services.auth import register_kiosk
from tests.factories import make_office

PASSWORD_HASH = generate_password_hash("correct horse battery")  # once: hashing is slow on purpose
KEY = "door-key-123456"


@pytest.fixture
def office(app):
    office = make_office()
    register_kiosk(office, "Door", KEY)
    db.session.add(Staff(username="somchai", password_hash=PASSWORD_HASH, display_name="สมชาย", role="clerk",
                         office_id=office.id))  # fmt: skip
    db.session.commit()
    return office


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, password="correct horse battery"):
    page = client.get("/counter/login").get_data(as_text=True)
    return client.post("/counter/login", data={"username": "somchai", "password": password, "csrf_token": csrf(page)})


def issue(client, office):
    return client.post(
        f"/api/v1/offices/{office.code}/tickets", json={"service": "id-card"}, headers={"X-Kiosk-Key": KEY}
    ).json


def test_the_kiosk_page_offers_the_offices_services_and_the_priority_groups(client, office):
    page = client.get(f"/kiosk/{office.code}").get_data(as_text=True)
    assert "ทำบัตรประจำตัวประชาชน" in page and 'data-priority="elderly"' in page and "<style" not in page
    assert client.get("/kiosk/nowhere").status_code == 404


def test_the_console_needs_a_sign_in_and_refuses_a_wrong_password(client, office):
    assert client.get("/counter/").status_code == 302
    wrong = sign_in(client, password="wrong password!")
    assert wrong.status_code == 200 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)


def test_a_clerk_signs_in_chooses_a_counter_and_calls_the_next_ticket(client, office):
    issue(client, office)
    assert sign_in(client).status_code == 302
    choose = client.get("/counter/").get_data(as_text=True)
    counter_url = re.search(r'href="(/counter/\d+)"', choose).group(1)
    console = client.get(counter_url).get_data(as_text=True)
    assert "A001" in console

    called = client.post(f"{counter_url}/call-next", data={"csrf_token": csrf(console)})
    assert called.status_code == 302
    assert 'id="current-number">A001' in client.get(counter_url).get_data(as_text=True)
    event = db.session.query(Booking).one().events[-1]
    assert (event.to_status, event.actor) == ("called", "staff:somchai")


def test_the_console_names_channels_as_a_clerk_reads_them(client, office):
    issue(client, office)
    sign_in(client)
    counter_urls = re.findall(r'href="(/counter/\d+)"', client.get("/counter/").get_data(as_text=True))
    pages = [client.get(url).get_data(as_text=True) for url in counter_urls]

    others = [p for p in pages if "ช่องทางอื่น" in p or "Other channels" in p]
    assert others, "a counter of one channel shows how many wait in the others"
    assert all("walk_in" not in p.split('class="others"')[-1] for p in others)
    assert any("คิวหน้างาน" in p for p in others)


def test_a_console_action_without_the_csrf_token_changes_nothing(client, office):
    issue(client, office)
    sign_in(client)
    counter_url = re.search(r'href="(/counter/\d+)"', client.get("/counter/").get_data(as_text=True)).group(1)
    client.post(f"{counter_url}/call-next", data={})
    assert db.session.query(Booking).one().status == "waiting"


def test_a_clerk_cannot_open_another_offices_counter(client, office):
    from app.services.office_rules import office_rules

    other = make_office()
    sign_in(client)
    response = client.get(f"/counter/{office_rules(other.code).counters[0].id}")
    assert response.status_code == 403 and "สำนักงานอื่น" in response.get_data(as_text=True)


def test_the_board_page_and_its_sound_clips_are_served_by_khiw(client, office):
    page = client.get(f"/display/{office.code}").get_data(as_text=True)
    clips = re.findall(r'data-clip-[a-z0-9-]+="([^"]+)"', page)
    assert len(clips) == 15
    assert all(client.get(clip).status_code == 200 for clip in clips)
    assert "https://" not in page and "http://" not in page  # every asset served by Khiw


def test_the_printable_ticket_and_its_picture(client, office):
    issued = issue(client, office)
    picture = client.get(f"/kiosk/{office.code}/tickets/{issued['token']}.png")
    page = client.get(f"/kiosk/{office.code}/tickets/{issued['token']}/print").get_data(as_text=True)
    assert picture.mimetype == "image/png" and picture.data.startswith(b"\x89PNG")
    assert issued["number"] in page and "<svg" in page
