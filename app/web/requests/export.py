"""The delayed requests and their notices as a table: the copy Section 10 asks the office to
send on (CSV with a BOM so Excel opens the Thai, and an Excel workbook). Pure functions of
the views the service returned."""

from __future__ import annotations

import csv
import io

from app.domain.calendar import BANGKOK
from app.services.requests import RequestView

HEADER = ["reference", "service", "applicant", "submitted_on", "due_on", "status", "days_late",
          "notice_n", "notice_sent_on", "reason", "channels"]  # fmt: skip


def delayed_rows(views: list[RequestView]) -> list[list]:
    """One row per notice (a request without a notice yet gets one row with empty notice cells)."""
    rows = []
    for v in views:
        base = [v.reference, v.service.name_th, v.name or "", v.submitted_on.isoformat(), v.due_on.isoformat(),
                v.status.value, v.timing.days_late]  # fmt: skip
        if not v.notices:
            rows.append([*base, "", "", "", ""])
        for n in v.notices:
            sent = n.sent_at.astimezone(BANGKOK).date().isoformat()
            rows.append([*base, n.seq, sent, n.reason, ",".join(n.channels)])
    return rows


def _safe(value):
    # A cell starting with = + - @ is read as a formula by spreadsheets: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def delayed_csv(views: list[RequestView]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in delayed_rows(views):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def delayed_xlsx(views: list[RequestView]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "delayed requests"
    sheet.append(HEADER)
    for row in delayed_rows(views):
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
