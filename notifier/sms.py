"""How long an SMS is: GSM-7 text fits 160 characters in one segment, anything else
(Thai) is UCS-2 and fits 70 (67 per segment once split)."""

from __future__ import annotations

import math

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` costs."""
    if is_gsm7(text):
        length = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if length <= 160 else math.ceil(length / 153)
    units = len(text.encode("utf-16-le")) // 2  # UCS-2 code units
    return 1 if units <= 70 else math.ceil(units / 67)


def shortest_fit(variants: list[str]) -> str:
    """The first (richest) wording that fits one segment, else the shortest one."""
    for text in variants:
        if segments(text) == 1:
            return text
    return min(variants, key=len)
