"""The survey form an office asks (seed 004's example 1 or 2) and the items it retired.

Choosing a form changes what citizens are asked from then on; responses already given keep
the form and items they answered (each answer names its item, whose meaning never changes), so
the report shows both forms' items side by side and the five groups stay comparable. An item
is retired (no longer asked), never deleted, and can be asked again. Each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from app.domain import survey_forms as forms
from app.domain.roles import StaffMember
from app.extensions import db
from app.models import OfficeSurveyForm, RetiredSurveyItem, SurveyAnswer, SurveyResponse

from . import audit
from .admin import OfficeRef, office_for, ref
from .survey import office_form
from .transactions import reading, writing


@dataclass(frozen=True)
class ItemRow:
    id: str
    group: str
    text: str  # English source, translated where shown
    retired: bool
    answers: int  # how many answers it has had (kept whatever happens to the item)


@dataclass(frozen=True)
class SurveyPage:
    office: OfficeRef
    form: forms.SurveyForm
    forms: tuple[forms.SurveyForm, ...]
    items: tuple[ItemRow, ...]
    responses_by_form: dict[str, int]


def survey_page(code: str, staff: StaffMember) -> SurveyPage:
    reading()
    office = office_for(code, staff)
    form, retired = office_form(office.id)
    a, r = SurveyAnswer.__table__.c, SurveyResponse.__table__.c
    counts = dict(
        db.session.execute(
            select(a.question_id, func.count())
            .select_from(SurveyAnswer.__table__.join(SurveyResponse.__table__, a.response_id == r.id))
            .where(r.office_id == office.id)
            .group_by(a.question_id)
        ).all()
    )
    by_form = dict(
        db.session.execute(select(r.form, func.count()).where(r.office_id == office.id).group_by(r.form)).all()
    )
    items = tuple(ItemRow(q.id, q.group, q.text, q.id in retired, counts.get(q.id, 0)) for q in form.items)
    return SurveyPage(ref(office), form, tuple(forms.FORMS.values()), items, by_form)


def choose_form(code: str, staff: StaffMember, raw_form: object, *, now: datetime) -> None:
    chosen = forms.read_form_choice(raw_form)
    with writing():
        office = office_for(code, staff)
        row = db.session.get(OfficeSurveyForm, office.id)
        before = row.form if row else forms.DEFAULT_FORM
        if before == chosen.code:
            return
        if row is None:
            db.session.add(OfficeSurveyForm(office_id=office.id, form=chosen.code, changed_at=now))
        else:
            row.form, row.changed_at = chosen.code, now
        audit.record(staff, office.id, "survey_form", None, "update", now=now,
                     before={"form": before}, after={"form": chosen.code})  # fmt: skip


def retire_item(code: str, staff: StaffMember, raw_item: object, *, now: datetime) -> None:
    with writing():
        office = office_for(code, staff)
        form, retired = office_form(office.id)
        item = forms.read_item_to_retire(raw_item, form, retired)
        if item in retired:
            return
        db.session.add(RetiredSurveyItem(office_id=office.id, question_id=item, retired_at=now, staff_id=staff.id))
        audit.record(staff, office.id, "survey_item", item, "retire", now=now,
                     before={"asked": True}, after={"asked": False})  # fmt: skip


def restore_item(code: str, staff: StaffMember, raw_item: object, *, now: datetime) -> None:
    with writing():
        office = office_for(code, staff)
        item = raw_item if isinstance(raw_item, str) and raw_item in forms.ALL_ITEMS else None
        if item is None:
            return
        gone = db.session.execute(
            delete(RetiredSurveyItem).where(RetiredSurveyItem.office_id == office.id,
                                            RetiredSurveyItem.question_id == item)
        ).rowcount  # fmt: skip
        if gone:
            audit.record(staff, office.id, "survey_item", item, "restore", now=now,
                         before={"asked": False}, after={"asked": True})  # fmt: skip
