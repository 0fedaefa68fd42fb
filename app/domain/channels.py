"""The three ways to take a place in the queue."""

from __future__ import annotations

from enum import StrEnum

from .errors import N_


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

#: How each channel reads to a person (translated by whoever shows it).
CHANNEL_LABELS = {Channel.WALK_IN: N_("Walk-in"), Channel.WEB: N_("Web"), Channel.MOBILE: N_("Mobile")}
