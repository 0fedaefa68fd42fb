"""Tables written as CSV or as an Excel workbook, the way a head hands them to an auditor:
headers and labels in the reader's language (the caller translates them), numbers as numbers,
percentages as percentages, dates as dates, yes/no in words, never ``True``/``False``.

Every text cell is written as text and **neutralised against formula injection**: a cell that
starts with ``= + - @``, a tab or a carriage return (an office or counter name, a reason a
clerk typed) would be run as a formula by a spreadsheet, so it gets a leading ``'`` (OWASP's
advice), and in a workbook it is stored as a string whatever it starts with.

A cell's kind is its column's, or its own when given as ``Cell(value, kind)``:
``text``, ``int``, ``num`` (one decimal), ``pct`` (85.3 means 85.3 %), ``date`` (a ``date`` or
ISO text), ``yesno`` (a bool).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_MAX = 31
_SHEET_NAME_REFUSED = str.maketrans({c: " " for c in "[]:*?/\\"})


def safe_text(value: object) -> str:
    """Text a spreadsheet shows as typed: a leading ``'`` when it could start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: list[list] = field(default_factory=list)
    note: str | None = None  # a line under the title (e.g. the GECC target)


def _split(value: object, kind: str) -> tuple[object, str]:
    if isinstance(value, Cell):
        return value.value, value.kind
    return value, kind


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def yes_no(value: object) -> str:
    return gettext("Yes") if value else gettext("No")


def csv_text(value: object, kind: str) -> str:
    """A cell as CSV text (what Excel and LibreOffice read back as the same kind)."""
    value, kind = _split(value, kind)
    if value is None or value == "":
        return ""
    if kind == "yesno" or isinstance(value, bool):
        return yes_no(value)
    if kind == "pct" and isinstance(value, int | float):
        return f"{value:.1f}%"
    if kind in ("int", "num") and isinstance(value, int | float):
        return str(value)
    if kind == "date":
        day = _as_date(value)
        return day.isoformat() if day else safe_text(value)
    return safe_text(value)


def display_text(value: object, kind: str) -> str:
    """A cell as a page shows it (escaped by the template, so no formula guard): "–" for
    nothing, "85.3 %" for a share, a date in the reader's way of writing it."""
    value, kind = _split(value, kind)
    if value is None or value == "":
        return "–"
    if kind == "pct" and isinstance(value, int | float):
        return f"{value:.1f} %"
    if kind == "num" and isinstance(value, int | float):
        return f"{value:.1f}"
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if kind == "yesno" or isinstance(value, bool):
        return yes_no(value)
    if kind == "date" and _as_date(value):
        from notifier.dates import thai_date

        from .context import locale

        return thai_date(_as_date(value), "long", locale())
    return str(value)


def to_csv(preamble: Sequence[tuple[str, object]], tables: Sequence[Table]) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Thai): the preamble's
    label/value lines, then each table: its title, its header, its rows, an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, value in preamble:
        writer.writerow([safe_text(label), csv_text(value, "date" if isinstance(value, date) else "text")])
    if preamble:
        writer.writerow([])
    for table in tables:
        writer.writerow([safe_text(table.title)])
        if table.note:
            writer.writerow([safe_text(table.note)])
        writer.writerow([safe_text(c.label) for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_text(v, c.kind) for v, c in zip(row, table.columns, strict=False)])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_FORMATS = {"int": "#,##0", "num": "0.0", "pct": "0.0%", "date": "yyyy-mm-dd"}


def _put(sheet, row: int, column: int, value: object, kind: str):
    """Write one cell with its kind's format; text always as a string, made formula-safe."""
    value, kind = _split(value, kind)
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if kind == "yesno" or isinstance(value, bool):
        value, kind = yes_no(value), "text"
    if kind == "pct" and isinstance(value, int | float):
        cell.value = value / 100
    elif kind in ("int", "num") and isinstance(value, int | float):
        cell.value = value
    elif kind == "date" and _as_date(value):
        cell.value = _as_date(value)
    else:
        kind = "text"
        cell.value = safe_text(value)
        cell.data_type = "s"  # never a formula, whatever it starts with
    if kind in _FORMATS:
        cell.number_format = _FORMATS[kind]
    return cell


def _width(value: object) -> int:
    text = str(value if not isinstance(value, Cell) else value.value or "")
    # Thai vowel and tone marks take no width of their own.
    return sum(1 for ch in text if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"))


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the book."""
    base = " ".join(title.translate(_SHEET_NAME_REFUSED).split())[:_SHEET_NAME_MAX].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: _SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def to_xlsx(preamble: Sequence[tuple[str, object]], tables: Sequence[Table]) -> bytes:
    """A workbook with a sheet per table: the preamble (office, dates) on top, the title in
    bold, a bold header row frozen under it, columns as wide as their content, each cell in
    its kind's format."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, taken))
        widths: dict[int, int] = {}
        row = 1
        for label, value in preamble:
            _put(sheet, row, 1, label, "text").font = Font(bold=True)
            _put(sheet, row, 2, value, "date" if isinstance(value, date) else "text").alignment = Alignment(
                horizontal="left"
            )
            row += 1
        row += 1 if preamble else 0
        _put(sheet, row, 1, table.title, "text").font = Font(bold=True, size=13)
        row += 1
        if table.note:
            _put(sheet, row, 1, table.note, "text")
            row += 1
        for n, column in enumerate(table.columns, start=1):
            _put(sheet, row, n, column.label, "text").font = Font(bold=True)
            widths[n] = max(widths.get(n, 0), _width(column.label))
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
        for values in table.rows:
            row += 1
            for n, (value, column) in enumerate(zip(values, table.columns, strict=False), start=1):
                _put(sheet, row, n, value, column.kind)
                widths[n] = max(widths.get(n, 0), _width(csv_text(value, column.kind)))
        for n, width in widths.items():
            sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = min(max(width + 2, 10), 70)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
