"""The audit's sentences in the reader's language (``app.domain.audit_sentences`` decides what
they say; here each message and its worded values are translated, dates written as people
read them), and the raw record as a CSV for export."""

from __future__ import annotations

import json
from datetime import date

from flask_babel import gettext

from app.domain.audit_sentences import Sentence, Words
from app.services.audit import AuditLine
from notifier.dates import thai_date

from ..spreadsheet import Column, Table, to_csv


def _show(value: object, locale: str) -> str:
    if isinstance(value, Sentence):
        return say(value, locale)
    if isinstance(value, Words):
        return gettext(value.message)
    if isinstance(value, list):
        return ", ".join(_show(v, locale) for v in value) or "—"
    if isinstance(value, date):
        return thai_date(value, "long", locale)
    if value is None:
        return "—"
    return str(value)


def say(sentence: Sentence, locale: str) -> str:
    """One sentence, translated, its values in words."""
    values = {name: _show(value, locale) for name, value in sentence.values.items()}
    return gettext(sentence.message, **values)


def line_sentences(line: AuditLine, locale: str) -> list[str]:
    return [say(s, locale) for s in line.sentences()]


def raw_csv(lines: list[AuditLine], locale: str) -> bytes:
    """The raw record, for export: when (UTC), who (username), entity, id, action, before and
    after as JSON — plus the sentence a head reads."""
    table = Table(gettext("Audit"), [
        Column(gettext("When (UTC)")), Column(gettext("Username")), Column(gettext("Record")), Column(gettext("Id")),
        Column(gettext("Action")), Column(gettext("Before (JSON)")), Column(gettext("After (JSON)")),
        Column(gettext("What changed")),
    ])  # fmt: skip
    for line in lines:
        table.rows.append([
            line.at.isoformat(), line.username, line.entity, line.entity_id, line.action,
            json.dumps(line.before, ensure_ascii=False, sort_keys=True) if line.before is not None else None,
            json.dumps(line.after, ensure_ascii=False, sort_keys=True) if line.after is not None else None,
            " / ".join(line_sentences(line, locale)),
        ])  # fmt: skip
    return to_csv([], [table])
