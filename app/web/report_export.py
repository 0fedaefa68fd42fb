"""A report as tables a head hands to an auditor: the same tables on the report page, its A4
print, the CSV and the Excel workbook, in the reader's language (Thai by default, English by
``Accept-Language: en`` or the page's switch).

- **Figures**: every section the report has, one line per figure (section, figure, value),
  so a section another part registers is exported with no change here;
- seed 004's **satisfaction per item**, **per customer group**, **per counter**, **per clerk**
  and **this period against a year earlier**;
- **complaints per topic** (and per intake channel where complaints record one) and **year over
  year**, with the share resolved beside the GECC target of 80 %.

No machine keys, no ``True``/``False``: labels are words, percentages are percentages
(``app.web.spreadsheet`` writes the cells).
"""

from __future__ import annotations

from flask_babel import gettext

from app.domain import complaints as complaint_rules
from app.domain.channels import CHANNEL_LABELS, Channel
from app.domain.evidence_figures import NOT_GIVEN, RESOLVED_TARGET_PCT
from app.domain.report_figures import FIGURE_LABELS, SATISFACTION_TARGET_PCT, SECTION_TITLES, flatten
from app.domain.survey import GROUP_LABELS, GROUPS, RESPONDENT_LABELS, RESPONDENT_OPTIONS
from app.domain.survey_forms import ALL_ITEMS
from app.services.reports import Report

from .spreadsheet import CSV_TYPE, XLSX_TYPE, Cell, Column, Table, to_csv, to_xlsx

__all__ = ["CSV_TYPE", "XLSX_TYPE", "evidence_tables", "figure_label", "report_csv", "report_filename",
           "report_tables", "report_xlsx", "section_title"]  # fmt: skip

#: The sections drawn as their own tables (the rest go, figure by figure, in "Figures").
EVIDENCE_SECTIONS = (
    "satisfaction_items",
    "satisfaction_by_group",
    "satisfaction_by_counter",
    "satisfaction_by_clerk",
    "satisfaction_year_over_year",
    "complaints_by_topic",
    "complaints_by_channel",
    "complaints_year_over_year",
)
_MINUTES = {"wait_minutes", "service_minutes"}


def section_title(name: str) -> str:
    title = SECTION_TITLES.get(name)
    return gettext(title) if title else name.replace("_", " ").capitalize()


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


def _figure_kind(section: str, name: str, value: object) -> str:
    last = name.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return "yesno"
    if last.endswith("pct"):
        return "pct"
    if section in _MINUTES or isinstance(value, float):
        return "num"
    return "int" if isinstance(value, int) else "text"


def _figures_table(report: Report) -> Table:
    table = Table(gettext("Figures"), [Column(gettext("Section")), Column(gettext("Figure")), Column(gettext("Value"))])
    for section, figures in report.sections.items():
        if section in EVIDENCE_SECTIONS or not isinstance(figures, dict):
            continue
        for name, value in flatten(figures):
            table.rows.append([section_title(section), figure_label(name),
                               Cell(value, _figure_kind(section, name, value))])  # fmt: skip
    return table


def _share_columns() -> list[Column]:
    return [
        Column(gettext("Answers"), "int"),
        Column(gettext("Very satisfied"), "pct"),
        Column(gettext("Satisfied"), "pct"),
        Column(gettext("Dissatisfied"), "pct"),
        Column(gettext("Satisfied or very satisfied"), "pct"),
    ]


def _shares(line: dict) -> list:
    return [line["answers"], line["very_satisfied_pct"], line["satisfied_pct"], line["dissatisfied_pct"],
            line["satisfaction_pct"]]  # fmt: skip


def _complaint_columns() -> list[Column]:
    return [Column(gettext("Complaints received"), "int"), Column(gettext("Complaints resolved"), "int"),
            Column(gettext("Share resolved"), "pct")]  # fmt: skip


def _target_note() -> str:
    return gettext("GECC target: more than %(pct)s %% satisfied.", pct=f"{SATISFACTION_TARGET_PCT:.0f}")


