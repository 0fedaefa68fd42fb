"""Report pages for office heads and admins (``/admin/reports``) and the live office view
(``/admin/live``): their own blueprint, signed in with the counter console's staff session
(Flask-Login), so the admin area links them into its navigation.

Each view parses, asks one service (``app.services.reports``), and renders; charts are inline
SVG drawn by ``charts.py``; downloads are the API's CSV and Excel renderings of the same report.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from app.domain.channels import CHANNEL_LABELS, Channel
from app.domain.errors import KhiwError
from app.domain.report_figures import SATISFACTION_TARGET_PCT
from app.domain.roles import Role
from app.domain.status import STATUS_LABELS
from app.domain.survey import GROUP_LABELS, GROUPS
from app.services import reports as service
from app.services.transactions import use_replica

from ..context import locale, now
from ..errors import translate
from ..formatting import register_filters
from ..report_export import (
    CSV_TYPE,
    EVIDENCE_SECTIONS,
    XLSX_TYPE,
    evidence_tables,
    figure_label,
    report_csv,
    report_filename,
    report_xlsx,
    section_title,
)
from ..signin import current_staff as staff
from ..signin import staff_pages
from . import charts

reports = staff_pages(Blueprint("reports", __name__, url_prefix="/admin"))
reports.record_once(lambda state: register_filters(state.app))

#: The sections the page draws itself; any other (issue 13's) is shown as a table of figures.
DRAWN = {"tickets", "wait_minutes", "service_minutes", "satisfaction", "no_show", "capacity", "arrivals_by_hour",
         "follow_ups"}  # fmt: skip


@reports.before_request
def _reports_on_the_replica() -> None:
    """Report pages and their downloads read DATABASE_REPLICA_URL when set (not the live view)."""
    if request.method == "GET" and request.path.startswith("/admin/reports"):
        use_replica()


@reports.context_processor
def _page_helpers() -> dict:
    def lang_url(code: str) -> str:
        """This page in another language, keeping the office and the dates."""
        args = {k: v for k, v in request.args.items() if k != "lang"}
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=code)

    from ..spreadsheet import display_text

    return {"lang_url": lang_url, "cell_text": display_text}


class FollowUpForm(FlaskForm):
    note = TextAreaField()
    back = HiddenField()


def _range_args() -> tuple[str | None, str | None]:
    return request.args.get("from") or None, request.args.get("to") or None


@reports.get("/reports/")
@login_required
def index():
    """An admin sees every office together; a head goes to their office's report."""
    member = staff()
    chosen = request.args.get("office")
    if chosen and chosen != "all":
        return _to_office(chosen)
    if member.role is not Role.ADMIN:
        offices = service.offices_for(member)
        return redirect(url_for("reports.office", code=offices[0].code, **request.args))
    raw_from, raw_to = _range_args()
    report = service.all_offices_report(raw_from, raw_to, member, now=now())
    return _page(report)


@reports.get("/reports/<code>")
@login_required
def office(code: str):
    chosen = request.args.get("office")
    if chosen and chosen != code:
        return _to_office(chosen)
    raw_from, raw_to = _range_args()
    report = service.office_report(code, raw_from, raw_to, staff(), now=now())
    return _page(report)


def _to_office(code: str):
    """The office chosen in the page's list (a plain GET form, so it works without script)."""
    args = {k: v for k, v in request.args.items() if k != "office"}
    if code == "all":
        return redirect(url_for("reports.index", **args))
    return redirect(url_for("reports.office", code=code, **args))


def _page(report: service.Report):
    return render_template(
        "reports/report.html", report=report, charts=_charts(report), extra=_extra_sections(report),
        offices=service.offices_for(staff()), target=SATISFACTION_TARGET_PCT, locale=locale(),
        section_title=section_title, evidence=evidence_tables(report, locale()),
    )  # fmt: skip


