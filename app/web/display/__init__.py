"""The display board: a page for a TV per office, no login. It polls the board API with
If-None-Match every second, chimes and announces each new call (Thai, then English)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from app.services.office_rules import office_rules

from ..context import locale

display = Blueprint("display", __name__, url_prefix="/display")

#: The pre-rendered Thai clips in static/audio/th (scripts/make-audio-clips), for browsers
#: without a Thai voice.
CLIPS = ["invite", "counter", *"0123456789", "letter-a", "letter-w", "letter-m"]


@display.get("/<code>")
def board_page(code: str):
    office = office_rules(code)
    clips = {name: url_for("static", filename=f"audio/th/{name}.wav") for name in CLIPS}
    return render_template("display/board.html", office=office, clips=clips, locale=locale())
