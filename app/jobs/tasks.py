"""The scheduler's job functions: each builds nothing, decides nothing, and may run twice.

Each takes the app (the scheduler process builds it once), runs one service inside an app
context and logs a count — never a name, phone, e-mail or token.
"""

from __future__ import annotations

import logging

from flask import Flask

from app.extensions import db
from app.services import complaints, day_end, holds, notifications, requests, retention
from app.settings import Settings

log = logging.getLogger(__name__)


def _run(app: Flask, job_id: str, work) -> object:
    with app.app_context():
        try:
            result = work(Settings.from_config(app.config).now())
        finally:
            db.session.remove()
    log.info("job %s ran: %s", job_id, result)
    return result


def day_before_reminders(app: Flask):
    return _run(app, "day_before_reminders", lambda now: notifications.send_day_before_reminders(now=now))


def near_turn_checks(app: Flask):
    return _run(app, "near_turn_checks", lambda now: notifications.check_near_turns(now=now))


def expire_no_shows(app: Flask):
    return _run(app, "expire_no_shows", lambda now: day_end.expire_no_shows(now=now))


def close_day(app: Flask):
    return _run(app, "close_day", lambda now: day_end.close_day(now=now))


def purge_personal_data(app: Flask):
    days = app.config["PERSONAL_DATA_RETENTION_DAYS"]
    return _run(app, "purge_personal_data", lambda now: retention.purge_personal_data(now=now, retention_days=days))


def release_expired_holds(app: Flask):
    """Holds whose code was not typed in time give their places back (reads and bookings
    already skip them; this makes it so in the counts, each minute)."""
    return _run(app, "release_expired_holds", lambda now: holds.release_expired_holds(now=now))


def delay_notice_reminders(app: Flask):
    """Section 10: e-mail each office's head the requests whose delay notice is due (never a
    notice itself: only staff write the reason)."""
    return _run(app, "delay_notice_reminders", lambda now: requests.remind_notices_due(now=now))


def complaint_summaries(app: Flask):
    return _run(app, "complaint_summaries", lambda now: complaints.send_daily_summaries(now=now))


def nightly_backup(app: Flask):
    """A dated backup into BACKUP_DIR, keeping the last BACKUP_KEEP (scheduled only when set)."""
    from app.services import backup

    def work(now):
        outcome = backup.nightly(app.config["SQLALCHEMY_DATABASE_URI"], app.config["BACKUP_DIR"],
                                 app.config["BACKUP_KEEP"], now)  # fmt: skip
        return f"{outcome.path.name}, {outcome.size} bytes"

    return _run(app, "nightly_backup", work)
