"""The settings every benchmark runs Khiw with: production's, stated once.

- PostgreSQL with its shipped durability (``fsync``, ``synchronous_commit`` and
  ``full_page_writes`` on: ``tests.support.postgres.PRODUCTION_SETTINGS``); the test suite's
  fast server (durability off) is never used for a published figure.
- SQLite as Khiw always runs it: WAL, ``synchronous=NORMAL``.
- ``KHIW_ENV=production``; rate limits **on**, with the shipped limits, counted in their default
  store (``database://``, Khiw's own database, shared by every worker).
- ``TRUSTED_PROXIES=1``, as behind the nginx of ``deploy/``: each simulated citizen sends its own
  ``X-Forwarded-For`` address (wrk's Lua scripts, ``client_headers`` below), so the per-address
  limits count citizens, as they do in production, instead of refusing one busy loopback address.
"""

from __future__ import annotations

import os

from tests.support.postgres import PRODUCTION_SETTINGS

__all__ = ["PRODUCTION_SETTINGS", "SETTINGS_LINE", "client_headers", "production_env"]

#: One line for reports and docs/performance.md, beside every table.
SETTINGS_LINE = (
    "production settings: PostgreSQL fsync/synchronous_commit/full_page_writes on; SQLite WAL "
    "synchronous=NORMAL; rate limits on (shipped limits, database:// store); TRUSTED_PROXIES=1, "
    "one X-Forwarded-For address per simulated citizen"
)


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmarked Khiw process: production settings on *database_url*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATELIMIT_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "KHIW_ENV": "production",
            "TRUSTED_PROXIES": "1",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-secret"),
            "ID_HMAC_KEY": os.environ.get("ID_HMAC_KEY", "benchmark-hmac-key-0123456789"),
            "EMAIL_BACKEND": "null",
            "SMS_BACKEND": "null",
        }
    )
    env.update(extra)
    return env


def client_headers(n: int) -> dict[str, str]:
    """The header a proxy adds for the *n*-th simulated citizen (one address each)."""
    return {"X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"}
