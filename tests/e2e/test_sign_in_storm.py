"""A storm of wrong passwords against the demo as scripts/demo runs it (three gunicorn
workers sharing the rate-limit store): the storming address is refused after the configured
number of failures, counted once across every worker, and the right password from another
address still gets in (issue 21: lockouts nobody can cause).

The client's address comes from ``X-Forwarded-For`` (TRUSTED_PROXIES=1, as behind nginx).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from config import RATE_LIMITS
from tests.support.http import HTTP_TIMEOUT, running_demo

pytestmark = pytest.mark.slow

STORM, OFFICE = "203.0.113.66", "198.51.100.10"


def test_a_storm_from_one_address_across_workers_does_not_stop_the_owner_from_another(tmp_path):
    env = {"WORKERS": "3", "TRUSTED_PROXIES": "1", **{n: None for n in os.environ if n.startswith("RATELIMIT_")}}
    with running_demo(tmp_path, env) as base:
        login = next(line for line in (tmp_path / "logins.txt").read_text().splitlines() if line.startswith("staff:"))
        _, username, password = login.split()

        def attempt(password_tried: str, address: str) -> int:
            # A new connection each time: the tries spread over the workers.
            return requests.post(
                f"{base}/api/v1/auth/token", json={"username": username, "password": password_tried},
                headers={"X-Forwarded-For": address}, timeout=HTTP_TIMEOUT,
            ).status_code  # fmt: skip

        with ThreadPoolExecutor(max_workers=6) as pool:
            storm = list(pool.map(lambda i: attempt(f"wrong guess {i}", STORM), range(40)))
        owner = attempt(password, OFFICE)
        stormer_with_the_right_one = attempt(password, STORM)

    allowed = int(RATE_LIMITS["LOGIN"][1].split()[0])  # wrong passwords per username and address a minute
    assert storm.count(401) == allowed and storm.count(429) == 40 - allowed, storm
    assert owner == 200
    assert stormer_with_the_right_one == 429
