"""The report's evidence sections for an auditor (issue 19 §3; seed 004, GECC 8.3, PMQA 3.4):
satisfaction per item, per customer group, per counter and per clerk, this period against the
same period a year earlier, and complaints per topic (and per intake channel where complaints
record one) with the share resolved, year over year.

Each is a report section ``(office_ids, first, last) -> figures`` (``app.services.reports``
registers them), aggregated in SQL with ``GROUP BY`` on the range's (office, day) index; the
shares are worked out by ``app.domain.evidence_figures``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from app.domain import evidence_figures as rules
from app.domain.calendar import to_utc
from app.domain.channels import Channel
from app.domain.report_figures import satisfaction_figures
from app.domain.survey import RATINGS, RESPONDENT_OPTIONS
from app.domain.survey_forms import ALL_ITEMS, ITEM_ORDER
from app.models import Complaint, ComplaintTopic, Counter, Office, Staff, SurveyAnswer, SurveyResponse

from .report_memo import memo as report_memo
from .transactions import reading

_r = SurveyResponse.__table__.c
_a = SurveyAnswer.__table__.c
_c = Complaint.__table__.c
_t = ComplaintTopic.__table__.c
_rated = SurveyAnswer.__table__.join(SurveyResponse.__table__, _a.response_id == _r.id)


def _in_range(office_ids: Sequence[int], first: date, last: date) -> tuple:
    return (_r.office_id.in_(list(office_ids)), _r.day >= first, _r.day <= last)


#: The response's columns the report groups by: seed 004's customer groups, counter and clerk.
_GROUPED = ("age_band", "occupation", "education", "channel", "counter_id", "staff_id")


def _grouped(office_ids: Sequence[int], first: date, last: date) -> tuple[list, list]:
    """(ratings, people) of the range grouped by every grouping column at once — two queries
    instead of two per grouping; each grouping then sums its own column in Python (the
    combinations are a few thousand at most, against ~100,000 answers a year)."""
    key = ("evidence_groups", tuple(office_ids), first, last)
    memo = report_memo()
    if key in memo:
        return memo[key]
    where = _in_range(office_ids, first, last)
    columns = [getattr(_r, name) for name in _GROUPED]
    connection = reading()
    per_rating = [func.sum(case((_a.rating == rating, 1), else_=0)) for rating in RATINGS]
    rows = connection.execute(
        select(*columns, *per_rating).select_from(_rated).where(*where).group_by(*columns)
    ).all()  # fmt: skip
    ratings = [(*row[: len(columns)], rating, int(row[len(columns) + n] or 0))
               for row in rows for n, rating in enumerate(RATINGS)]  # fmt: skip
    people = connection.execute(select(*columns, func.count()).where(*where).group_by(*columns)).all()
    memo[key] = found = (ratings, [tuple(p) for p in people])
    return found


def _by(name: str, office_ids: Sequence[int], first: date, last: date, order: Sequence = ()) -> list[dict]:
    """Rating shares per value of a response's column ``name`` (age band, counter, clerk …)."""
    ratings, people = _grouped(office_ids, first, last)
    at = _GROUPED.index(name)
    return rules.per_value([(r[at], r[-2], r[-1]) for r in ratings], [(p[at], p[-1]) for p in people], order)


def satisfaction_items(office_ids: Sequence[int], first: date, last: date) -> list[dict]:
    """Per item answered in the range: its group and the share of each rating."""
    rows = reading().execute(
        select(_a.question_id, _a.rating, func.count())
        .select_from(_rated)
        .where(*_in_range(office_ids, first, last))
        .group_by(_a.question_id, _a.rating)
    )
    lines = rules.per_item([tuple(r) for r in rows], ITEM_ORDER)
    for line in lines:
        item = ALL_ITEMS.get(line["item"])
        line["group"] = item.group if item else None
    return lines


def satisfaction_by_group(office_ids: Sequence[int], first: date, last: date) -> dict[str, list[dict]]:
    """Per customer group of seed 004: age band, occupation, education, and the visit's channel."""
    orders = {name: list(RESPONDENT_OPTIONS[name]) for name in ("age_band", "occupation", "education")}
    orders["channel"] = [c.value for c in Channel]
    return {name: _by(name, office_ids, first, last, orders[name]) for name in rules.CUSTOMER_GROUPS}


def satisfaction_by_counter(office_ids: Sequence[int], first: date, last: date) -> list[dict]:
    """Per counter that served the visit: ``{"office", "counter" (its number), "name_th", "name_en", …}``."""
    lines = _by("counter_id", office_ids, first, last)
    ids = [line["key"] for line in lines if isinstance(line["key"], int)]
    k, o = Counter.__table__.c, Office.__table__.c
    found = {
        row.id: row
        for row in reading().execute(
            select(k.id, k.number, k.name_th, k.name_en, o.code).join(Office.__table__, o.id == k.office_id)
            .where(k.id.in_(ids))
        )
    }  # fmt: skip
    out = []
    for line in sorted(lines, key=lambda x: (found[x["key"]].code, found[x["key"]].number) if x["key"] in found
                       else ("~", 0)):  # fmt: skip
        counter = found.get(line.pop("key"))
        names = {"office": counter.code, "counter": counter.number, "name_th": counter.name_th,
                 "name_en": counter.name_en} if counter else {"office": None, "counter": None, "name_th": None,
                                                              "name_en": None}  # fmt: skip
        out.append({**names, **line})
    return out


