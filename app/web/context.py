"""What every page and API route shares about the request at hand: the clock and settings,
the person's language, the JSON body, rate limits, and who is acting.

Blueprints of every audience (citizen, kiosk, counter, display, admin, api) import from
here; nothing below the web edge does (services take ``Settings`` and ``now`` as values).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request
from flask_babel import get_locale
from werkzeug.exceptions import RequestEntityTooLarge

from app.domain.errors import N_, InvalidField, InvalidRequest
from app.extensions import limiter
from app.settings import Settings

LOCALES = ("th", "en")


def settings() -> Settings:
    """The settings the services need, as a plain value (built once per request)."""
    if "khiw_settings" not in g:
        g.khiw_settings = Settings.from_config(current_app.config)
    return g.khiw_settings


def now() -> datetime:
    """The current instant (UTC). Tests set config CLOCK to fix it."""
    return settings().now()


LANG_COOKIE = "lang"


def chosen_locale() -> str | None:
    """The language a person just picked on a page: ``?lang=`` on a link, or the ``lang``
    button of a form (which re-sends what was typed, so nothing is lost)."""
    chosen = request.args.get("lang") or (_form_field("lang") if request.method == "POST" else None)
    return chosen if chosen in LOCALES else None


def _form_field(name: str) -> str | None:
    """A form field, or None when the body cannot be read (over the size limit: the 413
    page itself must still render)."""
    try:
        return request.form.get(name)
    except RequestEntityTooLarge:
        return None


def select_locale() -> str:
    """Thai unless the person chose English on a page (remembered in a cookie), or the client
    prefers it (Accept-Language). The API answers by Accept-Language (or ``?lang=``) only."""
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        return chosen
    if not request.path.startswith("/api/"):
        chosen = chosen_locale() or request.cookies.get(LANG_COOKIE)
        if chosen in LOCALES:
            return chosen
    return request.accept_languages.best_match(LOCALES, default="th")


def locale() -> str:
    return str(get_locale() or "th")


def json_body() -> dict:
    """The request's JSON object; a 400 naming the field for what no database can store."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise InvalidRequest(N_("The request body is nested too deeply to be read.")) from None
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The request body must be a JSON object."))
    field = unstorable_text(body)
    if field is not None:
        raise InvalidField(
            field, N_("This field holds characters that cannot be stored (a NUL or a broken character).")
        )
    return body


def unstorable_text(value: object, path: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first string holding a NUL or a lone UTF-16 surrogate, or None.

    JSON allows both (``\\u0000``, ``\\ud800``); PostgreSQL and UTF-8 cannot store them.
    """
    if depth > 32:
        return path or None
    if isinstance(value, str):
        if "\x00" in value:
            return path or None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or None
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = unstorable_text(item, f"{path}.{key}" if path else str(key), depth + 1)
        if found is not None:
            return found
    return None


def current_actor() -> str:
    """Who is acting, as the event history records it: ``citizen``, ``kiosk:<id>``, ``staff:<name>``.

    A route that authenticates a kiosk or a staff member sets ``g.actor``.
    """
    return g.get("actor", "citizen")


def _limit(name: str):
    return lambda: current_app.config[name]


booking_rate = limiter.limit(_limit("RATELIMIT_BOOKING"), scope="booking")
lookup_rate = limiter.limit(_limit("RATELIMIT_LOOKUP"), scope="lookup")
login_rate = limiter.limit(_limit("RATELIMIT_LOGIN"), scope="login")
find_rate = limiter.limit(_limit("RATELIMIT_FIND"), scope="find", methods=["POST"])
complaint_rate = limiter.limit(_limit("RATELIMIT_COMPLAINT"), scope="complaint", methods=["POST"])
