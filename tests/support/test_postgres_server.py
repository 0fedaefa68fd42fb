"""The throwaway PostgreSQL server really starts, stores UTF-8 and goes away cleanly.

No mocks: these tests run initdb and pg_ctl and talk to the server over TCP.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import psycopg
import pytest

from .postgres import PRODUCTION_SETTINGS, ThrowawayPostgres, find_pg_bindir

THAI_PLACE = "ที่ว่าการอำเภอป่าซาง"


def _port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_find_pg_bindir_returns_directory_with_pg_ctl() -> None:
    bindir = find_pg_bindir()
    assert bindir is not None, "no PostgreSQL binaries found; install with apt-get install -y postgresql-15"
    assert (bindir / "pg_ctl").is_file()
    assert (bindir / "initdb").is_file()


def test_server_round_trip_thai_text_then_stops_and_cleans_up() -> None:
    pg = ThrowawayPostgres()
    try:
        assert pg.start() is pg
        assert pg.start() is pg, "start() must be idempotent"
        port = pg.port
        base_dir = pg.base_dir
        assert base_dir is not None and base_dir.is_dir()
        assert pg.version.startswith("15"), pg.version

        url = pg.create_database("khiw_support_test")
        assert url == f"postgresql+psycopg://khiw@127.0.0.1:{port}/khiw_support_test"

        # psycopg takes a libpq URL, not the SQLAlchemy dialect prefix.
        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
            conn.execute("CREATE TABLE place (id serial PRIMARY KEY, name text NOT NULL)")
            conn.execute("INSERT INTO place (name) VALUES (%s)", (THAI_PLACE,))
            conn.commit()
        with psycopg.connect(conninfo) as conn:
            row = conn.execute("SELECT name, length(name) FROM place").fetchone()
        assert row == (THAI_PLACE, len(THAI_PLACE))

        # Re-creating drops the old database, so the table is gone.
        pg.create_database("khiw_support_test")
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT to_regclass('public.place')").fetchone() == (None,)
    finally:
        pg.stop()

    assert not _port_accepts(port), f"port {port} still accepts connections after stop()"
    assert not Path(base_dir).exists(), f"{base_dir} still exists after stop()"
    pg.stop()  # a second stop is harmless


def test_context_manager_stops_server() -> None:
    with ThrowawayPostgres() as pg:
        port = pg.port
        with psycopg.connect(host="127.0.0.1", port=port, user="khiw", dbname="postgres") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert not _port_accepts(port)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="khiw",
            dbname="postgres",
            connect_timeout=2,
        )


def test_start_and_stop_are_quick() -> None:
    begin = time.monotonic()
    pg = ThrowawayPostgres().start()
    pg.stop()
    assert time.monotonic() - begin < 10


DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")


def _durability(pg: ThrowawayPostgres) -> dict[str, str]:
    with psycopg.connect(host="127.0.0.1", port=pg.port, user="khiw", dbname="postgres") as conn:
        return {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in DURABILITY}


def test_suite_server_trades_durability_for_speed_and_benchmark_server_keeps_it() -> None:
    """The suite's default server runs without durability; the one benchmarks ask for
    (PRODUCTION_SETTINGS) has PostgreSQL's shipped durability, so published figures are honest."""
    with ThrowawayPostgres() as fast:
        assert _durability(fast) == dict.fromkeys(DURABILITY, "off")
    with ThrowawayPostgres(settings=PRODUCTION_SETTINGS) as durable:
        assert _durability(durable) == dict.fromkeys(DURABILITY, "on")
