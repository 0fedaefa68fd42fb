"""Free text people and staff write (a complaint, a reply, a delay reason, a note, why a
booking was cancelled): the one rule every such field follows, so the API's document can
state it once (its `free-text` format).

Any letters, digits, punctuation, symbols and spaces; line breaks (``\\n``, ``\\r\\n``) and tabs.
Refused: other control characters (NUL, escape sequences, a lone ``\\r``), invisible format
characters (bidirectional overrides, zero-width spaces), surrogates, private-use and unassigned
characters — none can be shown, and each can mislead whoever reads the text. A limit counts
the characters as sent.
"""

from __future__ import annotations

import unicodedata

#: Unicode categories refused in free text: control, format, surrogate, private use, unassigned.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def showable(text: str) -> bool:
    """Whether every character of ``text`` can be shown (line breaks and tabs can)."""
    return all(ch in "\n\t" or unicodedata.category(ch) not in REFUSED_CATEGORIES for ch in text.replace("\r\n", "\n"))


def tidy(text: str) -> str:
    """The text as stored: Windows line breaks made plain, NFC, trimmed."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
