"""Real processes, real signals: a dispatcher killed mid-batch, two schedulers started together."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from app.services.outbox_writer import Subject, enqueue
from notifier.messages import Facts
from tests.support.providers import FakeTwilio, SmtpInbox, provider_environ

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(ROOT / ".venv/bin/flask") if (ROOT / ".venv/bin/flask").exists() else "flask"

pytestmark = pytest.mark.committed


def flask_process(command: list[str], database_url: str, log: Path, **env) -> subprocess.Popen:
    environ = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **env}
    return subprocess.Popen([FLASK, "--app", "app", *command], cwd=ROOT, env=environ, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)  # fmt: skip


def enqueue_sms(connection, count: int) -> None:
    """``count`` urgent "your turn" SMS, each to its own phone."""
    now = datetime.now(UTC)
    facts = Facts(kind="called", locale="th", number="A001", office_th="สำนักงานทดสอบ", office_en="Test office",
                  service_th="บริการ", service_en="Service", day="2026-11-23", counter_th="ช่องบริการ 1",
                  counter_en="Counter 1").to_json()  # fmt: skip
    for n in range(count):
        subject = Subject(f"test:{n}", {"phone_e164": f"+668100{n:05d}"}, {**facts, "number": f"A{n:03d}"})
        assert enqueue(connection, subject, "called", now=now) == 1


def statuses() -> dict[str, int]:
    db.session.remove()
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    db.session.remove()
    return dict(rows)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_resends_nothing_recorded_as_sent(
    committed_app, database_url, tmp_path
):
    twilio = FakeTwilio().start()
    inbox = SmtpInbox().start()
    twilio.on_arrival = lambda record: time.sleep(0.03)  # a provider slow enough to kill mid-batch
    with db.engine.begin() as connection:
        enqueue_sms(connection, 40)
    env = {**provider_environ(inbox, twilio), "DISPATCH_LEASE_SECONDS": "2"}
    try:
        first = flask_process(["dispatcher"], database_url, tmp_path / "first.log", **env)
        wait_until(lambda: len(twilio.delivered()) >= 10, 30, "the first messages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        db.session.remove()
        sent_before = {r.recipient for r in db.session.scalars(select(OutboxMessage).filter_by(status="sent"))}
        arrived_before = len(twilio.delivered())

        second = flask_process(["dispatcher"], database_url, tmp_path / "second.log", **env)
        try:
            wait_until(lambda: statuses() == {"sent": 40}, 30, "every message sent")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=10)
    finally:
        twilio.stop()
        inbox.stop()

    arrivals = [r["form"]["To"] for r in twilio.delivered()]
    assert set(arrivals) == {f"+668100{n:05d}" for n in range(40)}  # nothing lost
    assert all(arrivals.count(to) == 1 for to in sent_before)  # nothing recorded as sent went twice
    duplicates = len(arrivals) - len(set(arrivals))
    assert duplicates <= arrived_before - len(sent_before)  # only messages in flight at the kill, if any
    assert 0 < len(sent_before) < 40


def test_two_schedulers_started_together_run_each_job_once_and_the_second_takes_over(
    committed_app, database_url, tmp_path
):
    env = {"SCHEDULER_DISPATCHES": "false", "NEAR_TURN_CHECK_SECONDS": "1", "EMAIL_BACKEND": "null",
           "SMS_BACKEND": "null"}  # fmt: skip
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [flask_process(["scheduler"], database_url, log, **env) for log in logs]

    def runs(log: Path) -> int:
        return log.read_text().count("job near_turn_checks ran")

    try:
        wait_until(lambda: sum(runs(log) for log in logs) >= 4, 30, "the first runs")
        counts = [runs(log) for log in logs]
        leader = 0 if counts[0] else 1
        assert counts[1 - leader] == 0, counts  # one scheduler ran every job; the other waited
        assert "another scheduler is running" in logs[1 - leader].read_text()

        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait(timeout=10)
        wait_until(lambda: runs(logs[1 - leader]) >= 2, 30, "the second scheduler to take over")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=15)
    assert processes[1 - leader].returncode == 0, logs[1 - leader].read_text()[-2000:]
