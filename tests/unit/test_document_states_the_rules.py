"""The API's document states the rules the server checks on names and free text, as JSON
Schema patterns a generic validator reads (issue 17 §6): a client generated from the document
sends nothing the server refuses for a reason the document does not give, and the other way
round. jsonschema_rs (the validator schemathesis uses) stands for "a generic tool"."""

from __future__ import annotations

import jsonschema_rs
import pytest

from app.domain.booking import parse_name
from app.domain.complaints import parse_text
from app.domain.errors import KhiwError
from app.domain.text import FREE_TEXT_PATTERN, NAME_PATTERN, OPTIONAL_TEXT_PATTERN
from app.web.api.spec import load_spec

NAMES = ["สมชาย ใจดี", "Somchai Jaidee", "José Álvarez", "王小明", "Иван", "แม่", "A", "", "   ", "000", "12-34",
         "Som\x00chai", "Som\u202echai", "Som\u200bchai", "Som\u00adchai", "Som\tchai", "Som\nchai", "Som\x1bchai",
         "x\U000e0001", "x\ue000", "x\U000f0001", "x\ufeff", "Ⅻ", "สม\u3000ชาย", "ok\U000d9d35"]  # fmt: skip
TEXTS = ["รอคิวนานเกินสองชั่วโมง", "ok", " ", "\t\n", "\u3000", "\u00a0", "line\r\nnext", "line\nnext\ttab",
         "line\rfeed", "ok\x1b[31m", "Ti\U000e0001late", "\u202ereversed", "zero\u200bwidth",
         "x\ue000", "x\u0085", "ข้อ\u00a0ความ"]  # fmt: skip


def _accepts(parse, raw) -> bool:
    try:
        parse(raw)
    except KhiwError:
        return False
    return True


def _pattern_of(schema: dict) -> str:
    return jsonschema_rs.validator_for({"type": "string", "pattern": schema["pattern"]})


def _free_text_schemas(node, found=None) -> list[dict]:
    found = [] if found is None else found
    if isinstance(node, dict):
        if node.get("format") == "free-text":
            found.append(node)
        for value in node.values():
            _free_text_schemas(value, found)
    elif isinstance(node, list):
        for value in node:
            _free_text_schemas(value, found)
    return found


def test_the_document_states_the_servers_own_patterns_for_names_and_free_text():
    spec = load_spec()
    name = spec["components"]["schemas"]["PersonName"]
    texts = _free_text_schemas(spec)

    assert (name["pattern"], name["minLength"]) == (NAME_PATTERN, 1)
    assert len(texts) >= 6
    assert {t["pattern"] for t in texts} == {FREE_TEXT_PATTERN, OPTIONAL_TEXT_PATTERN}
    assert all(t["pattern"] == FREE_TEXT_PATTERN for t in texts if t.get("minLength") == 1)


@pytest.mark.parametrize("raw", NAMES)
def test_a_generic_validator_and_the_server_agree_on_every_name(raw):
    validator = _pattern_of(load_spec()["components"]["schemas"]["PersonName"])

    assert validator.is_valid(raw) == _accepts(parse_name, raw)


@pytest.mark.parametrize("raw", TEXTS)
def test_a_generic_validator_and_the_server_agree_on_every_free_text(raw):
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": FREE_TEXT_PATTERN})
    server = _accepts(lambda text: parse_text(text, "text", maximum=4000, missing="-"), raw)

    assert validator.is_valid(raw) == server
