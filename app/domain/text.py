"""Free text people and staff write (a complaint, a reply, a delay reason, a note, why a
booking was cancelled): the one rule every such field follows, so the API's document can
state it once (its `free-text` format, and a `pattern` built from ``HIDDEN_CLASS`` below).

Any letters, digits, punctuation, symbols and spaces; line breaks (``\\n``, ``\\r\\n``) and tabs.
Refused: other control characters (NUL, escape sequences, a lone ``\\r``), invisible format
characters (bidirectional overrides, zero-width spaces), surrogates, private-use characters and
noncharacters — none can be shown, and each can mislead whoever reads the text. A limit counts
the characters as sent.
"""

from __future__ import annotations

import re
import unicodedata

from .letters import LETTER_CLASS

#: The characters no free text and no name may hold, as code point ranges (one class of a
#: regular expression, so the API's document states exactly this in its ``pattern``s, where
#: any JSON Schema validator reads it): control characters (Unicode Cc), invisible format
#: characters (Cf: soft hyphen, bidirectional marks and overrides, zero-width spaces and
#: joiners, the byte-order mark, language tags …), the private-use characters of the basic
#: plane (Co; the supplementary private-use planes are left out: listing them makes every
#: client's generator slow) and the noncharacters. Lone surrogates are refused too (they are
#: not text; a JSON body holding one is refused before any field is read), but a pattern cannot
#: name them portably.
HIDDEN_CLASS = (
    r"\x00-\x1F\x7F-\x9F\xAD\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u180E\u200B-\u200F"
    r"\u202A-\u202E\u2060-\u2064\u2066-\u206F\uE000-\uF8FF\uFDD0-\uFDEF\uFEFF\uFFF9-\uFFFB\uFFFE\uFFFF"
    r"\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0001"
    r"\U000E0020-\U000E007F"
)
_HIDDEN = re.compile(f"[{HIDDEN_CLASS}\\uD800-\\uDFFF]")
#: White space as Python's ``str.strip`` and JSON Schema's ``\s`` both read it (outside HIDDEN_CLASS).
SPACE_CLASS = r" \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"

#: The document's patterns (JSON Schema, ECMA-262 syntax), built from the classes above:
#: free text holds a character that is not a space; a name holds a letter; neither holds a
#: hidden character (free text may hold tabs and line breaks, ``\n`` or ``\r\n``).
_TEXT_CHAR = rf"(?:[^{HIDDEN_CLASS}]|[\t\n]|\r\n)"
FREE_TEXT_PATTERN = rf"^{_TEXT_CHAR}*[^{SPACE_CLASS}{HIDDEN_CLASS}]{_TEXT_CHAR}*$"
OPTIONAL_TEXT_PATTERN = rf"^{_TEXT_CHAR}*$"
NAME_PATTERN = rf"^[^{HIDDEN_CLASS}]*[{LETTER_CLASS}][^{HIDDEN_CLASS}]*$"
_LETTER = re.compile(f"[{LETTER_CLASS}]")


def showable(text: str) -> bool:
    """Whether every character of ``text`` can be shown (line breaks and tabs can)."""
    return _HIDDEN.search(text.replace("\r\n", "\n").replace("\n", "").replace("\t", "")) is None


def hidden_character(text: str) -> bool:
    """Whether ``text`` holds a character of HIDDEN_CLASS (a tab and a line break are such)."""
    return _HIDDEN.search(text) is not None


def has_letter(text: str) -> bool:
    """Whether ``text`` holds a letter (Thai or Latin: ``app.domain.letters``)."""
    return _LETTER.search(text) is not None


def tidy(text: str) -> str:
    """The text as stored: Windows line breaks made plain, NFC, trimmed."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
