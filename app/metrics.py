"""Prometheus metrics (``GET /metrics``, the contract's "Operations").

Counters and histograms are kept by prometheus_client. Under gunicorn every worker is its own
process, so they run in prometheus_client's **multiprocess mode**: ``PROMETHEUS_MULTIPROC_DIR``
names a directory where each worker keeps its values in a memory-mapped file, and a scrape —
whichever worker answers it — sums the files of every worker (``gunicorn.conf.py`` sets the
directory up and marks a dead worker's files, ``child_exit``). Without the variable (``flask
run``, the tests) the values live in this process.

The gauges (outbox backlog and age, dead letters, people waiting) are read from the database
at scrape time, so every server answers the same figures.

No label holds a token or personal data: routes are the URL *rule* (``/b/<token>``), never
the path; offices are their public codes.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import values as _values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: This process's own metrics (not the library's global registry: create_app may run many times).
REGISTRY = CollectorRegistry(auto_describe=True)

BOOKINGS = Counter(
    "khiw_bookings",
    "Bookings attempted at an office, by channel and outcome (booked, held, or the refusal's error code).",
    ["office", "channel", "outcome"],
    registry=REGISTRY,
)
HTTP_REQUESTS = Counter(
    "khiw_http_requests",
    "HTTP requests answered, by route (the URL rule, never a token) and status.",
    ["route", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "khiw_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


# prometheus_client chose its storage when it was first imported (just above): files under
# PROMETHEUS_MULTIPROC_DIR, or this process's memory. The scrape must read the same place, even
# if the variable is set later in this process (gunicorn.conf.py, loaded by a test).
_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
_MULTIPROCESS = _values.ValueClass is not _values.MutexValue


def multiprocess_dir() -> str | None:
    return _MULTIPROC_DIR if _MULTIPROCESS else None


def count_bookings(place: Callable) -> Callable:
    """Wrap the one write every channel shares (``services.booking.place_ticket``): count each
    attempt that reached an office by its outcome (``booked``, ``held``, the refusal's code)."""

    @functools.wraps(place)
    def counted(office, service, placement, person, **kwargs):
        from sqlalchemy.exc import IntegrityError

        from app.domain.errors import KhiwError

        channel = getattr(placement.channel, "value", str(placement.channel))
        try:
            result = place(office, service, placement, person, **kwargs)
        except KhiwError as error:
            BOOKINGS.labels(office.code, channel, error.code).inc()
            raise
        except IntegrityError:  # resolved by the caller (already booked, a retried key)
            BOOKINGS.labels(office.code, channel, "conflict").inc()
            raise
        BOOKINGS.labels(office.code, channel, "held" if kwargs.get("hold") else "booked").inc()
        return result

    return counted


def register_request_metrics(app: Flask) -> None:
    """Count every answer and time it, by route."""

    @app.before_request
    def _start_clock() -> None:
        g._khiw_started = time.perf_counter()

    @app.after_request
    def _record(response):
        started = g.pop("_khiw_started", None)
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        HTTP_REQUESTS.labels(rule, str(response.status_code)).inc()
        if started is not None:
            HTTP_DURATION.labels(rule).observe(time.perf_counter() - started)
        return response


class _DatabaseGauges:
    """The gauges the contract reads from the database at scrape time."""

    def __init__(self, figures) -> None:
        self.figures = figures

    def collect(self):
        f = self.figures
        pending = GaugeMetricFamily(
            "khiw_outbox_pending", "Messages in the outbox not yet sent, by channel.", labels=["channel"]
        )
        for channel, count in sorted(f.outbox_pending.items()):
            pending.add_metric([channel], count)
        yield pending
        yield GaugeMetricFamily(
            "khiw_outbox_oldest_pending_seconds",
            "Age of the oldest message not yet sent (0 when none waits).",
            value=f.outbox_oldest_pending_seconds,
        )
        # A count of rows, read at scrape time: exposed as a counter family named *_total,
        # as the contract names it (it only falls when the purge removes old dead letters).
        dead = CounterMetricFamily(
            "khiw_dead_letters", "Messages given up on (dead letters), by channel.", labels=["channel"]
        )
        for channel, count in sorted(f.dead_letters.items()):
            dead.add_metric([channel], count)
        yield dead
        waiting = GaugeMetricFamily(
            "khiw_waiting", "People checked in and waiting for their call today, by office and channel.",
            labels=["office", "channel"],
        )  # fmt: skip
        for (office, channel), count in sorted(f.waiting.items()):
            waiting.add_metric([office, channel], count)
        yield waiting


class _ThisProcess:
    """This process's own counters (no multiprocess directory: ``flask run``, tests)."""

    def collect(self):
        yield from REGISTRY.collect()


def exposition(figures) -> bytes:
    """The text a scrape answers: every worker's counters summed, plus the database gauges."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_dir()
    if directory:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(_DatabaseGauges(figures))
    return generate_latest(registry)
