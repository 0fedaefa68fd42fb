"""What schemathesis cannot read from a regular expression: the document's own string formats.

``openapi.yaml`` names formats whose rule is not a pattern (a check digit, a phone numbering
plan, Unicode categories: ``person-name``, ``free-text``, ``one-line-text``), and checks
``email`` as the server does (a domain that can receive mail: no special-use names such as
``.test`` or ``.local``). schemathesis loads this module (``hooks`` in
``schemathesis.toml``) and generates schema-valid values of each from these strategies, so a
request it calls valid is one the server must accept.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

from app.domain.identity import thai_id_check_digit
from app.domain.text import has_letter

DIGITS = st.sampled_from("0123456789")


@st.composite
def thai_national_ids(draw) -> str:
    """13 digits whose last is the check digit; the first is 1–8, as on every card issued."""
    first12 = str(draw(st.integers(1, 8))) + "".join(draw(st.lists(DIGITS, min_size=11, max_size=11)))
    digits = first12 + str(thai_id_check_digit(first12))
    if draw(st.booleans()):
        return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"  # as printed on the card
    return digits


@st.composite
def thai_mobiles(draw) -> str:
    """A Thai mobile number (06, 08, 09) as people write it."""
    rest = draw(st.sampled_from(["61", "62", "63", "64", "65", *(f"{n}" for n in range(80, 100))]))
    tail = "".join(draw(st.lists(DIGITS, min_size=7, max_size=7)))
    return draw(st.sampled_from([f"0{rest}{tail}", f"+66{rest}{tail}", f"0{rest}-{tail[:3]}-{tail[3:]}"]))


#: Letters of names people write: Thai (with its vowel and tone marks), Latin, and spaces.
_NAME_CHARACTERS = st.characters(
    codec="utf-8",
    categories=("Lu", "Ll", "Lo", "Mn", "Zs"),
    exclude_characters="\u00a0\u2007\u202f",
)
#: A name needs a Thai or Latin letter (app/domain/letters.py; the document's pattern says so).
person_names = st.text(_NAME_CHARACTERS, min_size=1, max_size=100).filter(has_letter)

#: Free text people type: letters, marks, digits, punctuation, symbols, spaces, line breaks, tabs.
_TEXT_CHARACTERS = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"), include_characters="\n\t")
free_texts = st.one_of(
    st.text(_TEXT_CHARACTERS, min_size=1, max_size=200),
    st.lists(st.text(_TEXT_CHARACTERS, min_size=1, max_size=40), min_size=2, max_size=4).map("\r\n".join),
).filter(lambda text: text.strip() != "")
#: One line of printable characters (Python's ``str.isprintable``): no space but the plain one.
one_line_texts = st.text(
    st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S"), include_characters=" "), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")

_LOCAL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), min_size=1, max_size=20)
_LABEL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), min_size=1, max_size=15)
emails = st.builds(
    lambda user, tag, host, tld: f"{user}{tag}@{host}.{tld}",
    _LOCAL,
    st.sampled_from(["", ".th", "+khiw", "_1"]),
    _LABEL,
    st.sampled_from(["th", "go.th", "co.th", "ac.th", "com", "org", "net"]),
)

schemathesis.openapi.format("email", emails)
schemathesis.openapi.format("thai-national-id", thai_national_ids())
schemathesis.openapi.format("thai-mobile", thai_mobiles())
schemathesis.openapi.format("person-name", person_names)
schemathesis.openapi.format("free-text", free_texts)
schemathesis.openapi.format("one-line-text", one_line_texts)


#: The fuzzed office asks seed 004's example 1 (the default form). The document lists the items
#: of both forms (an office may ask either), and no schema can say "the items of this office's
#: form": a survey answer keeps only example 1's items, so a request called valid is one the
#: server must accept (answering an item of the other form is refused by hand in
#: tests/integration/test_survey_forms.py).
_EXAMPLE_1 = {f"{group}_{n}" for group, count in (("process", 3), ("staff", 4), ("facilities", 4),
                                                   ("service_quality", 2), ("confidence", 4))
              for n in range(1, count + 1)}  # fmt: skip


@schemathesis.hook.apply_to(operation_id="answerSurvey")
def map_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("answers"), dict):
        answers = {k: v for k, v in body["answers"].items() if k in _EXAMPLE_1}
        if not answers and body["answers"]:
            answers = {"process_1": next(iter(body["answers"].values()))}
        body = {**body, "answers": answers}
    return body
