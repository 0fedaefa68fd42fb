"""The office report (``head``, ``admin``): JSON by default, CSV or Excel by ``Accept``."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.services import reports
from app.services.transactions import use_replica

from ..context import locale, now
from ..report_export import CSV_TYPE, XLSX_TYPE, report_csv, report_filename, report_xlsx
from . import api
from .staff import bearer_staff


@api.get("/offices/<code>/report")
def office_report(code: str):
    staff = bearer_staff()
    use_replica()  # the figures may come from DATABASE_REPLICA_URL (docs/scaling.md)
    report = reports.office_report(code, request.args.get("from"), request.args.get("to"), staff, now=now())
    wanted = request.accept_mimetypes.best_match(["application/json", CSV_TYPE, XLSX_TYPE], default="application/json")
    if wanted == CSV_TYPE:
        return _download(report_csv(report, locale()), f"{CSV_TYPE}; charset=utf-8", report_filename(report, "csv"))
    if wanted == XLSX_TYPE:
        return _download(report_xlsx(report, locale()), XLSX_TYPE, report_filename(report, "xlsx"))
    response = jsonify(report.as_json())
    response.vary.add("Accept")
    return response


def _download(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response
