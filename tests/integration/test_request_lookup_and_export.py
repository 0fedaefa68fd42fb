"""Guessing a Section 10 request (issue 21): "find my request" is limited per reference as
"find my booking" is, Khiw's references are unguessable and differ between offices, old
references still work, and only the head and administrators export applicants' names."""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.extensions import db, limiter
from app.models import ServiceRequest, Staff
from tests.factories import add_clerk, make_office, sign_in_as


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def office(app):
    return make_office(code="pa-sang")


def register(client, office, headers, **body) -> dict:
    payload = {"service": "id-card", "name": "สมหญิง รักดี", "phone": "0812345678", "submitted_on": "2026-10-05",
               "processing_days": 5, **body}  # fmt: skip
    response = client.post(f"/api/v1/offices/{office.code}/requests", json=payload, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def find(client, reference: str, last4: str, address: str) -> int:
    form = {"reference": reference, "last4": last4, "action": "find"}
    return client.post("/r/find", data=form, **_from(address)).status_code


@pytest.mark.own_app  # limiter.init_app
def test_trying_the_last_digits_of_one_request_is_limited_per_reference_from_every_address(app, client, office):
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_FIND="100 per minute", RATELIMIT_FIND_PERSON="5 per hour",
                      WTF_CSRF_ENABLED=False)  # fmt: skip
    limiter.init_app(app)
    clerk = add_clerk("clerk1", office.id)
    first = register(client, office, clerk)["reference"]
    second = register(client, office, clerk)["reference"]

    guesses = [find(client, first, f"{i:04d}", f"203.0.113.{i}") for i in range(6)]
    typed_otherwise = find(client, first.lower(), "5678", "203.0.113.50")  # the same reference, in small letters
    another_request = find(client, second, "5678", "203.0.113.1")

    assert guesses == [200] * 5 + [429]
    assert typed_otherwise == 429
    assert another_request == 303


def test_references_are_random_per_office_and_an_old_one_is_still_found(client, office):
    other = make_office(code="bang-rak")
    here, there = add_clerk("clerk1", office.id), add_clerk("clerk2", other.id)
    references = [register(client, office, here)["reference"] for _ in range(5)]
    elsewhere = register(client, other, there)["reference"]
    old = register(client, office, here, reference="R-2569-000001")  # as Khiw numbered them before

    assert all(re.fullmatch(r"PA-SANG-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", r) for r in references)
    assert len(set(references)) == 5 and elsewhere.startswith("BANG-RAK-")
    assert client.application.config["WTF_CSRF_ENABLED"] is not False
    client.application.config["WTF_CSRF_ENABLED"] = False
    found = client.post("/r/find", data={"reference": "R-2569-000001", "last4": "5678", "action": "find"})
    assert found.status_code == 303 and found.location.endswith(f"/r/{old['token']}")


def test_only_the_head_and_administrators_export_the_applicants_names(client, office, clock):
    from tests.factories import bangkok

    add_clerk("clerk1", office.id)
    head_headers = add_clerk("head1", office.id, role="head")
    add_clerk("root", None, role="admin")
    register(client, office, head_headers)
    clock.set(bangkok(2026, 10, 20))  # due 12 Oct: late

    exports = {}
    for username in ("clerk1", "head1", "root"):
        browser = client.application.test_client()
        sign_in_as(browser, username)
        suffix = "?office=pa-sang" if username == "root" else ""
        response = browser.get(f"/staff/requests/delayed.csv{suffix}")
        assert response.status_code == 200, username
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        header = next(n for n, row in enumerate(rows) if row and row[0] == "เลขที่อ้างอิง")
        exports[username] = rows[header + 1]  # the request's row, under the Thai headers

    assert exports["head1"][2] == "สมหญิง รักดี" and exports["root"][2] == "สมหญิง รักดี"
    assert exports["clerk1"][2] == "" and "สมหญิง" not in str(exports["clerk1"])
    assert exports["clerk1"][0] == exports["head1"][0]  # the rest of the row is the same
    assert db.session.query(Staff).count() == 3 and db.session.query(ServiceRequest).count() == 1
