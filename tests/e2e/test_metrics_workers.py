"""/metrics sums the counters of every gunicorn worker (real processes, gunicorn.conf.py).

Three worker processes serve requests; whichever of them answers a scrape, the count of
requests is the total over all three, also after one worker is killed and replaced (its
counts stay in the sum: ``child_exit`` marks it dead).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http import HTTP_TIMEOUT, free_port, stop_process_group, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

TOKEN = "workers-metrics-token-0123456789"
WORKERS = 3
REQUESTS = 90


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _count(base: str, route: str) -> float:
    body = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=HTTP_TIMEOUT).text
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "khiw_http_requests_total" and sample.labels == {"route": route, "status": "200"}:
                return sample.value
    return 0.0


def _workers(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                status = (entry / "status").read_text()
                if re.search(rf"^PPid:\s+{master}$", status, re.MULTILINE):
                    children.append(int(entry.name))
    return children


def test_metrics_are_summed_over_every_worker_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'khiw.db'}"
    _migrate(url)
    metrics_dir = tmp_path / "metrics"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KHIW_ENV": "development",
        "SECRET_KEY": "metrics-secret",
        "ID_HMAC_KEY": "metrics-hmac-key-0123456789",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    # Sync workers take one connection at a time, so concurrent clients are spread over the
    # worker processes (the counting is the same for gthread, which production runs).
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "sync", "--workers", str(WORKERS), "app:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_serving(f"{base}/healthz", within=120, process=server)
        before = _count(base, "/readyz")

        def ready(_):
            return requests.get(f"{base}/readyz", timeout=HTTP_TIMEOUT).status_code  # a new connection each

        # Each worker keeps its own file; more than one worker must serve. On a busy machine
        # one worker can take a whole round alone, so rounds go on (up to a minute) until two have.
        sent, deadline = 0, time.monotonic() + 60
        while True:
            with ThreadPoolExecutor(max_workers=9) as pool:
                assert set(pool.map(ready, range(REQUESTS))) == {200}
            sent += REQUESTS
            served_by = {p.name for p in metrics_dir.glob("counter_*.db")}
            if len(served_by) >= 2 or time.monotonic() > deadline:
                break
        assert len(served_by) >= 2, f"only {served_by} counted: the requests were not spread"
        # Every scrape, whichever worker answers it, has the total of all of them.
        totals = {_count(base, "/readyz") - before for _ in range(12)}
        assert totals == {sent}

        # A worker killed outright is replaced; what it counted stays in the sum.
        victim = _workers(server.pid)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (victim in _workers(server.pid) or len(_workers(server.pid)) < WORKERS) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert victim not in _workers(server.pid)
        assert {_count(base, "/readyz") - before for _ in range(6)} == {sent}
    finally:
        stop_process_group(server)
        log.close()
