"""An office's public statistics page (``/stats/<office>``): no login, figures only (PMQA 3.4
asks for published complaint statistics, GECC for transparency). The figures are computed once
per period by ``app.services.public_stats``; proxies and browsers may keep the page an hour."""

from __future__ import annotations

from flask import render_template

from app.domain.channels import CHANNEL_LABELS, Channel
from app.services.public_stats import public_stats

from ..context import locale, now
from . import citizen

#: How long a browser or a proxy may keep the page: this year's figures change once a day.
MAX_AGE_SECONDS = 3600


@citizen.get("/stats/<office_code>")
def office_stats(office_code: str):
    stats = public_stats(office_code, now=now())
    page = render_template("citizen/stats.html", stats=stats, office=stats.office, channels=list(Channel),
                           channel_labels=CHANNEL_LABELS, locale=locale())  # fmt: skip
    return page, 200, {"Cache-Control": f"public, max-age={MAX_AGE_SECONDS}", "Vary": "Accept-Language, Cookie"}
