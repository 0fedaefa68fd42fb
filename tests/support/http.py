"""Talking over HTTP to a server the tests (or benchmarks) started, without flaking.

Right after gunicorn or a test server starts, on a loaded two-core machine, the first
answer can take many seconds (workers importing the app, the first database connection).
So the readiness wait treats every request failure as "not ready yet", gives each attempt
a generous read timeout, and gives up only at an overall deadline or when the server
process has exited. Later calls use HTTP_TIMEOUT: generous, but never forever.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import requests

__all__ = ["HTTP_TIMEOUT", "ServerNotReady", "free_port", "running_demo", "wait_until_serving"]

ROOT = Path(__file__).resolve().parents[2]

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


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on *host* that is free right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_demo(workdir: Path, env: Mapping[str, str | None]) -> Iterator[str]:
    """Run ``scripts/demo`` exactly as the README's first command does (bootstrap, migrations,
    seed-demo, gunicorn and the scheduler) on a fresh SQLite file in *workdir*, with *env* on
    top of this process's environment (a ``None`` value removes the variable); yield its base
    URL once the API answers, then stop it as Ctrl-C would. Its output: ``workdir/demo.log``."""
    port = free_port()
    full_env = {
        **os.environ,
        "KHIW_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
        "KHIW_DEMO_LOGINS": str(workdir / "logins.txt"),
        **env,
        "PORT": str(port),
    }
    full_env = {name: value for name, value in full_env.items() if value is not None}
    log_path = workdir / "demo.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["bash", "scripts/demo"], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                # Bootstrap, migrations and seeding come first; gunicorn's first answer can be slow.
                wait_until_serving(f"{base}/api/v1/offices", within=300, process=process)
            except ServerNotReady as exc:
                tail = log_path.read_text()[-3000:]
                raise ServerNotReady(f"scripts/demo did not serve the API: {exc}\n{tail}") from None
            yield base
        finally:
            stop_process_group(process, grace=60)  # gunicorn's graceful stop, on a possibly busy machine


def stop_process_group(process: subprocess.Popen, grace: float = 30) -> None:
    """Stop a server started with ``start_new_session=True`` and everything it started: SIGTERM
    to its process group, then SIGKILL if it has not ended within ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
