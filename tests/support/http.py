"""Talking over HTTP to a server the tests (or benchmarks) started, without flaking.

Right after gunicorn or a test server starts, on a loaded two-core machine, the first
answer can take many seconds (workers importing the app, the first database connection).
So the readiness wait treats every request failure as "not ready yet", gives each attempt
a generous read timeout, and gives up only at an overall deadline or when the server
process has exited. Later calls use HTTP_TIMEOUT: generous, but never forever.
"""

from __future__ import annotations

import subprocess
import time

import requests

__all__ = ["HTTP_TIMEOUT", "ServerNotReady", "wait_until_serving"]

#: (connect, read) seconds for one call to a server on this machine once it is up.
HTTP_TIMEOUT = (10.0, 60.0)

#: Seconds one readiness attempt may wait for its answer.
READ_TIMEOUT = 30.0


class ServerNotReady(RuntimeError):
    """The server did not answer 200 before the deadline, or its process exited."""


def wait_until_serving(
    url: str, *, within: float = 180.0, process: subprocess.Popen | None = None, pause: float = 0.25
) -> None:
    """Return once GET *url* answers 200; raise ServerNotReady after *within* seconds.

    Connection refused, resets, timeouts and any other requests error only mean "not
    ready yet". When *process* (the server's) exits, waiting stops at once.
    """
    deadline = time.monotonic() + within
    last = "no attempt finished"
    while True:
        if process is not None and process.poll() is not None:
            raise ServerNotReady(f"the server exited with status {process.returncode} before {url} answered ({last})")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServerNotReady(f"{url} did not answer 200 within {within:.0f} s (last: {last})")
        try:
            response = requests.get(url, timeout=(min(10.0, remaining), min(READ_TIMEOUT, remaining)))
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
