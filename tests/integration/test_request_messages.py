"""Section 10 messages through a real SMTP server: the head's reminder from the scheduler's
job, the delay notice with its reason, and the finishing message, delivered by the dispatcher."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.jobs import tasks
from app.jobs.dispatch import Dispatcher
from app.models import Service, Staff
from tests.factories import add_clerk, bangkok, make_office

pytestmark = pytest.mark.committed


def test_the_delay_notice_with_its_reason_and_the_finishing_message_arrive_by_email(app, client, clock, providers):
    inbox, twilio = providers
    clock.set(bangkok(2026, 10, 5))
    office = make_office()
    db.session.query(Service).filter_by(office_id=office.id).update({"processing_days": 5})
    db.session.add(Staff(username="head1", password_hash="-", display_name="หัวหน้า", role="head",
                         office_id=office.id, email="head@office.example"))  # fmt: skip
    db.session.commit()
    clerk = add_clerk("clerk1", office.id)
    body = {"service": "id-card", "name": "สมชาย ใจดี", "phone": "0812345678", "email": "somchai@example.org",
            "submitted_on": "2026-10-05"}  # fmt: skip
    registered = client.post(f"/api/v1/offices/{office.code}/requests", json=body, headers=clerk).json
    token, reference = registered["token"], registered["reference"]

    # Due Mon 12 Oct; on the 13th the scheduler's morning job reminds the head by e-mail.
    clock.set(bangkok(2026, 10, 13, 8))
    assert tasks.delay_notice_reminders(app) == 1
    Dispatcher(app).run_once()
    [reminder] = inbox.wait_for(1)
    assert reminder["To"] == "head@office.example" and reference in reminder.get_body(("plain",)).get_content()

    # The clerk writes the reason: it reaches the applicant by e-mail and SMS.
    sent = client.post(f"/api/v1/requests/{token}/delay-notices", json={"reason": "รอผลตรวจสอบจากกรมการปกครอง"},
                       headers=clerk)  # fmt: skip
    assert sent.status_code == 201
    Dispatcher(app).run_once()
    notice = inbox.wait_for(2)[-1]
    text = notice.get_body(("plain",)).get_content()
    assert notice["To"] == "somchai@example.org"
    assert "รอผลตรวจสอบจากกรมการปกครอง" in text and "มาตรา 10" in text and f"/r/{token}" in text
    assert "12 ตุลาคม พ.ศ. 2569" in text
    sms = [r for r in twilio.wait_for(1) if "รอผลตรวจสอบ" in r["form"]["Body"]]
    assert sms and sms[0]["form"]["To"] == "+66812345678"

    # Finished: the applicant is told at once.
    done = client.post(f"/api/v1/requests/{token}/status", json={"status": "completed", "note": "รับได้ที่ช่อง 1"},
                       headers=clerk)  # fmt: skip
    assert done.status_code == 200
    Dispatcher(app).run_once()
    finished = inbox.wait_for(3)[-1]
    assert reference in finished["Subject"] and "รับได้ที่ช่อง 1" in finished.get_body(("plain",)).get_content()
