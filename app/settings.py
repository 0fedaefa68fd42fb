"""What the use cases need from configuration, and the clock: plain values, no Flask.

Web views, CLI commands and scheduler jobs all build a ``Settings`` from the app's config
(``Settings.from_config(app.config)``) and pass it to the services; nothing below the web
edge reads ``current_app``. Tests replace the clock through the ``CLOCK`` setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime


def system_clock() -> datetime:
    """The current instant, in UTC (the only place Khiw reads the real clock)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    public_base_url: str
    id_hmac_key: bytes
    max_accuracy_m: float = 150.0
    retention_days: int = 90  # personal data of a booking is kept this long after its day
    line_basic_id: str = ""  # the office's LINE account (``@…``) when LINE is set up; "" = no LINE
    clock: Callable[[], datetime] = system_clock

    def now(self) -> datetime:
        return self.clock()

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        return cls(
            public_base_url=config["PUBLIC_BASE_URL"],
            id_hmac_key=config["ID_HMAC_KEY"],
            max_accuracy_m=config["GEOFENCE_MAX_ACCURACY_M"],
            retention_days=config.get("PERSONAL_DATA_RETENTION_DAYS", 90),
            line_basic_id=(config.get("LINE_BASIC_ID") or "") if config.get("LINE_ENABLED") else "",
            clock=config.get("CLOCK") or system_clock,
        )