def _value_label(group: str, value: object) -> str:
    if value == NOT_GIVEN:
        return gettext("Not given")
    if group == "channel":
        channel = Channel.parse(str(value))
        return gettext(CHANNEL_LABELS[channel]) if channel else str(value)
    label = RESPONDENT_OPTIONS.get(group, {}).get(str(value))
    return gettext(label) if label else str(value)


def _customer_groups() -> dict[str, str]:
    labels = {name: gettext(label) for name, label in RESPONDENT_LABELS.items()}
    return {**{name: labels[name] for name in ("age_band", "occupation", "education")},
            "channel": gettext("Channel of the visit")}  # fmt: skip


def evidence_tables(report: Report, locale: str) -> list[Table]:
    """Seed 004's satisfaction tables and the complaint tables, as the page and the files show them."""
    s = report.sections
    tables = []
    items = Table(gettext("Satisfaction per item"), [Column(gettext("Group")), Column(gettext("Item")),
                  *_share_columns()], note=_target_note())  # fmt: skip
    for line in s.get("satisfaction_items", []):
        item = ALL_ITEMS.get(line["item"])
        group = gettext(GROUP_LABELS[item.group]) if item and item.group in GROUP_LABELS else ""
        items.rows.append([group, gettext(item.text) if item else line["item"], *_shares(line)])
    tables.append(items)

    groups = Table(gettext("Satisfaction per customer group"),
                   [Column(gettext("Customer group")), Column(gettext("Answer given")),
                    Column(gettext("Responses"), "int"), *_share_columns()], note=_target_note())  # fmt: skip
    for group, label in _customer_groups().items():
        for line in s.get("satisfaction_by_group", {}).get(group, []):
            groups.rows.append([label, _value_label(group, line["key"]), line["responses"], *_shares(line)])
    tables.append(groups)

    counters = Table(gettext("Satisfaction per counter"),
                     [Column(gettext("Counter")), Column(gettext("Responses"), "int"), *_share_columns()])  # fmt: skip
    for line in s.get("satisfaction_by_counter", []):
        name = line["name_en"] if locale == "en" else line["name_th"]
        if name and report.office is None:
            name = f"{line['office']} · {name}"
        counters.rows.append([name or gettext("Not recorded"), line["responses"], *_shares(line)])
    tables.append(counters)

    clerks = Table(gettext("Satisfaction per clerk"),
                   [Column(gettext("Clerk")), Column(gettext("Responses"), "int"), *_share_columns()])  # fmt: skip
    for line in s.get("satisfaction_by_clerk", []):
        clerks.rows.append([line["clerk"] or gettext("Not recorded"), line["responses"], *_shares(line)])
    tables.append(clerks)

    yoy = s.get("satisfaction_year_over_year")
    if yoy:
        now, before = yoy["this_period"], yoy["a_year_earlier"]
        table = Table(gettext("Satisfaction: this period and a year earlier"),
                      [Column(gettext("Figure")), Column(gettext("This period"), "num"),
                       Column(gettext("A year earlier"), "num"), Column(gettext("Change (points)"), "num")],
                      note=_target_note())  # fmt: skip
        table.rows.append([gettext("From"), Cell(now["from"], "date"), Cell(before["from"], "date"), None])
        table.rows.append([gettext("To"), Cell(now["to"], "date"), Cell(before["to"], "date"), None])
        table.rows.append([gettext("Responses"), Cell(now["responses"], "int"), Cell(before["responses"], "int"),
                           None])  # fmt: skip
        table.rows.append([gettext("Satisfied, all items"), Cell(now["satisfied_pct"], "pct"),
                           Cell(before["satisfied_pct"], "pct"), yoy["change_points"]])  # fmt: skip
        for group in GROUPS:
            a, b = now["groups"].get(group), before["groups"].get(group)
            table.rows.append([gettext(GROUP_LABELS[group]), Cell(a, "pct"), Cell(b, "pct"),
                               None if a is None or b is None else round(a - b, 1)])  # fmt: skip
        tables.append(table)

    topics = Table(gettext("Complaints per topic"), [Column(gettext("Topic")), *_complaint_columns()])
    for line in s.get("complaints_by_topic", []):
        name = line["name_en"] if locale == "en" else line["name_th"]
        topics.rows.append([name or line["topic"], line["received"], line["resolved"], line["resolved_pct"]])
    tables.append(topics)

    if "complaints_by_channel" in s:
        labels = getattr(complaint_rules, "CHANNEL_LABELS", {})
        channels = Table(gettext("Complaints per channel"), [Column(gettext("Channel")), *_complaint_columns()])
        for line in s["complaints_by_channel"]:
            key = line["channel"]
            label = next((gettext(v) for k, v in labels.items() if str(getattr(k, "value", k)) == key), None)
            channels.rows.append([label or _value_label("channel", key), line["received"], line["resolved"],
                                  line["resolved_pct"]])  # fmt: skip
        tables.append(channels)

    cyoy = s.get("complaints_year_over_year")
    if cyoy:
        now, before = cyoy["this_period"], cyoy["a_year_earlier"]
        table = Table(gettext("Complaints: this period and a year earlier"),
                      [Column(gettext("Figure")), Column(gettext("This period"), "num"),
                       Column(gettext("A year earlier"), "num")],
                      note=gettext("GECC 8.3 target: at least %(pct)s %% of complaints resolved.",
                                   pct=f"{RESOLVED_TARGET_PCT:.0f}"))  # fmt: skip
        rows = [("From", "from", "date"), ("To", "to", "date"), ("Complaints received", "received", "int"),
                ("Complaints resolved", "resolved", "int"), ("Share resolved", "resolved_pct", "pct"),
                ("Resolved within the service level", "resolved_within_sla_pct", "pct"),
                ("Median days to resolve", "median_days_to_resolve", "num")]  # fmt: skip
        for label, key, kind in rows:
            table.rows.append([gettext(label), Cell(now[key], kind), Cell(before[key], kind)])
        tables.append(table)
    return tables


