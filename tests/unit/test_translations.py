"""Every message a person can see has a Thai translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages_in_code() -> set[str]:
    method_map = [("app/**.py", "python"), ("notifier/**.py", "python"), ("app/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = extract_from_dir(str(ROOT), method_map=method_map, keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def _thai_catalogue():
    with (ROOT / "app/translations/th/LC_MESSAGES/messages.po").open("rb") as f:
        return read_po(f)


def test_every_message_in_the_code_has_a_thai_translation():
    catalogue = _thai_catalogue()
    missing = sorted(m for m in _messages_in_code() if not (catalogue.get(m) and catalogue.get(m).string))
    assert missing == [], "translate these in app/translations/th/LC_MESSAGES/messages.po"


def test_thai_translations_keep_every_placeholder():
    wrong = [
        m.id
        for m in _thai_catalogue()
        if m.id and m.string and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_the_extractor_finds_domain_messages():
    # Guards the two tests above against an extractor that silently finds nothing.
    assert "Enter your 13-digit national ID number." in _messages_in_code()


def test_the_extractor_finds_the_notifiers_messages():
    # The SMS and e-mail texts are in the catalogue too: a message with no Thai fails the test above.
    found = _messages_in_code()
    assert "Your place is booked." in found and "Khiw: complaint %(reference)s received." in found


def test_no_message_is_translated_twice():
    """Branches that each add messages merge as a union (.gitattributes): a message added by two
    of them would stand twice, and the compiled catalogue would silently keep only one Thai."""
    text = (ROOT / "app/translations/th/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    seen, twice = set(), []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        joined = "\n".join(lines)
        match = re.search(r'^(msgctxt .*\n)?msgid ((?:".*"\n?)+)', joined + "\n", re.M)
        if not match or match.group(2).strip() == '""':
            continue
        key = (match.group(1) or "") + match.group(2)
        if key in seen:
            twice.append(key.strip())
        seen.add(key)
    assert twice == [], "remove the later copy of each from messages.po"
