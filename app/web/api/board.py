"""The display board's data (public, read-only): no names, no tokens. TVs poll it every
second with If-None-Match; an unchanged board is a bodyless 304."""

from __future__ import annotations

from flask import Response, jsonify, request

from app.services import queue as queue_service

from ..context import locale, now
from . import api
from .serialize import board_json


@api.get("/offices/<code>/board")
def board(code: str):
    current = queue_service.board(code, now=now())
    lang = locale()
    etag = f"{current.version}-{lang}"
    response = Response(status=304) if request.if_none_match.contains(etag) else jsonify(board_json(current, lang))
    response.set_etag(etag)
    response.vary.add("Accept-Language")
    response.headers["Cache-Control"] = "no-cache"
    return response
