"""A bot from one address books 40 places in a minute with made-up national IDs (valid check
digits) and made-up phones, at an office with ``verification: otp`` and at one with ``none``.

It runs twice: with rate limits off (what the code step does on its own) and with the
shipped default limits on (``RATELIMIT_ENABLED``, ``config.RATE_LIMITS``; counted in the test
app's memory store). The per-address booking limit is generous on purpose (Thai mobile users
share addresses behind carrier NAT), and the bot's made-up IDs and phones each book once, so
the per-person limits never trip: limits alone do not save a 30-place office. The bot never
reads the phones it typed, so it never confirms a code: at the ``none`` office it keeps every
place it took; at the ``otp`` office every hold ends when its time runs out and the office
keeps all its places, in both runs. Over real HTTP, on both engines.
"""

from __future__ import annotations

import random
from datetime import timedelta

import requests

from app.domain.identity import thai_id_check_digit
from app.extensions import limiter
from tests.factories import make_office
from tests.support.http import HTTP_TIMEOUT

TUESDAY = "2026-11-24"
WEB_PLACES = 30
ATTEMPTS = 40


def made_up_id(rng: random.Random) -> str:
    first12 = rng.choice("12345678") + "".join(rng.choice("0123456789") for _ in range(11))
    return first12 + str(thai_id_check_digit(first12))


def web_left(base: str, office: str) -> int:
    body = requests.get(f"{base}/api/v1/offices/{office}/availability?date={TUESDAY}", timeout=HTTP_TIMEOUT).json()
    return body["channels"]["web"]["remaining"]


def run_bot(base: str, office: str, rng: random.Random) -> tuple[int, int]:
    """40 bookings as fast as one client can send them; returns how many places it took, and
    how many requests a rate limit refused (429)."""
    windows = ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30", "14:00"]
    taken = limited = 0
    with requests.Session() as session:
        for n in range(ATTEMPTS):
            body = {"office": office, "service": "id-card", "channel": "web", "name": "สมชาย ใจดี",
                    "national_id": made_up_id(rng), "phone": f"08{rng.randrange(10**8):08d}", "date": TUESDAY,
                    "slot": windows[n % len(windows)]}  # fmt: skip
            status = session.post(f"{base}/api/v1/bookings", json=body, timeout=HTTP_TIMEOUT).status_code
            taken += status == 201
            limited += status == 429
    return taken, limited


def attack(base: str, clock, rng: random.Random, suffix: str) -> dict:
    """The bot against a ``none`` and an ``otp`` office; what each lost once the holds expired."""
    plain = make_office(code=f"bot-none{suffix}", capacity={"walk_in": 50, "web": WEB_PLACES, "mobile": 10})
    guarded = make_office(
        code=f"bot-otp{suffix}", capacity={"walk_in": 50, "web": WEB_PLACES, "mobile": 10}, verification="otp"
    )
    taken_plain, limited_plain = run_bot(base, plain.code, rng)
    if limiter.enabled:
        limiter.reset()  # the second office is attacked a minute later: the address's minute starts again
    taken_guarded, limited_guarded = run_bot(base, guarded.code, rng)
    held_meanwhile = WEB_PLACES - web_left(base, guarded.code)
    clock.set(clock.now + timedelta(minutes=guarded.hold_minutes))  # no code was ever typed
    return {
        "taken_plain": taken_plain,
        "lost_plain": WEB_PLACES - web_left(base, plain.code),
        "taken_guarded": taken_guarded,
        "held_guarded": held_meanwhile,
        "lost_guarded": WEB_PLACES - web_left(base, guarded.code),
        "limited": limited_plain + limited_guarded,
    }


def test_a_bot_empties_an_office_without_verification_but_not_one_with_otp(live_server, clock):
    rng = random.Random(12)
    app = live_server_app()
    app.config.update(RATELIMIT_ENABLED=True)  # the shipped default limits (config.RATE_LIMITS)
    limiter.init_app(app)  # before the server's first request: Flask takes no new hooks after it
    try:
        limiter.enabled = False
        off = attack(live_server, clock, rng, "")
        limiter.enabled = True
        limiter.reset()
        on = attack(live_server, clock, rng, "-limited")
    finally:
        limiter.enabled = False

    print(f"\nbot, {ATTEMPTS} bookings with made-up IDs from one address, {WEB_PLACES} web places per office:")
    for name, run in (("rate limits off", off), ("default rate limits on", on)):
        print(
            f"  {name}: office with verification none lost {run['lost_plain']} of {WEB_PLACES} "
            f"({run['taken_plain']} booked); office with otp held {run['held_guarded']} "
            f"({run['taken_guarded']} holds) and lost {run['lost_guarded']} once the holds expired; "
            f"{run['limited']} of {2 * ATTEMPTS} requests refused by a rate limit (429)"
        )
    for run in (off, on):
        assert run["taken_plain"] == run["lost_plain"] == WEB_PLACES  # limits alone do not save the day
        assert run["taken_guarded"] == run["held_guarded"]
        assert run["lost_guarded"] == 0  # the otp office keeps every place
    assert off["held_guarded"] == WEB_PLACES and off["limited"] == 0
    assert on["limited"] > 0  # the limits were on: the address's 31st booking of the minute is refused


def live_server_app():
    from flask import current_app

    return current_app._get_current_object()