def _download(report: service.Report, kind: str) -> Response:
    if kind == "csv":
        body, content_type = report_csv(report, locale()), f"{CSV_TYPE}; charset=utf-8"
    else:
        body, content_type = report_xlsx(report, locale()), XLSX_TYPE
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{report_filename(report, kind)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@reports.get("/reports/<code>.<any(csv, xlsx):kind>")
@login_required
def download(code: str, kind: str):
    raw_from, raw_to = _range_args()
    if code == "all":
        report = service.all_offices_report(raw_from, raw_to, staff(), now=now())
    else:
        report = service.office_report(code, raw_from, raw_to, staff(), now=now())
    return _download(report, kind)


def _charts(report: service.Report) -> dict:
    s = report.sections
    labels = {c.value: gettext(CHANNEL_LABELS[c]) for c in Channel}
    served, missed, cancelled = (gettext(STATUS_LABELS[k]) for k in ("done", "no_show", "cancelled"))
    legend = [charts.Part(0, "bar-served", served), charts.Part(0, "bar-missed", missed),
              charts.Part(0, "bar-cancelled", cancelled)]  # fmt: skip
    rows = [
        (labels[c], [charts.Part(t["served"], "bar-served", served), charts.Part(t["no_show"], "bar-missed", missed),
                     charts.Part(t["cancelled"], "bar-cancelled", cancelled)])
        for c, t in s["tickets"].items()
    ]  # fmt: skip
    tickets = charts.stacked(section_title("tickets"), rows, legend)
    minutes, wait, serve = gettext("min"), gettext("Wait"), gettext("Service")
    times = charts.bars(
        gettext("Waiting and service time (minutes)"),
        [
            charts.Bar(f"{wait} · {figure_label(k)}", s["wait_minutes"][k], "bar-wait", None)
            for k in ("mean", "p50", "p90")
        ]
        + [
            charts.Bar(f"{serve} · {figure_label(k)}", s["service_minutes"][k], "bar-service", None)
            for k in ("mean", "p50", "p90")
        ],
        unit=f" {minutes}",
    )
    liked = s["satisfaction"]
    satisfaction = charts.bars(
        section_title("satisfaction"),
        [charts.Bar(gettext("Overall"), liked["satisfied_pct"], "bar-overall")]
        + [charts.Bar(gettext(GROUP_LABELS[g]), liked["groups"][g], "bar-group") for g in GROUPS],
        scale=100, unit=" %", target=SATISFACTION_TARGET_PCT,
        target_label=gettext("target %(pct)s %%", pct=f"{SATISFACTION_TARGET_PCT:.0f}"),
    )  # fmt: skip
    capacity = charts.bars(
        section_title("capacity"),
        [
            charts.Bar(labels[c], u["used_pct"], "bar-capacity", f"{u['used']:,} / {u['capacity']:,}"
                       + (f" ({u['used_pct']:.1f} %)" if u["used_pct"] is not None else ""))
            for c, u in s["capacity"].items()
        ],
        scale=100,
    )  # fmt: skip
    hours = [(f"{h}:00", n) for h, n in s["arrivals_by_hour"].items()]
    arrivals = charts.columns(section_title("arrivals_by_hour"), hours)
    return {"tickets": tickets, "times": times, "satisfaction": satisfaction, "capacity": capacity,
            "arrivals": arrivals}  # fmt: skip


def _extra_sections(report: service.Report) -> list[tuple[str, list[tuple[str, object]]]]:
    """Sections the page does not draw (added by other parts): their figures as label → value."""
    from app.domain.report_figures import flatten

    return [
        (section_title(name), [(figure_label(k), v) for k, v in flatten(figures)])
        for name, figures in report.sections.items()
        if name not in DRAWN and name not in EVIDENCE_SECTIONS
    ]


# --- the survey follow-up list --------------------------------------------------------------


@reports.get("/reports/<code>/follow-ups")
@login_required
def follow_ups(code: str):
    raw_from, raw_to = _range_args()
    reach, items = service.follow_up_list(None if code == "all" else code, raw_from, raw_to, staff(), now=now())
    return render_template(
        "reports/follow_ups.html", code=code, reach=reach, items=items, form=FollowUpForm(),
        offices=service.offices_for(staff()), limit=service.FOLLOW_UP_LIST_MAX, locale=locale(),
    )  # fmt: skip


@reports.post("/reports/follow-ups/<int:response_id>")
@login_required
def mark_follow_up(response_id: int):
    form = FollowUpForm()
    back = form.back.data if (form.back.data or "").startswith("/admin/reports/") else url_for("reports.index")
    if not form.validate_on_submit():
        flash(gettext("The page was open too long; please try again."), "error")
        return redirect(back)
    try:
        service.mark_followed_up(response_id, form.note.data, staff(), now=now())
    except KhiwError as error:
        flash(translate(error), "error")
    else:
        flash(gettext("Marked as followed up."), "info")
    return redirect(back)


# --- the live office view -------------------------------------------------------------------


@reports.get("/live/")
@login_required
def live_index():
    offices = service.offices_for(staff())
    return (
        redirect(url_for("reports.live", code=offices[0].code))
        if len(offices) == 1
        else render_template("reports/live_choose.html", offices=offices, locale=locale())
    )


def _live(code: str, template: str):
    view = service.live_office(code, staff(), now=now())
    return render_template(template, view=view, labels=STATUS_LABELS, locale=locale())


@reports.get("/live/<code>")
@login_required
def live(code: str):
    return _live(code, "reports/live.html")


@reports.get("/live/<code>/panel")
@login_required
def live_panel(code: str):
    """The live part of the page, fetched again every few seconds by static/js/reports.js."""
    return _live(code, "reports/live_panel.html"), 200, {"Cache-Control": "no-store"}
