"""Staff sign-in (issue 21, issue 19 §4): sessions that end, lockouts nobody can cause,
passwords that follow the policy, every sign-in audited.

Each session test replays a copy of the cookie taken while it was good, as an attacker who
copied it from another browser would: it must be refused (sent to the sign-in page).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db, limiter
from app.models import AuditEntry, OutboxMessage, Staff, StaffSession, StaffToken
from notifier.messages import Facts
from notifier.registry import render
from tests.factories import make_office

PASSWORD = "a long staff passphrase"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # once: hashing is slow on purpose


@pytest.fixture
def office(app):
    office = make_office(code="pa-sang")
    for username, role, email in (("head", "head", None), ("clerk", "clerk", "clerk@pasang.go.th")):
        db.session.add(Staff(username=username, password_hash=PASSWORD_HASH, display_name=username, role=role,
                             office_id=office.id, email=email))  # fmt: skip
    db.session.commit()
    return office


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(client, username="clerk", password=PASSWORD, page="/counter/login", address="127.0.0.1"):
    token = csrf(client.get(page).get_data(as_text=True))
    return client.post(page, data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def post(client, url, data=None, page="/counter/"):
    token = csrf(client.get(page).get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def copied_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, url="/counter/"):
    """Another browser presenting a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(url)


def staff_row(username: str) -> Staff:
    db.session.expire_all()
    return db.session.scalar(select(Staff).where(Staff.username == username))


def refused(response) -> bool:
    return response.status_code == 302 and "/login" in response.location


# --- sessions that end ---------------------------------------------------------------------


