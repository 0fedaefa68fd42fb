"""/stats/<office>: an office's public statistics (PMQA 3.4, GECC transparency) — no login,
figures only (never a person), last month's and this year's, computed once per period and
cacheable by browsers and proxies; Thai by default, English on request."""

from __future__ import annotations

import pytest

from app.services import public_stats
from tests.factories import web_booking
from tests.integration.test_report_evidence import evidence  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_figures():
    public_stats.forget()
    yield
    public_stats.forget()


def test_the_public_page_shows_last_month_and_this_year_without_a_sign_in(client, evidence):  # noqa: F811
    office, _ = evidence  # four visits served in November 2026 (3 minutes' wait each), 70 % satisfied,
    # three complaints received in November (two resolved) and one in 2025; the clock says 1 December 2026.

    page = client.get(f"/stats/{office.code}")

    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=3600"
    assert "Accept-Language" in page.headers["Vary"]
    assert "เดือนที่แล้ว" in text and "1 พฤศจิกายน พ.ศ. 2569 – 30 พฤศจิกายน พ.ศ. 2569" in text
    assert "1 มกราคม พ.ศ. 2569 – 30 พฤศจิกายน พ.ศ. 2569" in text
    stats = public_stats.public_stats(office.code, now=page_clock(client))
    for period in (stats.last_month, stats.this_year):
        assert period.visits == {"walk_in": 4, "web": 0, "mobile": 0} and period.median_wait_minutes == 3.0
        assert (period.satisfied_pct, period.meets_target) == (70.0, False)
        assert (period.complaints_received, period.complaints_resolved) == (3, 2)
    assert text.count("70.0 %") == 2 and text.count("ต่ำกว่าเป้าหมาย") == 2 and "3.0 นาที" in text


def page_clock(client):
    from app.web.context import now

    with client.application.test_request_context():
        return now()


def test_the_public_page_names_no_person(client, evidence):  # noqa: F811
    office, _ = evidence
    booked = client.post("/api/v1/bookings", json=web_booking(office.code, date="2026-12-02", phone="0812345678"))
    assert booked.status_code == 201

    text = client.get(f"/stats/{office.code}?lang=en").get_data(as_text=True)

    assert "Last month" in text and "Complaints resolved" in text and "below target" in text
    for private in ("สมชาย", "somchai", "malee", "0812345678", "รอนานมาก", booked.json["token"]):
        assert private not in text


def test_each_period_is_computed_once(client, evidence, monkeypatch):  # noqa: F811
    office, _ = evidence
    calls = []
    original = public_stats.ticket_figures
    monkeypatch.setattr(public_stats, "ticket_figures", lambda *a: calls.append(a) or original(*a))

    for _ in range(3):
        assert client.get(f"/stats/{office.code}").status_code == 200
    client.get(f"/stats/{office.code}?lang=en")

    assert len(calls) == 2  # last month and this year, once each


def test_an_unknown_office_is_404_and_the_office_pages_link_the_statistics(client, evidence):  # noqa: F811
    office, _ = evidence
    assert client.get("/stats/no-such-office").status_code == 404
    assert f'href="/stats/{office.code}"' in client.get(f"/book/{office.code}").get_data(as_text=True)
