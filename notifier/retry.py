"""When to try a failed message again, and when to give up (dead-letter it).

Jittered exponential backoff: the n-th retry waits between half and all of
``base · 2^(n-1)`` seconds (capped), so many messages failing together (a provider outage)
do not all come back in the same second. A permanent failure (a wrong number, an address
that does not exist) is not retried at all.
"""

from __future__ import annotations

import random as _random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 5.0
    cap_seconds: float = 900.0

    def delay(self, attempts: int, rng: _random.Random) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1, 2, …)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def gives_up(self, attempts: int, permanent: bool) -> bool:
        """True when the message goes to the dead letters instead of another try."""
        return permanent or attempts >= self.max_attempts