def test_a_reset_password_ends_a_copied_cookie_and_the_clerk_must_choose_a_new_one(app, client, office):
    assert sign_in(client).status_code == 302
    cookie = copied_cookie(client)
    assert replay(app, cookie).status_code == 200  # the copy works while the session stands

    head = app.test_client()
    sign_in(head, "head", page="/admin/login")
    clerk_id = staff_row("clerk").id
    reset_page = head.get(f"/admin/pa-sang/staff/{clerk_id}/password")
    suggested = re.search(r'id="password" name="password" type="text" value="([^"]+)"', reset_page.text).group(1)
    done = head.post(f"/admin/pa-sang/staff/{clerk_id}/password",
                     data={"password": "temporary pass 42", "csrf_token": csrf(reset_page.text)})  # fmt: skip

    assert reset_page.status_code == 200 and len(suggested) >= 12
    assert done.status_code == 303
    assert refused(replay(app, cookie)) and refused(client.get("/counter/"))
    assert staff_row("clerk").must_change_password
    # The clerk signs in with the temporary password and must change it before anything else.
    signed = sign_in(client, password="temporary pass 42")
    assert signed.status_code == 302 and "/staff/password" in signed.location
    assert client.get("/counter/").location.startswith("/staff/password")
    form = client.get("/staff/password")
    changed = client.post("/staff/password", data={
        "current_password": "temporary pass 42", "new_password": "my own new passphrase",
        "repeat_password": "my own new passphrase", "csrf_token": csrf(form.text)})  # fmt: skip
    assert changed.status_code == 303
    assert client.get("/counter/").status_code == 200
    assert not staff_row("clerk").must_change_password
    actions = [a for (a,) in db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert "reset_password" in actions and "change_password" in actions


def test_an_account_a_head_adds_chooses_its_own_password_at_its_first_sign_in(app, client, office):
    head = app.test_client()
    sign_in(head, "head", page="/admin/login")
    page = head.get("/admin/pa-sang/staff")
    added = head.post("/admin/pa-sang/staff", data={"username": "newclerk", "role": "clerk",
                      "password": "typed by the head 7", "csrf_token": csrf(page.text)})  # fmt: skip
    assert added.status_code in (302, 303), added.text
    assert staff_row("newclerk").must_change_password  # the head knows this password

    # No API token with the password the head typed, in either language, until the clerk chose one.
    api = {"username": "newclerk", "password": "typed by the head 7"}
    thai = client.post("/api/v1/auth/token", json=api)
    english = client.post("/api/v1/auth/token", json=api, headers={"Accept-Language": "en"})
    assert thai.status_code == english.status_code == 403
    assert english.json["error"]["message"].startswith("Your password was set by someone else")
    assert "ตั้งโดยผู้อื่น" in thai.json["error"]["message"]

    signed = sign_in(client, "newclerk", password="typed by the head 7")
    assert signed.status_code == 302 and "/staff/password" in signed.location
    assert client.get("/counter/").location.startswith("/staff/password")
    form = client.get("/staff/password?lang=en")
    assert "Your password was set by your office head or an administrator" in form.text
    changed = client.post("/staff/password", data={
        "current_password": "typed by the head 7", "new_password": "the clerks own passphrase",
        "repeat_password": "the clerks own passphrase", "csrf_token": csrf(form.text)})  # fmt: skip
    assert changed.status_code == 303
    assert client.get("/counter/").status_code == 200
    assert client.post("/api/v1/auth/token", json={**api, "password": "the clerks own passphrase"}).status_code == 200


def test_signing_out_ends_a_copied_cookie(app, client, office):
    sign_in(client)
    cookie = copied_cookie(client)
    post(client, "/counter/logout")

    assert refused(client.get("/counter/"))
    assert refused(replay(app, cookie))
    assert refused(replay(app, cookie, "/staff/requests/"))


def test_deactivating_then_reactivating_does_not_bring_an_old_cookie_back(app, client, office):
    sign_in(client)
    cookie = copied_cookie(client)
    head = app.test_client()
    sign_in(head, "head", page="/admin/login")
    clerk_id = staff_row("clerk").id

    post(head, f"/admin/pa-sang/staff/{clerk_id}/deactivate", page="/admin/pa-sang/staff")
    assert refused(replay(app, cookie))
    post(head, f"/admin/pa-sang/staff/{clerk_id}/activate", page="/admin/pa-sang/staff")

    assert staff_row("clerk").active
    assert refused(replay(app, cookie))
    assert sign_in(app.test_client()).status_code == 302  # signing in again works


def test_signing_out_everywhere_ends_every_browser_and_api_token(app, client, office):
    sign_in(client)
    other_browser = app.test_client()
    sign_in(other_browser)
    token = client.post("/api/v1/auth/token", json={"username": "clerk", "password": PASSWORD}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/offices/pa-sang/queue", headers=bearer).status_code == 200

    page = client.get("/staff/password")
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    out = client.post("/staff/sign-out-everywhere", data={"csrf_token": tokens[-1]})

    assert out.status_code == 302 and "/counter/login" in out.location
    assert refused(other_browser.get("/counter/"))
    assert refused(client.get("/counter/"))
    assert client.get("/api/v1/offices/pa-sang/queue", headers=bearer).status_code == 401


def test_a_session_ends_after_an_idle_half_hour_and_after_a_working_day(app, client, office, clock):
    sign_in(client)
    clock.set(clock.now + timedelta(minutes=29))
    assert client.get("/counter/").status_code == 200
    clock.set(clock.now + timedelta(minutes=31))
    assert refused(client.get("/counter/"))  # idle for 31 minutes

    sign_in(client)
    for _ in range(25):  # in use every 29 minutes, for 12 hours and more
        clock.set(clock.now + timedelta(minutes=29))
        last = client.get("/counter/")
        if last.status_code != 200:
            break
    assert refused(last)
    ended = db.session.scalars(select(StaffSession).order_by(StaffSession.id)).all()[-1]
    assert clock.now >= ended.expires_at and ended.expires_at - ended.created_at == timedelta(hours=12)


def test_a_bearer_token_is_refused_to_an_account_that_must_change_its_password(app, client, office):
    staff_row("clerk").must_change_password = True
    db.session.commit()
    refused_token = client.post("/api/v1/auth/token", json={"username": "clerk", "password": PASSWORD})
    assert refused_token.status_code == 403 and refused_token.json["error"]["code"] == "forbidden"


# --- lockouts nobody can cause -------------------------------------------------------------


@pytest.fixture
def limits_on(app, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("app.web.signin.time.sleep", slept.append)
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="1000 per minute",
                      RATELIMIT_LOGIN_PERSON="10 per minute;30 per hour", LOGIN_ALERT_AFTER=10)  # fmt: skip
    limiter.init_app(app)
    return slept


def test_a_storm_of_wrong_passwords_from_one_address_does_not_stop_the_right_password_from_another(
    app, client, office, limits_on
):
    storm = [sign_in(client, password=f"wrong guess {i}", address="203.0.113.66").status_code for i in range(40)]
    from_the_office = sign_in(app.test_client(), address="198.51.100.10")

    assert storm[:10] == [200] * 10  # the form again, "wrong username or password"
    assert set(storm[10:]) == {429}  # that address, for that username, must wait
    assert from_the_office.status_code == 302  # the owner signs in from elsewhere
    assert max(limits_on) <= 2.0 and len(limits_on) > 0  # slowed down, never refused
    # The storm's own address is still refused, even with the right password.
    assert sign_in(client, address="203.0.113.66").status_code == 429


def test_the_right_password_does_not_count_against_its_owner(app, client, office, limits_on):
    for _ in range(15):  # more than the limit of 10 a minute: only failures count
        signed = sign_in(app.test_client(), address="198.51.100.10")
        assert signed.status_code == 302


def test_wrong_passwords_slow_every_address_down_and_the_owner_is_told_once_by_e_mail(
    app, client, office, limits_on, caplog
):
    caplog.set_level(logging.DEBUG)
    for i in range(12):  # spread over addresses: no one address reaches its limit
        sign_in(app.test_client(), password=f"secret-guess-{i}", address=f"192.0.2.{i}")

    delays = list(limits_on)
    alerts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign_in_failures")).all()
    failures = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "sign_in", AuditEntry.action == "failed")
    ).all()

    assert delays == sorted(delays) and delays[0] > 0 and len(delays) == 12 - 5  # the first 5 at full speed
    assert [(a.channel, a.recipient) for a in alerts] == [("email", "clerk@pasang.go.th")]
    mail = render(Facts.from_json(alerts[0].facts), "email")
    assert "10" in mail.text and "clerk" in mail.text and "รหัสผ่านผิด" in mail.text and "192.0.2" not in mail.text
    assert len(failures) == 12 and failures[0].entity_id == "clerk"
    assert all("secret-guess" not in str(f.after) for f in failures)
    assert "secret-guess" not in caplog.text
    assert sign_in(app.test_client(), address="198.51.100.10").status_code == 302


