"""The scheduler releases expired holds every minute (app/jobs/schedule.py, tasks.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import schedule, tasks
from app.models import Booking, BookingEvent, DailyQuota
from tests.factories import make_office, web_booking

pytestmark = pytest.mark.committed  # the job runs in its own app context and session, as in production

TUESDAY = "2026-11-24"


def test_the_schedule_releases_expired_holds_every_minute(app):
    [job] = [j for j in schedule.jobs(app.config) if j.id == "release_expired_holds"]

    assert job.func is tasks.release_expired_holds
    assert (job.trigger, job.options) == ("interval", {"minutes": 1})


def test_running_the_job_releases_an_expired_hold_and_gives_its_place_back(app, client, clock):
    office = make_office(verification="otp", capacity={"walk_in": 10, "web": 10, "mobile": 5})
    hold = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, phone="0812345678")).json
    live = client.post("/api/v1/bookings", json=web_booking(office.code, date=TUESDAY, serial=2, phone="0812345679"))

    assert tasks.release_expired_holds(app) == 0  # nothing has expired yet
    assert held_places(office) == 2
    clock.set(clock.now + timedelta(minutes=10))
    released = tasks.release_expired_holds(app)

    db.session.expire_all()
    rows = {b.token: b for b in db.session.scalars(select(Booking))}
    assert released == 2 and rows[hold["token"]].status == "cancelled" and rows[hold["token"]].hold_code_hash is None
    assert live.status_code == 201
    event = db.session.scalars(select(BookingEvent).order_by(BookingEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor) == ("held", "cancelled", "system")
    assert held_places(office) == 0  # written back by the job, not only skipped by reads
    day = client.get(f"/api/v1/offices/{office.code}/availability?date={TUESDAY}").json
    assert day["channels"]["web"]["remaining"] == 10  # both places are back in the counts
    assert tasks.release_expired_holds(app) == 0  # run again: nothing more to do


def held_places(office) -> int:
    held = db.session.scalar(select(DailyQuota.held).where(DailyQuota.office_id == office.id,
                                                           DailyQuota.channel == "web"))  # fmt: skip
    db.session.remove()  # end the read: the job writes from its own session (SQLite has one writer)
    return held
