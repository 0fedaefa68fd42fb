"""A limit holds across app servers: two gunicorn servers sharing one store let through the
configured number of wrong sign-ins between them, not that number each.

The stores: ``database://`` on PostgreSQL (the counts in Khiw's own database; on SQLite,
scripts/demo's three workers share them: tests/e2e/test_demo_limits_and_logs.py), and a
real Redis server started on a loopback port (``redis://``), when redis-server is installed
(scripts/bootstrap --dev does).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.support.http import HTTP_TIMEOUT, ServerNotReady, free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
LIMIT = 4


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway Redis server on loopback, or a skip when redis-server is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/bootstrap --dev installs it)")
    import redis

    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start (exit status {process.poll()})")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def _serve(database_url: str, storage_uri: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_LOGIN_PERSON": f"{LIMIT} per minute",
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--worker-class", "gthread", "--threads", "4", "app:create_app()"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown: nothing is left to finish
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.parametrize("store", ["database", "redis"])
def test_two_servers_sharing_a_store_let_through_the_limit_between_them(
    request, store, database_url, engine_name, committed_app, tmp_path
):
    if store == "redis" and engine_name != "sqlite":
        pytest.skip("Redis counts the same whatever Khiw's database: once is enough")
    if store == "database" and engine_name == "sqlite":
        pytest.skip("three workers sharing SQLite's counts: tests/e2e/test_demo_limits_and_logs.py")
    storage_uri = request.getfixturevalue("redis_url") if store == "redis" else "database://"
    servers = [_serve(database_url, storage_uri, tmp_path / f"server{i}.log") for i in range(2)]
    try:
        for i, (process, base) in enumerate(servers):
            try:
                wait_until_serving(f"{base}/api/v1/offices", within=120, process=process)
            except ServerNotReady as exc:
                pytest.fail(f"server {i}: {exc}\n{(tmp_path / f'server{i}.log').read_text()[-2000:]}")
        statuses = [
            requests.post(
                f"{servers[i % 2][1]}/api/v1/auth/token",
                json={"username": f"nobody-{store}", "password": "wrong-password"},
                timeout=HTTP_TIMEOUT,
            ).status_code
            for i in range(3 * LIMIT)
        ]
    finally:
        for process, _ in servers:
            _stop(process)
        if store == "redis":
            import redis

            redis.Redis.from_url(storage_uri).flushdb()

    assert statuses.count(401) == LIMIT, statuses  # not LIMIT on each server
    assert statuses.count(429) == 2 * LIMIT
