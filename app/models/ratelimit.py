"""Rate-limit counters that every web worker and every app server shares.

Flask-Limiter counts each limited request; with ``RATELIMIT_STORAGE_URI=database://`` (the
default) the counts live here, so a limit of 10 a minute is 10 across all gunicorn workers
and all machines, not 10 per worker. One row per limit and key (a client address, a keyed
hash of a phone number or national ID, a booking token's hash): a count and when it ends.
Rows are only a cache of counts: deleting them all forgets the current windows, no more.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    # The limit's key, hashed (app/ratelimits.py): never a phone number, ID or token in clear.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, server_default="0")
    # When the current window ends, in seconds since the epoch (the processes' clock).
    expires_at: Mapped[float] = mapped_column(Float, index=True)
