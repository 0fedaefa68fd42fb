"""Only one scheduler runs at a time: the others wait, and take over when it dies.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection kept open
for the scheduler's life; the server releases it when that process or its connection dies.
SQLite: an exclusive ``flock`` on a file beside the database; the kernel releases it when
the process dies. APScheduler 3 has no coordination of its own (its FAQ: never share a job
store between schedulers), so this lock is what keeps each job running once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

#: An app-wide advisory lock key: "khiw-scheduler" as a 63-bit number.
ADVISORY_KEY = int.from_bytes(b"khiwschd", "big") & 0x7FFFFFFFFFFFFFFF


class SchedulerLock:
    def __init__(self, url: URL, instance_path: str) -> None:
        self.url = url
        self.instance_path = instance_path
        self._fd: int | None = None
        self._connection = None

    def wait(self, stop: threading.Event, every: float = 1.0) -> bool:
        """Block until this process holds the lock (True) or ``stop`` is set (False)."""
        announced = False
        while not stop.is_set():
            if self.try_acquire():
                return True
            if not announced:
                log.warning("another scheduler is running; this one waits and takes over if it stops")
                announced = True
            stop.wait(every)
        return False

    def try_acquire(self) -> bool:
        if self.url.get_backend_name() == "postgresql":
            import psycopg

            if self._connection is None or self._connection.closed:
                dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
                self._connection = psycopg.connect(dsn, autocommit=True)
            got = self._connection.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
            return bool(got)
        if self._fd is None:
            database = self.url.database or ""
            path = f"{database}-scheduler.lock" if database and database != ":memory:" else os.path.join(
                self.instance_path, "scheduler.lock"
            )
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def still_held(self) -> bool:
        """PostgreSQL: the lock lives as long as its connection; check that it still does."""
        if self._connection is None:
            return True
        try:
            self._connection.execute("SELECT 1")
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already gone: so is the lock
                self._connection.close()
            self._connection = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
