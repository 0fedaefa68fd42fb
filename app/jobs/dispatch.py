"""Delivering the outbox: claim due messages, render, send, record — and wake at once.

A dispatcher sleeps until there may be work: on PostgreSQL it LISTENs for the NOTIFY an
urgent message sends at commit (and still looks every few seconds for retries that came
due); on SQLite it polls with a cheap read every ``DISPATCH_POLL_SECONDS`` (0.5 s), taking
the write lock only when something is due. Either way a "your turn" message leaves within
about a second of the clerk's call.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Mapping

from flask import Flask
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.services import outbox
from app.services.outbox_writer import WAKE_CHANNEL
from app.settings import Settings
from notifier.backends.base import DeliveryFailed, Outgoing
from notifier.kinds import URGENT_VALIDITY_SECONDS
from notifier.registry import Backends, build_backends, channels, render_options
from notifier.retry import RetryPolicy

log = logging.getLogger(__name__)

BATCH = 20
#: A message sent but not yet recorded: how often to try recording it while the database is
#: briefly unavailable (SQLite's write lock held past its timeout, a PostgreSQL failover),
#: before leaving it to the lease (it would then be sent again).
RECORD_TRIES = 6
#: PostgreSQL: how often to look anyway (retries that came due, leases that ended).
LISTEN_FALLBACK_SECONDS = 1.0


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def webhooks_url(config: Mapping) -> str:
    """Where providers call Khiw back (delivery receipts): ``app/web/webhooks``."""
    return f"{config['PUBLIC_BASE_URL'].rstrip('/')}/webhooks"


class Dispatcher:
    """One dispatcher: ``run_once`` delivers what is due now; ``run`` keeps doing so."""

    def __init__(self, app: Flask, backends: Backends | None = None, worker: str | None = None) -> None:
        self.app = app
        config = app.config
        self.settings = Settings.from_config(config)
        self.backends = backends or build_backends(config, webhooks_url(config))
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(self) % 10000}"
        self.policy = RetryPolicy(max_attempts=config["NOTIFY_MAX_ATTEMPTS"])
        self.lease = config["DISPATCH_LEASE_SECONDS"]
        self.poll = config["DISPATCH_POLL_SECONDS"]
        self.options = render_options(config)  # per channel: may its messages carry links
        self.rng = random.Random()

    def run_once(self) -> dict[str, int]:
        """Deliver every message due now (in batches); return counts by outcome."""
        results: dict[str, int] = {}
        with self.app.app_context():
            try:
                while True:
                    now = self.settings.now()
                    batch = outbox.claim(
                        self.worker, now=now, lease_seconds=self.lease, limit=BATCH,
                        max_attempts=self.policy.max_attempts,
                    )  # fmt: skip
                    db.session.remove()
                    if not batch:
                        break
                    for message in batch:
                        outcome = self._deliver(message)
                        results[outcome] = results.get(outcome, 0) + 1
            finally:
                db.session.remove()
        if results:
            log.info("dispatcher %s: %s", self.worker, results)
        return results

    def _deliver(self, message: outbox.Claimed) -> str:
        facts = message.render_facts(self.settings.public_base_url, self.settings)
        rendered = channels().get(message.channel).render(facts, self.options[message.channel])
        outgoing = Outgoing(
            key=message.key,
            channel=message.channel,
            to=message.recipient or "",
            text=rendered.text,
            subject=rendered.subject,
            html=rendered.html,
            validity_seconds=URGENT_VALIDITY_SECONDS if message.urgent else None,
            tag=message.kind,
            data=rendered.data,
        )
        backend = self.backends.for_channel(message.channel)
        try:
            sent = backend.send(outgoing)
        except DeliveryFailed as failure:
            status = outbox.record_failure(
                message, self.worker, failure, now=self.settings.now(), policy=self.policy, rng=self.rng
            )
            log.warning("message %s (%s by %s) failed: %s → %s", message.id, message.kind, message.channel,
                        failure.code or failure.reason, status)  # fmt: skip
            return "retry" if status == "pending" else status
        except Exception:
            # A bug in a backend must not stop the others: treat it as passing, retry later.
            log.exception("message %s: the %s backend failed unexpectedly", message.id, backend.name)
            outbox.record_failure(
                message, self.worker, DeliveryFailed("unexpected error", permanent=False),
                now=self.settings.now(), policy=self.policy, rng=self.rng,
            )  # fmt: skip
            return "retry"
        finally:
            db.session.remove()
        for attempt in range(RECORD_TRIES):
            try:
                outbox.record_sent(message, self.worker, provider_id=sent.provider_id, status=sent.status,
                                   now=self.settings.now())  # fmt: skip
                break
            except OperationalError:
                # Sent, but not recorded: keep trying, so the lease does not make it go twice.
                if attempt == RECORD_TRIES - 1:
                    raise
                log.warning("message %s: sent, the database is busy; recording it again", message.id)
                _pause(0.25 * 2**attempt)
            finally:
                db.session.remove()
        return "sent"

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, waking on NOTIFY (PostgreSQL) or a short poll (SQLite)."""
        with self.app.app_context():
            url = db.engine.url
        if url.get_backend_name() == "postgresql":
            self._run_listening(stop, url)
        else:
            self._run_polling(stop)

    def _run_polling(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with self.app.app_context():
                    try:
                        due = outbox.has_due(self.settings.now())
                    finally:
                        db.session.remove()
                if due:
                    self.run_once()
                else:
                    stop.wait(self.poll)
            except OperationalError:
                # The database was busy or away for a moment: nothing is lost (claimed messages
                # come back when their lease ends); look again shortly instead of dying.
                log.warning("dispatcher %s: the database is busy; trying again", self.worker)
                stop.wait(1.0)

    def _run_listening(self, stop: threading.Event, url) -> None:
        import psycopg

        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as listener:
                    listener.execute(f"LISTEN {WAKE_CHANNEL}")
                    while not stop.is_set():
                        self.run_once()
                        # Wakes on the first NOTIFY (or after the fallback interval).
                        for _ in listener.notifies(timeout=LISTEN_FALLBACK_SECONDS, stop_after=1):
                            pass
            except psycopg.OperationalError:
                log.warning("dispatcher %s: lost the database connection; retrying", self.worker)
                stop.wait(1.0)
