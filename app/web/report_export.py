"""A report as CSV or as an Excel workbook: the same figures as the JSON, section by section.

Both walk ``Report.sections`` generically (any section a part registers is exported without a
change here) and write one line per figure: the section, the figure's dotted name within it
(``walk_in.issued``, ``groups.staff``), its value, and a label in the reader's language. A
missing figure (no data) is an empty cell; percentages are numbers (85.3 means 85.3 %).
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext

from app.domain.channels import CHANNEL_LABELS, Channel
from app.domain.report_figures import FIGURE_LABELS, SECTION_TITLES, flatten
from app.domain.survey import GROUP_LABELS
from app.services.reports import Report

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def section_title(name: str) -> str:
    title = SECTION_TITLES.get(name)
    return gettext(title) if title else name.replace("_", " ")


def figure_label(name: str) -> str:
    """``walk_in.issued`` → "Walk-in · issued" in the reader's language."""
    words = []
    for part in name.split("."):
        channel = Channel.parse(part)
        if channel is not None:
            words.append(gettext(CHANNEL_LABELS[channel]))
        elif part in GROUP_LABELS:
            words.append(gettext(GROUP_LABELS[part]))
        elif part in FIGURE_LABELS:
            words.append(gettext(FIGURE_LABELS[part]))
        else:
            words.append(part.replace("_", " "))
    return " · ".join(words)


def _lines(report: Report) -> list[tuple[str, str, object]]:
    office = report.office.code if report.office else "all"
    lines: list[tuple[str, str, object]] = [
        ("report", "office", office),
        ("report", "from", report.first.isoformat()),
        ("report", "to", report.last.isoformat()),
    ]
    for section, figures in report.sections.items():
        lines.extend((section, name, value) for name, value in flatten(figures))
    return lines


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def report_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Thai labels right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "figure", "value", "label"])
    for section, name, value in _lines(report):
        label = f"{section_title(section)} — {figure_label(name)}" if section != "report" else ""
        writer.writerow([section, name, _cell(value), label])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: Report, locale: str) -> bytes:
    """A workbook with a "Report" sheet (a title, then section, figure, value, label) and, for
    all offices, an "Offices" sheet with a line per office."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    office = report.office.name(locale) if report.office else gettext("All offices")
    sheet.append([gettext("Khiw report"), office])
    sheet.append([gettext("From"), report.first.isoformat(), gettext("To"), report.last.isoformat()])
    sheet.append([])
    header = ["section", "figure", "value", "label"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for section, name, value in _lines(report):
        label = f"{section_title(section)} — {figure_label(name)}" if section != "report" else ""
        sheet.append([section, name, value, label])
    for column, width in zip("ABCD", (18, 28, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    if report.offices:
        lines = book.create_sheet("Offices")
        lines.append(["office", "name", "issued", "served", "no_show_pct", "wait_mean_minutes", "satisfied_pct",
                      "responses"])  # fmt: skip
        for cell in lines[1]:
            cell.font = Font(bold=True)
        for o in report.offices:
            lines.append([o.code, o.name(locale), o.issued, o.served, o.no_show_pct, o.wait_mean, o.satisfied_pct,
                          o.responses])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_filename(report: Report, extension: str) -> str:
    office = report.office.code if report.office else "all-offices"
    return f"khiw-report-{office}-{report.first.isoformat()}-{report.last.isoformat()}.{extension}"