def _offices_table(report: Report, locale: str) -> Table:
    table = Table(gettext("Offices"), [
        Column(gettext("Office")), Column(gettext("Tickets issued"), "int"), Column(gettext("Served"), "int"),
        Column(gettext("No-show rate"), "pct"), Column(gettext("Mean wait (minutes)"), "num"),
        Column(gettext("Satisfied"), "pct"), Column(gettext("Responses"), "int"),
    ])  # fmt: skip
    for o in report.offices:
        table.rows.append([o.name(locale), o.issued, o.served, o.no_show_pct, o.wait_mean, o.satisfied_pct,
                           o.responses])  # fmt: skip
    return table


def report_tables(report: Report, locale: str) -> list[Table]:
    tables = [_figures_table(report), *evidence_tables(report, locale)]
    if report.offices:
        tables.append(_offices_table(report, locale))
    return tables


def _preamble(report: Report, locale: str) -> list[tuple[str, object]]:
    office = report.office.name(locale) if report.office else gettext("All offices")
    return [(gettext("Khiw report"), office), (gettext("From"), report.first), (gettext("To"), report.last)]


def report_csv(report: Report, locale: str = "th") -> bytes:
    """The report's tables one after another, UTF-8 with a byte-order mark."""
    return to_csv(_preamble(report, locale), report_tables(report, locale))


def report_xlsx(report: Report, locale: str = "th") -> bytes:
    """A workbook with a sheet per table, formatted (widths, dates, percentages)."""
    return to_xlsx(_preamble(report, locale), report_tables(report, locale))


def report_filename(report: Report, extension: str) -> str:
    office = report.office.code if report.office else "all-offices"
    return f"khiw-report-{office}-{report.first.isoformat()}-{report.last.isoformat()}.{extension}"
