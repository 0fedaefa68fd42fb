"""The three ways to take a place in the queue."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    WALK_IN = "walk_in"  # paper ticket from the kiosk
    WEB = "web"  # booked ahead for a day and time window
    MOBILE = "mobile"  # booked on a phone near the office, for today

    @classmethod
    def parse(cls, value: object) -> Channel | None:
        try:
            return cls(value)  # type: ignore[arg-type]
        except ValueError:
            return None


DEFAULT_PREFIXES = {Channel.WALK_IN: "A", Channel.WEB: "W", Channel.MOBILE: "M"}
