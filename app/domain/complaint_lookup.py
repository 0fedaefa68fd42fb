"""How a complainant finds a complaint again (``/c/find``): its reference and the last 4
digits of the phone they gave. A miss reads the same whatever its reason, so the page tells
nobody whether a reference exists."""

from __future__ import annotations

import re

from .errors import N_, InvalidField

#: The letters and digits a reference is made of (no 0/O, 1/I/L: read out on the phone).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_REFERENCE = re.compile(rf"C-[{REFERENCE_ALPHABET}]{{6}}")


def parse_complaint_reference(raw: object, field: str = "reference") -> str:
    """A reference as the complainant types it (``c-7k3m9p``, ``C 7K3M9P``, ``7K3M9P``),
    written as stored: ``C-7K3M9P``."""
    text = "".join(raw.split()).upper().replace("–", "-") if isinstance(raw, str) else ""
    if len(text) == 6:
        text = "C-" + text
    elif len(text) == 7 and text.startswith("C"):
        text = "C-" + text[1:]
    if not _REFERENCE.fullmatch(text):
        raise InvalidField(field, N_("Enter the reference of your complaint as we gave it, e.g. C-7K3M9P."))
    return text
