"""Weight and number of requests of each booking page, as a phone loads it (target < 150 kB).

Builds a throwaway SQLite database with the demo offices, renders every page of the web
and phone booking flows through the app, follows the assets each page links (styles,
scripts, images), and prints bytes and requests per page. Fails if a page names another host.

    .venv/bin/python benchmarks/page_weight.py
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TARGET_KB = 150


def main() -> int:
    from app.domain.calendar import BANGKOK

    tmp = Path(tempfile.mkdtemp())
    os.environ.update({"KHIW_ENV": "testing", "SECRET_KEY": "bench", "ID_HMAC_KEY": "bench-hmac-key-0123456789",
                       "DATABASE_URL": f"sqlite:///{tmp / 'khiw.db'}"})  # fmt: skip
    from flask_migrate import upgrade

    from app import create_app
    from app.services.demo import seed_demo

    monday = datetime(2026, 11, 23, 10, 0, tzinfo=BANGKOK).astimezone(UTC)
    app = create_app({"RATELIMIT_ENABLED": False, "CLOCK": lambda: monday, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo(staff_password="bench staff passphrase", kiosk_key=lambda code: f"bench-{code}")
    client = app.test_client()
    booked = client.post("/book/pa-sang/id-card/2026-11-25/09:00/confirm", data={
        "name": "สมชาย ใจดี", "national_id": "1101700230708", "consent": "yes", "action": "confirm"})  # fmt: skip
    assert booked.status_code == 303, booked.get_data(as_text=True)[-2000:]
    token = booked.headers["Location"].split("/b/")[1].split("?")[0]
    review = {"name": "สมชาย ใจดี", "phone": "0812345678", "consent": "yes", "action": "review"}
    pages = [
        ("home", "GET", "/", None),
        ("service", "GET", "/book/pa-sang", None),
        ("calendar", "GET", "/book/pa-sang/id-card", None),
        ("windows", "GET", "/book/pa-sang/id-card/2026-11-25", None),
        ("details", "GET", "/book/pa-sang/id-card/2026-11-25/09:30", None),
        ("review", "POST", "/book/pa-sang/id-card/2026-11-25/09:30", review),
        ("status", "GET", f"/b/{token}", None),
        ("cancel", "GET", f"/b/{token}/cancel", None),
        ("phone near", "GET", "/near/pa-sang?lat=18.5262&lon=98.9402&accuracy_m=20", None),
        ("find", "GET", "/find", None),
    ]
    print(f"{'page':<12} {'requests':>8} {'kB':>7}   (target < {TARGET_KB} kB, no other host)")
    worst = 0.0
    for name, method, path, data in pages:
        response = client.open(path, method=method, data=data)
        html = response.get_data()
        assets = re.findall(rb'(?:href|src)="([^"]+\.(?:css|js|png)[^"]*)"', html)
        assets += [a for a in re.findall(rb'<img[^>]+src="([^"]+)"', html) if a not in assets]
        total, requests = len(html), 1
        for asset in dict.fromkeys(assets):
            url = asset.decode().replace("&amp;", "&")
            if urlsplit(url).netloc:
                print(f"{name}: links another host: {url}")
                return 1
            total += len(client.get(url).get_data())
            requests += 1
        worst = max(worst, total / 1024)
        print(f"{name:<12} {requests:>8} {total / 1024:>7.1f}")
    print(f"heaviest page: {worst:.1f} kB")
    return 0 if worst < TARGET_KB else 1


if __name__ == "__main__":
    raise SystemExit(main())
