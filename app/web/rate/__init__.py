"""The satisfaction tablet at each counter (``/rate/<office>/<counter>``), facing the citizen.

Paired once with its own key (made in the administration's kiosk keys, for one counter), kept
in the tablet's storage and sent as ``X-Rate-Key``: never a clerk's session. It asks every
second which visit the clerk has just finished at its counter and shows the government
form's three faces for it; one tap is stored (``counter_rating.record_tap``). It then offers
the full survey: on the tablet (posted here with the visit's id: the tablet never holds the
citizen's token) or on the citizen's phone through a QR code of a short-lived signed link
(``/rate/s/<link>``) that opens the visit's own survey page. Thanks, then idle after 20 s.
"""

from __future__ import annotations

import io

import qrcode
from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, URLSafeSerializer

from app.domain import counter_rating as rules
from app.domain import survey as survey_rules
from app.domain.errors import N_, NotFound
from app.services import counter_rating
from app.services import survey as survey_service
from app.settings import Settings

from ..context import json_body, locale, lookup_rate, now, settings

rate = Blueprint("rate", __name__, url_prefix="/rate")


def _tablet(code: str, number: int) -> counter_rating.Tablet:
    return counter_rating.tablet_for(code, number, request.headers.get("X-Rate-Key"))


def _signer() -> URLSafeSerializer:
    """Signs a per-visit link: the visit's id and when the link was made (the app's clock)."""
    return URLSafeSerializer(current_app.secret_key, salt="khiw-counter-visit-survey")


def _faces() -> list[tuple[str, str, str]]:
    """(value, Thai, English) for each face: Thai with English beneath, whatever the page's language."""
    with force_locale("th"):
        thai = {face: gettext(survey_rules.RATING_LABELS[face]) for face in rules.FACES}
    return [(face, thai[face], survey_rules.RATING_LABELS[face]) for face in rules.FACES]


@rate.get("/<code>/<int:number>")
def tablet_page(code: str, number: int):
    office, counter = counter_rating.counter_of(code, number)
    return render_template(
        "rate/tablet.html", office=office, counter=counter, faces=_faces(), questions=survey_rules.QUESTIONS,
        groups=survey_rules.GROUPS, group_labels=survey_rules.GROUP_LABELS, ratings=survey_rules.RATINGS,
        rating_labels=survey_rules.RATING_LABELS, idle_seconds=rules.IDLE_SECONDS, locale=locale(),
    )  # fmt: skip


@rate.get("/<code>/<int:number>/visit")
def current_visit(code: str, number: int):
    """The visit just finished at this counter, not yet rated here (or ``null``)."""
    visit = counter_rating.visit_to_rate(_tablet(code, number), now=now())
    if visit is None:
        return jsonify({"visit": None})
    link = _signer().dumps([visit.id, int(now().timestamp())])
    return jsonify(
        {
            "visit": {
                "id": visit.id,
                "number": visit.number,
                "service": visit.service.name(locale()) if visit.service else "",
                "survey_qr": url_for("rate.survey_qr", link=link),
            }
        }
    )


@rate.post("/<code>/<int:number>/taps")
def tap(code: str, number: int):
    body = json_body()
    counter_rating.record_tap(_tablet(code, number), body.get("visit"), body.get("rating"), now=now())
    return jsonify({"stored": True}), 201


@rate.post("/<code>/<int:number>/survey")
def full_survey(code: str, number: int):
    """The visit's full survey answered on the tablet: the same one response per visit."""
    tablet = _tablet(code, number)
    body = json_body()
    submission = survey_rules.read_submission(body.get("answers"), body.get("suggestion"), body.get("respondent"))
    token = counter_rating.visit_token(tablet, body.get("visit"), now=now())
    survey_service.answer_survey(token, submission, now=now())
    return jsonify({"stored": True}), 201


def _visit_of(link: str) -> str:
    try:
        visit_id, made = _signer().loads(link)
    except (BadSignature, TypeError, ValueError):
        visit_id, made = None, None
    fresh = isinstance(made, int) and rules.link_is_fresh(made, now().timestamp())
    token = counter_rating.survey_token(visit_id) if fresh else None
    if token is None:
        raise NotFound(N_("This link has expired. Scan the QR code on your ticket to rate the service."))
    return token


@rate.get("/s/<link>")
@lookup_rate
def survey_link(link: str):
    """The tablet's QR code on the citizen's phone: opens the visit's own survey page."""
    token = _visit_of(link)
    return redirect(url_for("citizen.survey_form", token=token), 303)


@rate.get("/s/<link>/qr.png")
@lookup_rate
def survey_qr(link: str):
    _visit_of(link)
    address = _public_url(settings(), url_for("rate.survey_link", link=link))
    image = qrcode.make(address, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return Response(out.getvalue(), mimetype="image/png", headers={"Cache-Control": "no-store"})


def _public_url(values: Settings, path: str) -> str:
    return values.public_base_url.rstrip("/") + path
