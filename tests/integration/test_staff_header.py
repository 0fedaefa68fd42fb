"""One header across settings, reports, the live view, requests and complaints (issue 19 §4):
the office named, each area linked for that office (a clerk only the areas they may open),
an office picker for administrators that keeps the area; no page answers an administrator
with a 404 asking for "?office="; the per-date capacity button says what it saves."""

from __future__ import annotations

import re

from tests.integration.test_admin_pages import offices, sign_in  # noqa: F401

AREAS = {
    "settings": "/admin/pa-sang/",
    "reports": "/admin/reports/pa-sang",
    "live": "/admin/live/pa-sang",
    "requests": "/staff/requests/?office=pa-sang",
    "complaints": "/staff/complaints/?office=pa-sang",
}


def header(page: str) -> str:
    return re.search(r'<header class="staff-bar">.*?</header>', page, re.S).group(0)


def test_every_back_office_area_has_the_same_header_naming_the_office(client, offices):  # noqa: F811
    sign_in(client, "head")
    headers = {}
    for area, address in AREAS.items():
        page = client.get(address)
        assert page.status_code == 200, address
        headers[area] = header(page.get_data(as_text=True))

    for area, bar in headers.items():
        assert "ที่ว่าการอำเภอทดสอบ" in bar and bar.count('aria-current="page"') == 1
        links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>', bar)
        areas = [href for href, _ in links if "lang=" not in href and href != "/staff/password"]  # the account link
        assert areas[:5] == list(AREAS.values())
        assert dict((href, bool(cur)) for href, cur in links)[AREAS[area]] is True
        assert 'name="office"' not in bar  # a head has one office: no picker


def test_a_clerk_s_header_links_only_requests_and_complaints(client, offices):  # noqa: F811
    sign_in(client, "clerk")
    bar = header(client.get("/staff/requests/").get_data(as_text=True))
    assert "/staff/complaints/?office=pa-sang" in bar and "/admin/reports/" not in bar and "/admin/pa-sang/" not in bar


def test_an_admin_picks_the_office_in_the_header_and_never_gets_a_404_for_office(client, offices):  # noqa: F811
    sign_in(client, "root")

    requests_page = client.get("/staff/requests/")
    complaints_page = client.get("/staff/complaints/")

    assert requests_page.status_code == 200 and complaints_page.status_code == 200
    bar = header(requests_page.get_data(as_text=True))
    assert '<option value="bang-rak"' in bar and '<option value="pa-sang"' in bar
    assert client.get("/admin/go?office=bang-rak&to=reports").location.endswith("/admin/reports/bang-rak")
    assert client.get("/admin/go?office=bang-rak&to=requests").location.endswith("/staff/requests/?office=bang-rak")
    kept = client.get("/admin/go?office=bang-rak&to=settings&page=admin.audit").location
    assert kept.endswith("/admin/bang-rak/audit")
    assert client.get("/admin/go?office=bang-rak&to=settings&page=admin.logout").location.endswith("/admin/bang-rak/")
    assert client.get("/admin/go?office=nowhere&to=reports").location.endswith("/admin/")
    picked = client.get("/admin/bang-rak/audit").get_data(as_text=True)
    assert re.search(r'<option value="bang-rak" selected>', header(picked))


def test_the_per_date_capacity_button_does_not_say_today(client, offices):  # noqa: F811
    sign_in(client, "head")
    thai = client.get("/admin/pa-sang/capacity").get_data(as_text=True)
    assert "บันทึกวันนี้" not in thai and "บันทึกความจุของวันที่เลือก" in thai
