"""Offices and their availability."""

from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from app.domain.booking import parse_date
from app.domain.calendar import local_now
from app.extensions import db
from app.models import Office
from app.services.availability import office_availability
from app.services.booking import find_office

from . import api
from .common import locale, lookup_rate, now
from .serialize import availability_json, office_json


@api.get("/offices")
def list_offices():
    offices = db.session.scalars(select(Office).where(Office.active.is_(True)).order_by(Office.code))
    return jsonify([office_json(o, locale()) for o in offices])


@api.get("/offices/<code>")
def get_office(code: str):
    return jsonify(office_json(find_office(code), locale()))


@api.get("/offices/<code>/availability")
@lookup_rate
def availability(code: str):
    office = find_office(code)
    instant = now()
    raw = request.args.get("date")
    day = parse_date(raw) if raw else local_now(instant).date()
    return jsonify(availability_json(office_availability(office, day, now=instant), locale()))