def test_an_unknown_username_is_audited_without_recording_what_was_typed(app, client, office):
    sign_in(client, username="a-password-typed-as-a-name")
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "failed")).all()
    assert row.entity_id is None and row.staff_id is None and "a-password" not in str(row.after)


def test_every_sign_in_and_sign_out_is_audited_with_no_password_or_token(app, client, office):
    sign_in(client)
    client.post("/api/v1/auth/token", json={"username": "clerk", "password": PASSWORD})
    post(client, "/counter/logout")
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "sign_in").order_by(AuditEntry.id)).all()
    tokens = db.session.scalars(select(StaffToken.token_hash)).all()

    assert [(r.action, r.after.get("via")) for r in rows] == [("sign_in", "pages"), ("sign_in", "api"),
                                                             ("sign_out", "pages")]  # fmt: skip
    assert all(PASSWORD not in str(r.after) for r in rows)
    assert all(t not in str(r.after) for r in rows for t in tokens)


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "thai", "english"),
    [
        ("1234567890", "รหัสผ่านที่ใช้กันทั่วไป", "common passwords"),
        ("password1234", "รหัสผ่านที่ใช้กันทั่วไป", "common passwords"),
        ("short pass", "อย่างน้อย 12 ตัวอักษร", "at least 12 characters"),
        ("clerk-and-more-words", "ชื่อผู้ใช้", "username"),
    ],
)
def test_a_new_password_follows_the_policy_in_thai_and_english(app, client, office, new, thai, english):
    sign_in(client)
    for lang, expected in (("th", thai), ("en", english)):
        form = client.get(f"/staff/password?lang={lang}")
        answer = client.post(f"/staff/password?lang={lang}", data={
            "current_password": PASSWORD, "new_password": new, "repeat_password": new,
            "csrf_token": csrf(form.text)})  # fmt: skip
        assert answer.status_code == 400 and expected in answer.text, (lang, answer.text)
        assert 'aria-invalid="true"' in answer.text
    assert check_password_hash(staff_row("clerk").password_hash, PASSWORD)  # nothing changed


def test_changing_ones_own_password_needs_the_current_one_and_keeps_this_browser(app, client, office):
    sign_in(client)
    other = app.test_client()
    sign_in(other)
    form = client.get("/staff/password?lang=en")
    wrong = client.post("/staff/password?lang=en", data={
        "current_password": "not it at all", "new_password": "a brand new passphrase",
        "repeat_password": "a brand new passphrase", "csrf_token": csrf(form.text)})  # fmt: skip
    good = client.post("/staff/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "repeat_password": "a brand new passphrase", "csrf_token": csrf(form.text)})  # fmt: skip

    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    assert good.status_code == 303
    assert client.get("/counter/").status_code == 200  # this browser stays signed in
    assert refused(other.get("/counter/"))  # every other one is signed out
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 200  # the old one fails
    assert sign_in(app.test_client(), password="a brand new passphrase").status_code == 302


def test_a_head_resets_only_their_own_offices_clerks(app, client, office):
    other = make_office(code="bang-rak")
    db.session.add(Staff(username="far", password_hash="-", display_name="far", role="clerk", office_id=other.id))
    db.session.commit()
    sign_in(client, "head", page="/admin/login")
    head_id, far_id = staff_row("head").id, staff_row("far").id
    page = client.get("/admin/pa-sang/staff").text

    assert client.get(f"/admin/bang-rak/staff/{far_id}/password").status_code == 403
    assert client.get(f"/admin/pa-sang/staff/{far_id}/password").status_code == 404
    assert f"/admin/pa-sang/staff/{head_id}/password" not in page and "/staff/password" in page
    common = post(client, f"/admin/pa-sang/staff/{staff_row('clerk').id}/password", {"password": "1234567890"},
                  page="/admin/pa-sang/staff")  # fmt: skip
    assert common.status_code == 400 and "รหัสผ่านที่ใช้กันทั่วไป" in common.text
    assert not staff_row("clerk").must_change_password
