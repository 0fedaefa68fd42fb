"""Every job the one scheduler process runs, with its explicit id and when it runs.

``flask --app app scheduler`` starts a BlockingScheduler (APScheduler 3.11, never inside a web
worker) once it holds the single-instance lock (``leader.py``). Jobs are declared here at
start-up (no persistent job store: the state they work on is in the database), with
``coalesce`` (missed runs roll into one), ``max_instances=1`` and a misfire grace time.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field

from flask import Flask

from app.domain.calendar import BANGKOK

from . import tasks
from .dispatch import Dispatcher
from .leader import SchedulerLock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: object
    trigger: str  # "interval" or "cron"
    options: dict = field(default_factory=dict)


def jobs(config) -> list[Job]:
    """The schedule. (The dispatch job is a loop of its own: see ``run_scheduler``.)"""
    return [
        Job("near_turn_checks", tasks.near_turn_checks, "interval", {"seconds": config["NEAR_TURN_CHECK_SECONDS"]}),
        Job("release_expired_holds", tasks.release_expired_holds, "interval", {"minutes": 1}),
        Job("expire_no_shows", tasks.expire_no_shows, "interval", {"minutes": 10}),
        Job("close_day", tasks.close_day, "interval", {"minutes": 10}),
        Job("day_before_reminders", tasks.day_before_reminders, "cron",
            {"hour": config["REMINDER_HOUR"], "minute": 0}),
        Job("purge_personal_data", tasks.purge_personal_data, "cron", {"hour": 2, "minute": 30}),
        Job("delay_notice_reminders", tasks.delay_notice_reminders, "cron", {"hour": 8, "minute": 0}),
        Job("complaint_summaries", tasks.complaint_summaries, "cron",
            {"hour": config["COMPLAINT_SUMMARY_HOUR"], "minute": 0}),
    ] + (  # the nightly backup, when BACKUP_DIR says where (GECC 21; docs/deploy.md)
        [Job("nightly_backup", tasks.nightly_backup, "cron", {"hour": 1, "minute": 30})]
        if config.get("BACKUP_DIR") else []
    )  # fmt: skip


def build_scheduler(app: Flask):
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone=BANGKOK, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
    )
    for job in jobs(app.config):
        scheduler.add_job(job.func, job.trigger, args=[app], id=job.id, name=job.id, replace_existing=True,
                          **job.options)  # fmt: skip
    return scheduler


def run_scheduler(app: Flask, stop: threading.Event | None = None) -> None:
    """Wait for the lock, then run the schedule (and the ``dispatch`` loop, unless separate
    dispatchers run) until SIGTERM/SIGINT or ``stop``."""
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    from app.extensions import db

    with app.app_context():
        url = db.engine.url
    lock = SchedulerLock(url, app.instance_path)
    if not lock.wait(stop):
        return
    log.info("scheduler started (this process holds the scheduler lock)")
    scheduler = build_scheduler(app)
    scheduler.add_job(_check_lock, "interval", seconds=10, args=[lock, scheduler, stop], id="scheduler_lock_check")
    dispatcher_thread = None
    if app.config["SCHEDULER_DISPATCHES"]:
        dispatcher = Dispatcher(app)
        dispatcher_thread = threading.Thread(target=dispatcher.run, args=(stop,), name="dispatch", daemon=True)
        dispatcher_thread.start()
    threading.Thread(target=lambda: (stop.wait(), scheduler.shutdown(wait=False)), daemon=True).start()
    try:
        scheduler.start()
    finally:
        stop.set()
        if dispatcher_thread:
            dispatcher_thread.join(timeout=10)
        lock.release()
        log.info("scheduler stopped")


def _check_lock(lock: SchedulerLock, scheduler, stop: threading.Event) -> None:
    if not lock.still_held():
        log.error("lost the scheduler lock (database connection gone): stopping so another can take over")
        stop.set()


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
