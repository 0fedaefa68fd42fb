"""The office kiosk: a full-screen touch page per office. It talks to the kiosk API with
the key it keeps after a one-time pairing (``X-Kiosk-Key``), so the page and any other
kiosk client share one implementation; here are the page and the ticket's pictures."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from app.domain.queue import PRIORITY_LABELS, Priority
from app.services import tickets
from app.services.office_rules import office_rules

from ..context import locale, lookup_rate, settings
from ..security import FRAMEABLE_BY_SELF

kiosk = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@kiosk.get("/<code>")
def kiosk_page(code: str):
    office = office_rules(code)
    priorities = [(p.value, PRIORITY_LABELS[p], tickets.priority_thai(p)) for p in Priority]
    return render_template(
        "kiosk/kiosk.html", office=office, priorities=priorities, prefixes=tickets.number_prefixes(office),
        locale=locale(),
    )  # fmt: skip


@kiosk.get("/<code>/tickets/<token>.png")
@lookup_rate
def ticket_png(code: str, token: str):
    """The ticket as printed, for the screen (the token is the key, as on the status page)."""
    office = office_rules(code)
    png = tickets.ticket_png(token, office_id=office.id, settings=settings())
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@kiosk.get("/<code>/tickets/<token>/print")
@lookup_rate
def ticket_page(code: str, token: str):
    """The 80 mm ticket for an ordinary printer (the kiosk prints it when no ticket printer
    is attached to the server), from a hidden frame: the one page framable, by Khiw's own
    pages only."""
    office_rules(code)
    page = tickets.ticket_page(token, settings=settings(), stylesheet=url_for("static", filename="css/ticket.css"))
    return Response(page, mimetype="text/html", headers={"Cache-Control": "no-store", **FRAMEABLE_BY_SELF})
