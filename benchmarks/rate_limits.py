"""What counting one rate-limited request costs in each store, and under 8 threads.

A limited request hits 2–4 limits (per address, per person) and reads one back for its
headers: each hit is one ``INSERT … ON CONFLICT … RETURNING`` in ``database://``. Prints the
median and p99 of one hit (incr, then get and get_expiry as the headers do) for memory://,
database:// on SQLite (the file beside the database) and on a throwaway PostgreSQL, and
redis:// on a throwaway Redis server (when redis-server is installed).

    .venv/bin/python benchmarks/rate_limits.py
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from limits.storage import storage_from_string

HITS = 2000
THREADS = 8


def _one_hit(storage, key: str) -> float:
    start = time.perf_counter()
    storage.incr(key, 60)
    storage.get(key)
    storage.get_expiry(key)
    return (time.perf_counter() - start) * 1000


def measure(name: str, storage) -> None:
    single = [_one_hit(storage, f"LIMITER/bench/{i % 50}") for i in range(HITS)]
    threaded: list[float] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        times = [_one_hit(storage, f"LIMITER/bench/{n}/{i % 50}") for i in range(HITS // THREADS)]
        with lock:
            threaded.extend(times)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(threaded, n=100)[98]
    print(
        f"{name:28} one thread: median {statistics.median(single):.3f} ms, "
        f"p99 {statistics.quantiles(single, n=100)[98]:.3f} ms | {THREADS} threads: p99 {p99:.3f} ms, "
        f"{len(threaded) / elapsed:,.0f} hits/s"
    )
    storage.reset()


def main() -> None:
    import app.ratelimit_storage  # registers database://
    from tests.support.postgres import PRODUCTION_SETTINGS, ThrowawayPostgres

    measure("memory://", storage_from_string("memory://"))
    with tempfile.TemporaryDirectory() as tmp:
        measure("database:// (SQLite file)", storage_from_string("database://", database_url=f"sqlite:///{tmp}/k.db"))
    server = ThrowawayPostgres(settings=PRODUCTION_SETTINGS).start()
    try:
        url = server.create_database("khiw_bench_limits")
        from flask_migrate import upgrade

        from app import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
        measure("database:// (PostgreSQL)", storage_from_string("database://", database_url=url))
    finally:
        server.stop()
    binary = shutil.which("redis-server")
    if binary is None:
        print("redis://: redis-server is not installed")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
                             stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(0.5)
        measure("redis://", storage_from_string(f"redis://127.0.0.1:{port}/0"))
    finally:
        redis.terminate()
        redis.wait()


if __name__ == "__main__":
    main()