def satisfaction_by_clerk(office_ids: Sequence[int], first: date, last: date) -> list[dict]:
    """Per clerk who served the visit (by the name they go by; the account, never a citizen)."""
    lines = _by("staff_id", office_ids, first, last)
    ids = [line["key"] for line in lines if isinstance(line["key"], int)]
    s = Staff.__table__.c
    names = dict(reading().execute(select(s.id, s.display_name).where(s.id.in_(ids))).all())
    out = [{"clerk": names.get(line.pop("key")), **line} for line in lines]
    return sorted(out, key=lambda x: (x["clerk"] is None, x["clerk"] or ""))


def _satisfaction(office_ids: Sequence[int], first: date, last: date) -> dict:
    key = ("satisfaction", tuple(office_ids), first, last)
    if key in report_memo():
        figures = report_memo()[key]
        return {"from": first.isoformat(), "to": last.isoformat(), "responses": figures["responses"],
                "satisfied_pct": figures["satisfied_pct"], "groups": figures["groups"]}  # fmt: skip
    where = _in_range(office_ids, first, last)
    connection = reading()
    responses = connection.execute(select(func.count()).select_from(SurveyResponse.__table__).where(*where))
    counts = connection.execute(
        select(_a.question_group, _a.rating, func.count())
        .select_from(_rated)
        .where(*where)
        .group_by(_a.question_group, _a.rating)
    ).all()
    figures = satisfaction_figures(responses.scalar_one(), [tuple(row) for row in counts])
    return {"from": first.isoformat(), "to": last.isoformat(), "responses": figures["responses"],
            "satisfied_pct": figures["satisfied_pct"], "groups": figures["groups"]}  # fmt: skip


def satisfaction_year_over_year(office_ids: Sequence[int], first: date, last: date) -> dict:
    """The range's satisfaction beside the same days a year earlier."""
    now = _satisfaction(office_ids, first, last)
    before = _satisfaction(office_ids, *rules.year_earlier(first, last))
    return {"this_period": now, "a_year_earlier": before,
            "change_points": rules.change_points(now["satisfied_pct"], before["satisfied_pct"])}  # fmt: skip


def _received_between(office_ids: Sequence[int], first: date, last: date) -> tuple:
    start, end = to_utc(first, datetime.min.time()), to_utc(last + timedelta(days=1), datetime.min.time())
    return (_c.office_id.in_(list(office_ids)), _c.received_at >= start, _c.received_at < end)


def _complaints(office_ids: Sequence[int], first: date, last: date) -> dict:
    rows = reading().execute(
        select(_c.received_at, _c.resolved_at, _c.due_at).where(*_received_between(office_ids, first, last))
    )
    return {"from": first.isoformat(), "to": last.isoformat(), **rules.complaint_period(tuple(r) for r in rows)}


def complaints_year_over_year(office_ids: Sequence[int], first: date, last: date) -> dict:
    """Complaints received in the range (and a year earlier): how many, the share resolved
    (GECC 8.3, target 80 %), the share resolved within the service level, median days."""
    now = _complaints(office_ids, first, last)
    before = _complaints(office_ids, *rules.year_earlier(first, last))
    return {"this_period": now, "a_year_earlier": before, "resolved_target_pct": rules.RESOLVED_TARGET_PCT}


def complaints_by_topic(office_ids: Sequence[int], first: date, last: date) -> list[dict]:
    """Per topic: received in the range, resolved, the share resolved."""
    rows = reading().execute(
        select(_t.code, _t.name_th, _t.name_en, _t.position, _c.resolved_at)
        .select_from(Complaint.__table__.join(ComplaintTopic.__table__, _t.id == _c.topic_id))
        .where(*_received_between(office_ids, first, last))
    ).all()
    names = {r.code: (r.position, r.name_th, r.name_en) for r in rows}
    order = sorted(names, key=lambda code: (names[code][0], code))
    lines = rules.per_topic([(r.code, r.resolved_at is not None) for r in rows], order)
    return [{**line, "name_th": names[line["topic"]][1], "name_en": names[line["topic"]][2]} for line in lines]


def complaints_by_channel(office_ids: Sequence[int], first: date, last: date) -> list[dict]:
    """Per intake channel (web, phone, letter, walk-in, 1111 …) where complaints record one."""
    channel = _c.channel
    rows = reading().execute(select(channel, _c.resolved_at).where(*_received_between(office_ids, first, last)))
    lines = rules.per_topic([(r[0] or rules.NOT_GIVEN, r[1] is not None) for r in rows], ())
    return [{"channel": line.pop("topic"), **line} for line in lines]


def has_complaint_channel() -> bool:
    """Whether complaints record their intake channel (issue 19 §1 adds the column)."""
    return "channel" in Complaint.__table__.c
