"""The delayed requests and their notices as a table: the copy Section 10 asks the office to
send on to the OPDC (ก.พ.ร.), as CSV (with a BOM so Excel opens the Thai) and as an Excel
workbook. Headers, statuses and channels in the reader's language (Thai by default), dates as
dates, every text cell formula-safe (``app.web.spreadsheet``). Pure functions of the views the
service returned."""

from __future__ import annotations

from flask_babel import gettext

from app.domain.calendar import BANGKOK
from app.domain.requests import REQUEST_STATUS_LABELS
from app.services.requests import RequestView

from ..spreadsheet import Column, Table, to_csv, to_xlsx

_CHANNELS = {"sms": "SMS", "email": "E-mail", "letter": "Letter"}


def _columns() -> list[Column]:
    return [
        Column(gettext("Reference")), Column(gettext("Service")), Column(gettext("Applicant")),
        Column(gettext("Filed on"), "date"), Column(gettext("Due on"), "date"), Column(gettext("Status")),
        Column(gettext("Days late"), "int"), Column(gettext("Notice no."), "int"),
        Column(gettext("Notice sent on"), "date"), Column(gettext("Reason for the delay")),
        Column(gettext("Sent by")),
    ]  # fmt: skip


def delayed_rows(views: list[RequestView], locale: str = "th") -> list[list]:
    """One row per notice (a request without a notice yet gets one row with empty notice cells)."""
    rows = []
    for v in views:
        service = v.service.name_en if locale == "en" and getattr(v.service, "name_en", None) else v.service.name_th
        base = [v.reference, service, v.name or "", v.submitted_on, v.due_on,
                gettext(REQUEST_STATUS_LABELS[v.status]), v.timing.days_late]  # fmt: skip
        if not v.notices:
            rows.append([*base, None, None, None, None])
        for n in v.notices:
            sent = n.sent_at.astimezone(BANGKOK).date()
            channels = ", ".join(gettext(_CHANNELS[c]) if c in _CHANNELS else c for c in n.channels)
            rows.append([*base, n.seq, sent, n.reason, channels])
    return rows


def delayed_table(views: list[RequestView], locale: str = "th") -> Table:
    return Table(gettext("Delayed requests and their notices (Section 10)"), _columns(), delayed_rows(views, locale))


def delayed_csv(views: list[RequestView], locale: str = "th") -> bytes:
    return to_csv([], [delayed_table(views, locale)])


def delayed_xlsx(views: list[RequestView], locale: str = "th") -> bytes:
    return to_xlsx([], [delayed_table(views, locale)])
