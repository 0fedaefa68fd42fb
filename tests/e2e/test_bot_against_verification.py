"""A bot from one address books 40 places in a minute with made-up national IDs (valid check
digits) and made-up phones, at an office with ``verification: otp`` and at one with ``none``.

Per-address rate limits are off here (as in the other tests): this shows what the code step
does on its own. The bot never reads the phones it typed, so it never confirms a code: at the
``none`` office it keeps every place it took; at the ``otp`` office every hold ends when its
time runs out and the office keeps all its places. Over real HTTP, on both engines.
"""

from __future__ import annotations

import random
from datetime import timedelta

import requests

from app.domain.identity import thai_id_check_digit
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


def run_bot(base: str, office: str, rng: random.Random) -> int:
    """40 bookings as fast as one client can send them; returns how many places it took."""
    windows = ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30", "14:00"]
    taken = 0
    with requests.Session() as session:
        for n in range(ATTEMPTS):
            body = {"office": office, "service": "id-card", "channel": "web", "name": "สมชาย ใจดี",
                    "national_id": made_up_id(rng), "phone": f"08{rng.randrange(10**8):08d}", "date": TUESDAY,
                    "slot": windows[n % len(windows)]}  # fmt: skip
            taken += session.post(f"{base}/api/v1/bookings", json=body, timeout=HTTP_TIMEOUT).status_code == 201
    return taken


def test_a_bot_empties_an_office_without_verification_but_not_one_with_otp(live_server, clock):
    plain = make_office(code="bot-none", capacity={"walk_in": 50, "web": WEB_PLACES, "mobile": 10})
    guarded = make_office(
        code="bot-otp", capacity={"walk_in": 50, "web": WEB_PLACES, "mobile": 10}, verification="otp"
    )
    rng = random.Random(12)

    taken_plain = run_bot(live_server, plain.code, rng)
    taken_guarded = run_bot(live_server, guarded.code, rng)
    held_meanwhile = WEB_PLACES - web_left(live_server, guarded.code)
    clock.set(clock.now + timedelta(minutes=guarded.hold_minutes))  # no code was ever typed
    lost_plain = WEB_PLACES - web_left(live_server, plain.code)
    lost_guarded = WEB_PLACES - web_left(live_server, guarded.code)

    print(
        f"\nbot, {ATTEMPTS} bookings from one address: office with verification none lost {lost_plain} of "
        f"{WEB_PLACES} web places ({taken_plain} booked); office with otp held {held_meanwhile} "
        f"({taken_guarded} holds) and lost {lost_guarded} once the holds expired"
    )
    assert taken_plain == WEB_PLACES and lost_plain == WEB_PLACES
    assert taken_guarded == held_meanwhile == WEB_PLACES
    assert lost_guarded == 0
