"""A visit from booking to survey, with a dispatcher running as in production."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from app.jobs.dispatch import Dispatcher
from app.services.auth import register_kiosk
from app.services.office_rules import office_rules
from app.services.survey import satisfaction
from tests.factories import add_clerk, make_office, web_booking

pytestmark = pytest.mark.committed


@pytest.fixture
def running_dispatcher(app, providers):
    stop = threading.Event()
    thread = threading.Thread(target=Dispatcher(app).run, args=(stop,), daemon=True)
    thread.start()
    yield providers
    stop.set()
    thread.join(timeout=10)


def test_a_visit_from_booking_to_survey(app, client, clock, running_dispatcher):
    from app.extensions import db

    inbox, twilio = running_dispatcher
    office = make_office()
    register_kiosk(office, "Front door", "front-door-key-123")
    db.session.commit()

    clerk = add_clerk("somsri", office.id)
    web_counter = next(c for c in office_rules(office.code).counters if c.number == 2)  # the web counter

    # Booked with an e-mail and a phone: the confirmation comes by e-mail, number and พ.ศ. date in it.
    body = web_booking(office.code, date="2026-11-23", slot="10:30", email="somchai@example.org", phone="0812345678")
    booked = client.post("/api/v1/bookings", json=body).json
    [confirmation] = inbox.wait_for(1)
    assert booked["number"] in confirmation["Subject"]
    assert "23 พฤศจิกายน พ.ศ. 2569" in confirmation.get_body(("plain",)).get_content()

    # Checked in at the kiosk, then called at counter 2 by the clerk: "your turn" by SMS within 2 seconds.
    checked = client.post(f"/api/v1/offices/{office.code}/check-ins", json={"token": booked["token"]},
                          headers={"X-Kiosk-Key": "front-door-key-123"})  # fmt: skip
    assert checked.json["status"] == "waiting"
    called_at = time.monotonic()
    called = client.post(f"/api/v1/counters/{web_counter.id}/call-next", headers=clerk)
    assert (called.status_code, called.json["number"]) == (200, booked["number"])
    [your_turn] = [r for r in twilio.wait_for(1, timeout=5) if "ถึงคิว" in r["form"]["Body"]]
    latency = twilio.arrived_at[twilio.requests.index(your_turn)] - called_at
    assert your_turn["form"]["Body"].startswith(f"ถึงคิว {booked['number']} แล้ว เชิญที่ช่องบริการ 2")
    assert your_turn["form"]["To"] == "+66812345678" and your_turn["form"]["ValidityPeriod"] == "300"
    assert latency < 2.0

    # Served and done: the survey invitation comes by e-mail; the answer is stored and counted.
    for step in ("start", "done"):
        assert client.post(f"/api/v1/tickets/{booked['token']}/{step}", headers=clerk).status_code == 200
    invitation = inbox.wait_for(2)[-1]
    assert f"/b/{booked['token']}/survey" in invitation.get_body(("plain",)).get_content()
    answer = client.post(f"/api/v1/bookings/{booked['token']}/survey", json={"answers": {"staff_3": "very_satisfied"}})
    assert answer.status_code == 201
    assert satisfaction(office.code, date(2026, 11, 23), date(2026, 11, 23)).responses == 1
