"""Offices and their availability."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from app.domain.booking import parse_date
from app.services.availability import office_availability
from app.services.office_rules import catalogue, office_rules

from ..context import locale, lookup_rate, now
from . import api
from .serialize import availability_json, office_json


@api.get("/offices")
def list_offices():
    """The offices change rarely: the body is built once per version and language, and a
    client that has it gets ``304 Not Modified``."""
    offices = catalogue()
    lang = locale()
    etag = f"{offices.version or '0'}-{lang}"
    body = offices.rendered.get(("offices-json", lang))
    if body is None:
        body = current_app.json.dumps([office_json(o, lang) for o in offices.active()]).encode()
        offices.rendered[("offices-json", lang)] = body
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.vary.add("Accept-Language")
    response.headers["Cache-Control"] = "no-cache"  # may be kept, but asked again each time
    return response.make_conditional(request)


@api.get("/offices/<code>")
def get_office(code: str):
    return jsonify(office_json(office_rules(code), locale()))


@api.get("/offices/<code>/availability")
@lookup_rate
def availability(code: str):
    raw = request.args.get("date")
    day = parse_date(raw) if raw is not None else None  # an empty date= is a fault, not "today"
    return jsonify(availability_json(office_availability(code, day, now=now()), locale()))
